"""The notices app's JSON API under /api/notices/. Every name starts with "api-notices-"."""

from django.urls import path

from . import api

urlpatterns = [
    path("", api.NoticeList.as_view(), name="api-notices-list"),
    path("<int:pk>/", api.NoticeDetail.as_view(), name="api-notices-detail"),
    path("objections/", api.ObjectionList.as_view(), name="api-notices-objections"),
    path("objections/<int:pk>/decide/", api.ObjectionDecide.as_view(), name="api-notices-objection-decide"),
    path("rounds/<int:pk>/publish/", api.NoticePublish.as_view(), name="api-notices-publish"),
]
