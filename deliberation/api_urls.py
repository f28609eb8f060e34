"""The deliberation app's JSON API under /api/deliberation/. Every name starts with "api-deliberation-"."""

from django.urls import path

from . import api

urlpatterns = [
    path("rounds/", api.RoundList.as_view(), name="api-deliberation-rounds"),
    path("rounds/<int:round_pk>/meeting/", api.MeetingDetail.as_view(), name="api-deliberation-meeting"),
    path("votes/<int:pk>/", api.VoteDetail.as_view(), name="api-deliberation-vote"),
    path("votes/<int:pk>/ballot/", api.BallotCast.as_view(), name="api-deliberation-ballot"),
    path("receipt/", api.ReceiptCheck.as_view(), name="api-deliberation-receipt"),
]
