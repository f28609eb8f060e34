"""The cultivation app's JSON API under /api/cultivation/. Every name starts with "api-cultivation-"
(tests/cultivation/test_matrix.py holds the permission matrix)."""

from django.urls import path

from . import api

urlpatterns = [
    path("campaigns/", api.CampaignList.as_view(), name="api-cultivation-campaigns"),
    path("campaigns/<int:pk>/progress/", api.CampaignProgress.as_view(), name="api-cultivation-progress"),
    path("courses/", api.CourseList.as_view(), name="api-cultivation-courses"),
    path("courses/<int:pk>/attendance/", api.Attendance.as_view(), name="api-cultivation-attendance"),
    path("tracked/<int:pk>/methods/", api.MethodAdd.as_view(), name="api-cultivation-methods"),
    path("mine/", api.Mine.as_view(), name="api-cultivation-mine"),
]
