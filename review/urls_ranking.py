"""A stage's ranking, per-application aggregates with the leader's consensus, and statistics."""

from django.urls import path

from . import views_ranking as v

urlpatterns = [
    path("rounds/<int:round_pk>/ranking/<str:stage>/", v.ranking, name="review-ranking"),
    path("rounds/<int:round_pk>/ranking/<str:stage>/<int:application_pk>/", v.ranking_detail,
         name="review-ranking-detail"),
    path("rounds/<int:round_pk>/ranking/<str:stage>/<int:application_pk>/consensus/", v.consensus,
         name="review-ranking-consensus"),
    path("rounds/<int:round_pk>/statistics/<str:stage>/", v.statistics, name="review-statistics"),
]
