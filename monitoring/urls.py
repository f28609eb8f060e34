"""The monitoring app's pages. Every name starts with "monitoring-" (tests/monitoring has the permission matrix)."""

from django.urls import path

from . import views_office, views_public, views_winner

urlpatterns = [
    path("", views_office.office, name="monitoring-office"),
    path("run/", views_office.run_now, name="monitoring-run"),
    path("incidents/", views_office.incident_list, name="monitoring-incidents"),
    path("incidents/<int:pk>/", views_office.incident_detail, name="monitoring-incident"),
    path("incidents/<int:pk>/explain/", views_winner.incident_explain_view, name="monitoring-incident-explain"),
    path("incidents/<int:pk>/close/", views_office.incident_close_view, name="monitoring-incident-close"),
    path("incidents/<int:pk>/propose/", views_office.incident_propose, name="monitoring-incident-propose"),
    path("awards/<int:application_pk>/incident/", views_office.incident_new, name="monitoring-incident-new"),
    path("awards/<int:application_pk>/report-incident/", views_winner.self_report, name="monitoring-self-report"),
    path("awards/<int:application_pk>/propose/", views_office.revocation_propose_view,
         name="monitoring-revocation-propose"),
    path("revocations/", views_office.revocation_list, name="monitoring-revocations"),
    path("revocations/<int:pk>/", views_office.revocation_detail, name="monitoring-revocation"),
    path("revocations/<int:pk>/committee/", views_office.revocation_committee_view,
         name="monitoring-revocation-committee"),
    path("revocations/<int:pk>/approve/", views_office.revocation_approve_view, name="monitoring-revocation-approve"),
    path("revocations/<int:pk>/returns/", views_office.revocation_returns_view, name="monitoring-revocation-returns"),
    path("reports/", views_office.report_list, name="monitoring-reports"),
    path("reports/<int:pk>/", views_winner.report, name="monitoring-report"),
    path("spot-checks/draw/", views_office.spot_check_draw_view, name="monitoring-spot-check-draw"),
    path("spot-checks/<int:pk>/", views_office.spot_check_detail, name="monitoring-spot-check"),
    path("mine/", views_winner.mine, name="monitoring-mine"),
    path("announcements/", views_public.announcements, name="monitoring-announcements"),
    path("announcements/<int:pk>/", views_public.announcement, name="monitoring-announcement"),
]
