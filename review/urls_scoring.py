"""The scoring pages (review/views_scoring.py), under /review/."""

from django.urls import path

from . import views_scoring as v

urlpatterns = [
    path("applications/<int:pk>/score/", v.scorecard_page, name="review-scorecard"),
    path("applications/<int:pk>/score/autosave/", v.scorecard_autosave, name="review-scorecard-autosave"),
    path("scorecards/<int:pk>/reopen/", v.scorecard_reopen, name="review-scorecard-reopen"),
]
