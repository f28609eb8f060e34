"""A round's phases: forward one step at a time, by the office only, each step recorded and audited."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from applications.enums import PHASE_ORDER, RoundPhase
from applications.models import PhaseChange, Round
from applications.services import round_advance_phase, round_set_phase_for_demo
from award_portal.audit import audit_events_for
from award_portal.roles import Role

from .factories import make_program, make_round

pytestmark = pytest.mark.django_db

P = RoundPhase


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def office(make_user):
    return make_user(Role.OFFICE)


def history(rnd):
    return list(PhaseChange.objects.filter(round=rnd).values_list("from_phase", "to_phase", "actor_id", "note"))


def round_audit(rnd):
    return list(audit_events_for(rnd).filter(action="round.phase").values_list("actor_id", "role", "before", "after"))


def test_advance_moves_one_step_and_records_it(office):
    rnd = make_round(make_program(), phase=P.SETUP)

    returned = round_advance_phase(round_id=rnd.pk, actor=office, note="按通知开放申报")

    assert (returned.phase, Round.objects.get(pk=rnd.pk).phase) == (P.APPLICATIONS_OPEN, P.APPLICATIONS_OPEN)
    assert history(rnd) == [(P.SETUP, P.APPLICATIONS_OPEN, office.pk, "按通知开放申报")]
    assert round_audit(rnd) == [(office.pk, "office", {"phase": "setup"},
                                 {"phase": "applications_open", "note": "按通知开放申报"})]


def test_advance_walks_every_phase_in_order_then_stops(office):
    # Past its deadline, without applications or notice stages: nothing holds the round.
    rnd = make_round(make_program(), phase=P.SETUP, deadline=timezone.now() - datetime.timedelta(days=1))

    for _step in PHASE_ORDER[1:]:
        round_advance_phase(round_id=rnd.pk, actor=office)
    with pytest.raises(ValidationError) as closed:
        round_advance_phase(round_id=rnd.pk, actor=office)

    assert [(f, t) for f, t, _a, _n in history(rnd)] == list(zip(PHASE_ORDER, PHASE_ORDER[1:], strict=False))
    assert Round.objects.get(pk=rnd.pk).phase == P.CLOSED
    assert closed.value.messages == ["The round is closed."]
    assert len(round_audit(rnd)) == len(PHASE_ORDER) - 1


def test_advance_to_the_next_phase_named_explicitly(office):
    rnd = make_round(make_program(), phase=P.ELIGIBILITY)

    round_advance_phase(round_id=rnd.pk, actor=office, to_phase=P.MATERIAL_REVIEW)

    assert Round.objects.get(pk=rnd.pk).phase == P.MATERIAL_REVIEW


@pytest.mark.parametrize("to_phase", [P.SITE_REVIEW, P.CLOSED, P.ELIGIBILITY, P.RECOMMENDATION, P.SETUP, "nonsense"])
def test_advance_refuses_a_skip_or_a_step_back(office, to_phase):
    rnd = make_round(make_program(), phase=P.ELIGIBILITY)

    with pytest.raises(ValidationError) as info:
        round_advance_phase(round_id=rnd.pk, actor=office, to_phase=to_phase)

    assert "the next phase is “Material review”" in info.value.messages[0]
    assert Round.objects.get(pk=rnd.pk).phase == P.ELIGIBILITY
    assert history(rnd) == []
    assert round_audit(rnd) == []


@pytest.mark.parametrize("role", [r for r in Role if r != Role.OFFICE] + [None])
def test_advance_office_only(make_user, role):
    rnd = make_round(make_program(), phase=P.SETUP)
    actor = make_user(role) if role else None

    with pytest.raises(PermissionDenied):
        round_advance_phase(round_id=rnd.pk, actor=actor)

    assert Round.objects.get(pk=rnd.pk).phase == P.SETUP
    assert history(rnd) == []
    assert round_audit(rnd) == []


def test_advance_superuser_allowed(make_user):
    admin = make_user(is_superuser=True)
    rnd = make_round(make_program(), phase=P.SETUP)

    round_advance_phase(round_id=rnd.pk, actor=admin)

    assert history(rnd) == [(P.SETUP, P.APPLICATIONS_OPEN, admin.pk, "")]
    assert round_audit(rnd)[0][:2] == (admin.pk, "admin")


def test_next_phase_property():
    assert [make_round(make_program(), phase=p).next_phase for p in (P.SETUP, P.APPROVAL, P.CLOSED)] == [
        P.APPLICATIONS_OPEN, P.CLOSED, None]


def test_set_phase_for_demo_walks_through_the_service():
    rnd = make_round(make_program(), phase=P.SETUP)

    rnd = round_set_phase_for_demo(rnd, P.ELIGIBILITY)

    assert Round.objects.get(pk=rnd.pk).phase == P.ELIGIBILITY
    steps = history(rnd)
    assert [(f, t) for f, t, _a, _n in steps] == [
        (P.SETUP, P.APPLICATIONS_OPEN), (P.APPLICATIONS_OPEN, P.RECOMMENDATION), (P.RECOMMENDATION, P.ELIGIBILITY)]
    assert len({actor for _f, _t, actor, _n in steps}) == 1
    assert len(round_audit(rnd)) == 3
    # Already there (or past it): nothing more happens.
    round_set_phase_for_demo(rnd, P.APPLICATIONS_OPEN)
    assert len(history(rnd)) == 3
