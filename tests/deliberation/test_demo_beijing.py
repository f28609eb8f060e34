"""The closed Beijing 2016 round of the demo held its deliberation as a real meeting: signed,
concluded, dated inside the round's deliberation span, with one vote per tier carrying the real
winners and nominees (applications/demo.py calls deliberation.demo.decide_for_demo)."""

import datetime
import random

import pytest
from django.utils import timezone

from applications import demo as applications_demo
from applications.enums import RoundPhase
from applications.models import Application, Round
from award_portal import demo as portal_demo
from deliberation.models import Meeting

pytestmark = pytest.mark.django_db


def test_beijing_2016_deliberation_is_a_signed_meeting_in_its_span():
    applications_demo.load_all_programs()
    users = portal_demo.load()
    far = timezone.now() + datetime.timedelta(days=365)
    applications_demo._load_beijing_second_edition(random.Random(19580), users["office"], users["recommender"], far)

    rnd = Round.objects.get(program__code="beijing", year=2016)
    meeting = Meeting.objects.get(round=rnd)
    start, end = applications_demo._beijing_2016_spans()[RoundPhase.DELIBERATION]
    assert meeting.signed and meeting.concluded_at is not None
    assert start <= meeting.held_at <= meeting.concluded_at <= end
    assert all(start <= v.opened_at <= v.closed_at <= end for v in meeting.votes.all())
    assert meeting.members.filter(user__username="committee", present=True).exists()
    carried = {(c.application_id, c.vote.tier.code) for v in meeting.votes.all() for c in v.candidates.all()
               if c.outcome == "elected"}
    held = set(Application.objects.filter(round=rnd).exclude(tier=None).values_list("pk", "tier__code"))
    assert carried == held and len(held) == Application.objects.filter(round=rnd).count()
    assert {v.tier.code for v in meeting.votes.all()} == {"award", "nomination"}
