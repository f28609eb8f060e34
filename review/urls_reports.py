"""Site visits, review reports and the round summary downloads."""

from django.urls import path

from . import views_reports as v

urlpatterns = [
    path("rounds/<int:round_pk>/site-visits/", v.visits, name="review-site-visits"),
    path("applications/<int:application_pk>/report/<str:stage>/", v.report, name="review-report"),
    path("applications/<int:application_pk>/report/<str:stage>/pdf/", v.report_pdf, name="review-report-pdf"),
    path("rounds/<int:round_pk>/summary/<str:stage>/pdf/", v.summary_pdf, name="review-round-summary-pdf"),
    path("rounds/<int:round_pk>/summary/<str:stage>/xlsx/", v.summary_xlsx, name="review-round-summary-xlsx"),
]
