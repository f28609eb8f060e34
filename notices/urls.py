"""The notices app's pages. Every name starts with "notices-" (tests/notices has the permission matrix).

Included at the site root: the public pages live at /calls/, /notices/ and /results/ …
"""

from django.urls import path

from . import views_office, views_public

urlpatterns = [
    path("calls/", views_public.calls, name="notices-calls"),
    path("notices/", views_public.notice_list, name="notices-list"),
    path("notices/<int:pk>/", views_public.notice_detail, name="notices-detail"),
    path("notices/<int:pk>/object/", views_public.objection_new, name="notices-objection-new"),
    path("notices/objection-status/", views_public.objection_status, name="notices-objection-status"),
    path("results/", views_public.results, name="notices-results"),
    path("notices/revoked/", views_public.revoked, name="notices-revoked"),
    path("notices/trail-check/", views_public.trail_check_page, name="notices-trail-check"),
    path("notices/office/", views_office.office, name="notices-office"),
    path("notices/office/rounds/<int:pk>/publish/", views_office.publish, name="notices-publish"),
    path("notices/office/objections/<int:pk>/", views_office.objection_review, name="notices-objection-review"),
    path("notices/office/objections/<int:pk>/evidence/<int:evidence_pk>/", views_office.evidence_download,
         name="notices-evidence"),
]
