"""Helpers for tests elsewhere that need an application past the committee.

`propose` is owned by `deliberation.meetings.meeting_conclude` and guarded by the floor and a signed
vote (deliberation/guards.py). A test of the pipeline's own mechanics (quota, phases, races) can
either carry the application by a real signed vote first (`carry`), or take the two deliberation
guards off for its duration (`without_deliberation_guards`) and pass the owner, as
tests/applications/test_workflow.py's wrapper already does."""

import itertools

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from applications.enums import Action
from applications.workflow import TRANSITIONS
from award_portal.roles import Role
from deliberation import guards, meetings, voting
from deliberation.models import Meeting

_counter = itertools.count(1)


def _user(role):
    n = next(_counter)
    user = get_user_model().objects.create_user(username=f"delib-{role}-{n}", password="x", full_name=f"{role}{n}")
    user.groups.add(Group.objects.get_or_create(name=str(role))[0])
    return user


def carry(application, tier, *, office) -> Meeting:
    """Hold a signed meeting on the application's round (in deliberation) whose vote on `tier`
    carries `application` (three members, all in favour). Does not conclude: the caller proposes."""
    members = [_user(Role.COMMITTEE) for _ in range(3)]
    meeting = meetings.meeting_save(
        round_id=application.round_id, actor=office, held_at=timezone.now(), place="会议室",
        member_ids=[m.pk for m in members], chair_id=members[0].pk, office_report="汇报",
        supervision_report="监督汇报", minutes="纪要")
    meetings.attendance_record(meeting_id=meeting.pk, actor=office, present_ids=[m.pk for m in members])
    vote = voting.vote_create(meeting_id=meeting.pk, actor=office, tier_id=tier.pk, application_ids=[application.pk])
    voting.vote_open(vote_id=vote.pk, actor=office)
    if vote.secret:
        for member in members:
            voting.ballot_cast(vote_id=vote.pk, actor=member, choices={str(c.pk): "yes" for c in vote.candidates.all()})
        voting.vote_close(vote_id=vote.pk, actor=office)
    else:
        voting.vote_close(vote_id=vote.pk, actor=office, counts={c.pk: (3, 0, 0) for c in vote.candidates.all()})
    meetings.meeting_sign(meeting_id=meeting.pk, actor=members[0])
    meetings.meeting_sign(meeting_id=meeting.pk, actor=_user(Role.SUPERVISOR))
    return meeting


@pytest.fixture
def without_deliberation_guards(monkeypatch):
    """The pipeline's `propose` without the floor and signed-vote guards, for this test only."""
    extra = TRANSITIONS[Action.PROPOSE].extra_guards
    ours = [g for g in extra if g in (guards.score_floor_met, guards.carried_by_signed_vote)]
    for guard in ours:
        extra.remove(guard)
    yield
    for guard in ours:
        if guard not in extra:
            extra.append(guard)
