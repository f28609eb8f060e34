"""The deliberation app's pages. Every name starts with "deliberation-" (tests/deliberation has the permission matrix)."""

from django.urls import path

from . import views_office, views_vote

urlpatterns = [
    path("", views_office.rounds, name="deliberation-rounds"),
    path("mine/", views_vote.mine, name="deliberation-mine"),
    path("receipt/", views_vote.receipt, name="deliberation-receipt"),
    path("rounds/<int:round_pk>/dossier/", views_office.dossier, name="deliberation-dossier"),
    path("rounds/<int:round_pk>/meeting/", views_office.meeting, name="deliberation-meeting"),
    path("rounds/<int:round_pk>/meeting/save/", views_office.meeting_save, name="deliberation-meeting-save"),
    path("rounds/<int:round_pk>/meeting/attendance/", views_office.attendance, name="deliberation-attendance"),
    path("rounds/<int:round_pk>/meeting/recusals/", views_office.recusal_add, name="deliberation-recusal-add"),
    path("rounds/<int:round_pk>/meeting/votes/", views_office.vote_create, name="deliberation-vote-create"),
    path("rounds/<int:round_pk>/meeting/sign/", views_office.sign, name="deliberation-sign"),
    path("rounds/<int:round_pk>/meeting/conclude/", views_office.conclude, name="deliberation-conclude"),
    path("recusals/<int:pk>/withdraw/", views_office.recusal_withdraw, name="deliberation-recusal-withdraw"),
    path("votes/<int:pk>/", views_vote.vote, name="deliberation-vote"),
    path("votes/<int:pk>/ballot/", views_vote.ballot, name="deliberation-ballot"),
    path("votes/<int:pk>/open/", views_vote.vote_open, name="deliberation-vote-open"),
    path("votes/<int:pk>/close/", views_vote.vote_close, name="deliberation-vote-close"),
    path("votes/<int:pk>/delete/", views_vote.vote_delete, name="deliberation-vote-delete"),
    path("votes/<int:pk>/runoff/", views_vote.runoff, name="deliberation-runoff"),
    path("votes/<int:pk>/tie/", views_vote.tie_decide, name="deliberation-tie-decide"),
]
