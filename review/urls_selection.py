"""Selection of who advances, the guidance group's opinions and the feedback letters."""

from django.urls import path

from . import views_selection as v

urlpatterns = [
    path("rounds/<int:round_pk>/selection/<str:stage>/", v.selection, name="review-selection"),
    path("rounds/<int:round_pk>/opinions/<str:stage>/", v.opinions, name="review-opinions"),
    path("feedback/<int:letter_pk>/", v.feedback_letter, name="review-feedback"),
    path("feedback/<int:letter_pk>/release/", v.feedback_release, name="review-feedback-release"),
    path("feedback/<int:letter_pk>/pdf/", v.feedback_pdf, name="review-feedback-pdf"),
]
