"""The demo helpers other apps call: `decide_for_demo` holds a complete signed meeting and moves the
finalists; `open_vote_for_demo` leaves a secret ballot open for the demo login `committee`."""

import datetime

import pytest
from django.utils import timezone

from applications.enums import ApplicationState as S
from applications.models import Application
from award_portal.todo import todo_for
from deliberation.demo import decide_for_demo, open_vote_for_demo
from deliberation.models import Ballot, Meeting

pytestmark = pytest.mark.django_db

HELD = timezone.make_aware(datetime.datetime(2026, 11, 10, 9, 30))


def test_decide_for_demo_holds_a_signed_meeting_and_moves_the_finalists(world):
    w = world
    proposals = {w.apps[0].pk: w.secret, w.apps[1].pk: w.hands, w.apps[2].pk: None}

    meeting = decide_for_demo(w.round, w.office, proposals, held_at=HELD)

    assert meeting.signed and meeting.concluded_at == HELD + datetime.timedelta(hours=2)
    assert [Application.objects.get(pk=a.pk).state for a in w.apps] == [S.PROPOSED, S.PROPOSED, S.NOT_PROPOSED,
                                                                         S.NOT_PROPOSED]
    assert Application.objects.get(pk=w.apps[0].pk).tier == w.secret
    assert Application.objects.get(pk=w.apps[1].pk).tier == w.hands
    assert Ballot.objects.filter(vote__meeting=meeting).count() == 5  # the secret tier's real ballots
    assert all(v.opened_at > HELD for v in meeting.votes.all())


def test_open_vote_for_demo_leaves_the_committee_login_to_vote(world):
    w = world
    vote = open_vote_for_demo(w.round, w.office, held_at=HELD)
    member = Meeting.objects.get(round=w.round).members.get(user__username="committee").user

    assert vote.status == "open" and Ballot.objects.filter(vote=vote).count() == 4
    sections = [s["title"] for s in todo_for(member)]
    assert any("投票" in t or "Votes" in t for t in sections)
