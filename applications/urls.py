from django.urls import path

from . import form_views, read_views, registration_views, views

urlpatterns = [
    path("programs/", views.programs, name="programs"),
    path("programs/<slug:code>/register/", views.program_register, name="program-register"),
    path("register/", registration_views.organization_register, name="organization-register"),
    path("organizations/<int:pk>/", registration_views.organization_detail, name="organization-detail"),
    path("invitations/<str:token>/", registration_views.invitation_accept, name="invitation-accept"),
    path("rounds/", views.round_list, name="round-list"),
    path("rounds/<int:pk>/", views.round_dashboard, name="round-dashboard"),
    path("rounds/<int:pk>/advance/", views.round_advance, name="round-advance"),
    path("rounds/<int:pk>/bulk/", views.round_bulk, name="round-bulk"),
    path("applications/", views.application_list, name="application-list"),
    path("applications/new/", form_views.application_start, name="application-start"),
    path("applications/<int:pk>/", views.application_detail, name="application-detail"),
    path("applications/<int:pk>/read/", read_views.application_read, name="application-read"),
    path("applications/<int:pk>/edit/<slug:step>/", form_views.application_edit, name="application-edit"),
    path("applications/<int:pk>/autosave/", form_views.application_autosave, name="application-autosave"),
    path("applications/<int:pk>/attachments/", form_views.attachment_upload, name="attachment-upload"),
    path("applications/<int:pk>/commitment/", form_views.commitment_sign, name="commitment-sign"),
    path("applications/<int:pk>/submit/", form_views.application_submit, name="application-submit"),
    path("applications/<int:pk>/pdf/", form_views.application_pdf, name="application-pdf"),
    path("applications/<int:pk>/recommend/", form_views.recommend, name="application-recommend"),
    path("applications/<int:pk>/eligibility/rerun/", form_views.eligibility_rerun, name="eligibility-rerun"),
    path("applications/<int:pk>/transition/", views.application_transition, name="application-transition"),
    path("attachments/<int:pk>/", form_views.attachment_download, name="attachment-download"),
    path("attachments/<int:pk>/delete/", form_views.attachment_delete, name="attachment-delete"),
    path("eligibility-results/<int:pk>/decide/", form_views.rule_result_decide, name="rule-result-decide"),
]
