"""The cultivation app's pages. Every name starts with "cultivation-" (tests/cultivation has the permission matrix)."""

from django.urls import path

from . import views_member, views_office, views_public

urlpatterns = [
    path("", views_office.home, name="cultivation-home"),
    path("campaigns/new/", views_office.campaign_create, name="cultivation-campaign-create"),
    path("campaigns/<int:pk>/", views_office.campaign, name="cultivation-campaign"),
    path("campaigns/<int:pk>/track/", views_office.track, name="cultivation-track"),
    path("progress/", views_public.progress_index, name="cultivation-public"),
    path("campaigns/<int:pk>/progress/", views_public.progress, name="cultivation-progress"),
    path("tracked/<int:pk>/", views_office.tracked_detail, name="cultivation-tracked"),
    path("tracked/<int:pk>/cultivate/", views_office.cultivate, name="cultivation-cultivate"),
    path("tracked/<int:pk>/methods/", views_office.method_add, name="cultivation-method-add"),
    path("courses/new/", views_office.course_create, name="cultivation-course-create"),
    path("courses/<int:pk>/", views_office.course_detail, name="cultivation-course"),
    path("courses/<int:pk>/enrol/", views_office.enrol, name="cultivation-enrol"),
    path("courses/<int:pk>/attendance/", views_office.attendance, name="cultivation-attendance"),
    path("grants/", views_office.grants, name="cultivation-grants"),
    path("grants/new/", views_office.grant, name="cultivation-grant"),
    path("mine/", views_member.mine, name="cultivation-mine"),
]
