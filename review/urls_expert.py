"""The pages of experts and of the public (review/views_expert.py), under /review/."""

from django.urls import path

from . import views_expert as v

urlpatterns = [
    path("join/", v.join, name="review-join"),
    path("join/thanks/", v.join_thanks, name="review-join-thanks"),
    path("", v.expert_home, name="review-expert-home"),
    path("invitations/<int:pk>/answer/", v.draw_respond, name="review-invitation-answer"),
    path("rounds/<int:pk>/commitment/", v.commitment, name="review-commitment"),
    path("rounds/<int:pk>/availability/", v.availability, name="review-availability"),
    path("rounds/<int:pk>/conflicts/", v.conflicts, name="review-conflicts"),
    path("applications/<int:pk>/", v.application_read, name="review-application-read"),
    path("applications/<int:pk>/pdf/", v.application_pdf_download, name="review-application-pdf"),
    path("applications/<int:pk>/attachments/<int:attachment_pk>/", v.attachment_download,
         name="review-attachment-download"),
]
