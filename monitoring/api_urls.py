"""The monitoring app's JSON API under /api/monitoring/. Every name starts with "api-monitoring-"."""

from django.urls import path

from . import api

urlpatterns = [
    path("runs/", api.Runs.as_view(), name="api-monitoring-runs"),
    path("incidents/", api.Incidents.as_view(), name="api-monitoring-incidents"),
    path("incidents/<int:pk>/explain/", api.IncidentExplain.as_view(), name="api-monitoring-incident-explain"),
    path("incidents/<int:pk>/close/", api.IncidentClose.as_view(), name="api-monitoring-incident-close"),
    path("incidents/report/", api.IncidentReport.as_view(), name="api-monitoring-incident-report"),
    path("revocations/", api.Revocations.as_view(), name="api-monitoring-revocations"),
    path("revocations/propose/", api.RevocationPropose.as_view(), name="api-monitoring-revocation-propose"),
    path("revocations/<int:pk>/committee/", api.RevocationCommittee.as_view(),
         name="api-monitoring-revocation-committee"),
    path("revocations/<int:pk>/approve/", api.RevocationApprove.as_view(), name="api-monitoring-revocation-approve"),
    path("reports/", api.Reports.as_view(), name="api-monitoring-reports"),
    path("reports/<int:pk>/file/", api.ReportFile.as_view(), name="api-monitoring-report-file"),
]
