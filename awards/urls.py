"""The awards app's pages. Every name starts with "awards-" (tests/awards has the permission matrix)."""

from django.urls import path

from . import views_funding, views_office, views_public

urlpatterns = [
    path("", views_office.home, name="awards-home"),
    path("rounds/<int:pk>/", views_office.round_detail, name="awards-round"),
    path("rounds/<int:pk>/approval/", views_office.approval_record, name="awards-approval-record"),
    path("rounds/<int:pk>/approval/scan/", views_office.approval_scan, name="awards-approval-scan"),
    path("rounds/<int:pk>/decision/", views_office.decision_publish, name="awards-decision-publish"),
    path("rounds/<int:pk>/confer/", views_office.confer, name="awards-confer"),
    path("rounds/<int:pk>/cqa/", views_office.cqa_record, name="awards-cqa-record"),
    path("rounds/<int:pk>/certificates/", views_office.certificates, name="awards-certificates"),
    path("rounds/<int:pk>/certificates/pdf/", views_office.certificates_pdf, name="awards-certificates-pdf"),
    path("certificates/<int:pk>/pdf/", views_office.certificate_pdf, name="awards-certificate-pdf"),
    path("decisions/<int:pk>/pdf/", views_office.decision_pdf, name="awards-decision-pdf"),
    path("cqa/<int:pk>/pdf/", views_office.cqa_pdf, name="awards-cqa-pdf"),
    path("funding/", views_funding.ledger, name="awards-funding"),
    path("funding/approve/", views_funding.payment_approve, name="awards-payment-approve"),
    path("payments/<int:pk>/status/", views_funding.payment_status, name="awards-payment-status"),
    path("honours/", views_funding.honours, name="awards-honours"),
    path("mine/", views_funding.mine, name="awards-mine"),
    path("verify/", views_public.verify, name="awards-verify"),
    path("verify/<str:code>/", views_public.certificate_verify, name="awards-certificate-verify"),
]
