"""A round in deliberation with four finalists, a five-member committee, the office and a supervisor.

Final scores come from review.ranking.final_scores (submitted scorecards); the `scores` fixture
sets them for a test, since the scoring itself is the review app's business (tests/review)."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from applications.enums import ApplicationState, RoundPhase, VotingMethod
from award_portal.roles import Role
from deliberation import meetings, voting
from tests.applications.factories import make_application, make_org, make_program, make_round, make_tier


@pytest.fixture
def scores(monkeypatch):
    """`scores({application id: final score})` sets the round's final scores for the test."""
    table = {}

    def final_scores(rnd):
        return dict(table)

    monkeypatch.setattr("review.ranking.final_scores", final_scores)

    def set_scores(values):
        table.clear()
        table.update(values)

    return set_scores


@pytest.fixture
def world(db, make_user, scores):
    program = make_program()
    secret = make_tier(program, quota=2, rank=1, voting_method=VotingMethod.SECRET_BALLOT, name_en="Quality Award")
    hands = make_tier(program, quota=2, rank=2, voting_method=VotingMethod.SHOW_OF_HANDS, name_en="Innovation Award")
    rnd = make_round(program, phase=RoundPhase.DELIBERATION)
    apps = [make_application(rnd, make_org(name=f"入围企业{i}"), state=ApplicationState.IN_DELIBERATION)
            for i in range(4)]
    members = [make_user(Role.COMMITTEE, full_name=f"委员{i}") for i in range(5)]
    w = SimpleNamespace(
        program=program, secret=secret, hands=hands, round=rnd, apps=apps, members=members,
        office=make_user(Role.OFFICE, full_name="评审办"), supervisor=make_user(Role.SUPERVISOR, full_name="监督"),
        outsider=make_user(Role.COMMITTEE, full_name="未出席委员"), scores=scores)
    return w


def held_at():
    return timezone.make_aware(datetime.datetime(2026, 11, 10, 9, 30))


def prepare(w, *, present=None, minutes="会议纪要", chair=0):
    """The meeting called and attended (every member present unless `present` says who)."""
    meeting = meetings.meeting_save(
        round_id=w.round.pk, actor=w.office, held_at=held_at(), place="会议室",
        member_ids=[m.pk for m in w.members], chair_id=w.members[chair].pk,
        office_report="评审办汇报", supervision_report="监督组汇报", minutes=minutes)
    chosen = w.members if present is None else present
    meetings.attendance_record(meeting_id=meeting.pk, actor=w.office, present_ids=[m.pk for m in chosen])
    return meeting


def cast_all(vote, members, plan):
    """Each member votes by `plan(member, candidate) -> choice`; returns their receipts."""
    receipts = {}
    for member in members:
        lines = voting.ballot_lines(vote, member)
        receipts[member.pk] = voting.ballot_cast(vote_id=vote.pk, actor=member,
                                                 choices={str(c.pk): plan(member, c) for c in lines})
    return receipts


def sign_and_conclude(w, meeting):
    meetings.meeting_sign(meeting_id=meeting.pk, actor=w.members[0])
    meetings.meeting_sign(meeting_id=meeting.pk, actor=w.supervisor)
    return meetings.meeting_conclude(meeting_id=meeting.pk, actor=w.office)
