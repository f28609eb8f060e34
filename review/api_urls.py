"""The review app's JSON API under /api/review/. Every name starts with "api-review-"
(tests/review/test_api.py holds the permission matrix)."""

from django.urls import path

from . import api

urlpatterns = [
    path("experts/", api.ExpertList.as_view(), name="api-review-expert-list"),
    path("experts/<int:pk>/", api.ExpertDetail.as_view(), name="api-review-expert-detail"),
    path("me/", api.Me.as_view(), name="api-review-me"),
    path("me/assignments/", api.MyAssignments.as_view(), name="api-review-my-assignments"),
    path("me/assignments/<int:pk>/", api.MyAssignment.as_view(), name="api-review-my-assignment"),
    path("me/assignments/<int:pk>/scorecard/", api.ScorecardDetail.as_view(), name="api-review-scorecard"),
    path("me/assignments/<int:pk>/scorecard/submit/", api.ScorecardSubmit.as_view(),
         name="api-review-scorecard-submit"),
    path("me/assignments/<int:pk>/conflict/", api.ConflictDeclare.as_view(), name="api-review-conflict-declare"),
    path("rounds/<int:round_id>/draws/", api.DrawList.as_view(), name="api-review-draw-list"),
    path("draws/<int:pk>/", api.DrawDetail.as_view(), name="api-review-draw-detail"),
    path("draws/<int:pk>/replay/", api.DrawReplay.as_view(), name="api-review-draw-replay"),
    path("draws/<int:pk>/run/", api.DrawRun.as_view(), name="api-review-draw-run"),
    path("rounds/<int:round_id>/stages/<str:stage>/groups/", api.GroupList.as_view(), name="api-review-group-list"),
]
