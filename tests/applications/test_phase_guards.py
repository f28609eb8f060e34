"""A round leaves a phase only when the phase is finished: deadline passed, no application left in
a state the phase must resolve, notice periods over. The service refuses with the list of
blockers; the dashboard shows the same list before the button."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.formats import date_format

from applications.enums import Action, ApplicationState, RoundPhase
from applications.models import PhaseChange, Round
from applications.phase_guards import blocking_states, round_phase_blockers
from applications.services import round_advance_phase
from award_portal.roles import Role

from .factories import make_application, make_org, make_program, make_round
from .support import english

pytestmark = pytest.mark.django_db
P = RoundPhase
S = ApplicationState
PAST = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def office(make_user):
    return make_user(Role.OFFICE)


def past_round(phase, **fields):
    return make_round(make_program(**fields), phase=phase, deadline=timezone.now() - PAST)


def test_blocking_states_come_from_the_table():
    assert blocking_states(P.SETUP) == frozenset()
    assert blocking_states(P.APPLICATIONS_OPEN) == frozenset()
    assert blocking_states(P.RECOMMENDATION) == {S.DRAFT, S.RETURNED, S.SUBMITTED}
    assert blocking_states(P.ELIGIBILITY) == {S.RECOMMENDED}
    assert blocking_states(P.DELIBERATION) == {S.IN_SITE_REVIEW, S.IN_DELIBERATION}
    assert blocking_states(P.APPROVAL) == {S.IN_PUBLIC_NOTICE}


def test_intake_cannot_close_before_the_deadline(office):
    rnd = make_round(make_program(), phase=P.APPLICATIONS_OPEN)

    with pytest.raises(ValidationError) as info:
        round_advance_phase(round_id=rnd.pk, actor=office)

    assert info.value.messages[0] == "The round cannot move to “Recommendation” yet:"
    assert "has not passed yet" in info.value.messages[1]
    assert Round.objects.get(pk=rnd.pk).phase == P.APPLICATIONS_OPEN
    assert not PhaseChange.objects.filter(round=rnd).exists()


def test_recommendation_cannot_end_with_applications_awaiting_it(office):
    rnd = past_round(P.RECOMMENDATION)
    waiting = make_application(rnd, make_org(), state=S.SUBMITTED)
    make_application(rnd, make_org(), state=S.SUBMITTED)
    make_application(rnd, make_org(), state=S.DRAFT)  # past the deadline: it can no longer move

    with pytest.raises(ValidationError) as info:
        round_advance_phase(round_id=rnd.pk, actor=office)

    assert info.value.messages[1:] == [
        "2 application(s) still “Submitted, awaiting recommendation”: this phase must resolve them first."]
    assert Round.objects.get(pk=rnd.pk).phase == P.RECOMMENDATION

    type(waiting).objects.exclude(state=S.DRAFT).filter(round=rnd).update(state=S.RECOMMENDED)
    round_advance_phase(round_id=rnd.pk, actor=office)
    assert Round.objects.get(pk=rnd.pk).phase == P.ELIGIBILITY


def test_a_returned_application_holds_the_round_until_the_recommendation_period_ends(office):
    rnd = past_round(P.RECOMMENDATION)
    make_application(rnd, make_org(), state=S.RETURNED)
    Round.objects.filter(pk=rnd.pk).update(recommendation_deadline=timezone.localdate() + PAST)

    blockers = round_phase_blockers(Round.objects.get(pk=rnd.pk))

    assert blockers == [f"The recommendation period runs until {date_format(timezone.localdate() + PAST)}.",
                        "1 application(s) still “Returned for revision”: this phase must resolve them first."]
    Round.objects.filter(pk=rnd.pk).update(recommendation_deadline=timezone.localdate() - PAST)
    assert round_phase_blockers(Round.objects.get(pk=rnd.pk)) == []


def test_a_round_cannot_close_with_applications_on_notice(office):
    rnd = past_round(P.APPROVAL)
    make_application(rnd, make_org(), state=S.IN_PUBLIC_NOTICE)
    make_application(rnd, make_org(), state=S.APPROVED)  # award is still allowed once closed

    with pytest.raises(ValidationError) as info:
        round_advance_phase(round_id=rnd.pk, actor=office)

    assert info.value.messages[1:] == [
        "1 application(s) still “In public notice”: this phase must resolve them first."]
    assert Round.objects.get(pk=rnd.pk).phase == P.APPROVAL


def test_a_notice_blocker_holds_the_round_until_it_clears(office, monkeypatch):
    """The notices app reports its unfinished notices through the hook (tests/notices/test_pipeline.py
    has the real ones); the phase service and the dashboard list what the hook says."""
    from applications import phase_guards

    rnd = past_round(P.DELIBERATION)
    round_advance_phase(round_id=rnd.pk, actor=office)  # into public notice
    pending = ["The notice “Proposed winners” runs until 4 December 2026."]
    monkeypatch.setattr(phase_guards, "NOTICE_BLOCKER_PROVIDERS", [lambda r: list(pending) if r.pk == rnd.pk else []])

    with pytest.raises(ValidationError) as info:
        round_advance_phase(round_id=rnd.pk, actor=office)

    assert pending[0] in info.value.messages
    assert Round.objects.get(pk=rnd.pk).phase == P.PUBLIC_NOTICE
    pending.clear()
    round_advance_phase(round_id=rnd.pk, actor=office)
    assert Round.objects.get(pk=rnd.pk).phase == P.APPROVAL


def test_dashboard_lists_the_blockers_before_the_button(client, office):
    rnd = past_round(P.ELIGIBILITY)
    make_application(rnd, make_org(), state=S.RECOMMENDED)
    client.force_login(office)

    response = english(client).get(f"/rounds/{rnd.pk}/")

    assert response.status_code == 200
    assert response.context["blockers"] == [
        "1 application(s) still “Recommended, awaiting eligibility review”: this phase must resolve them first."]
    html = response.content.decode()
    assert html.index('id="phase-blockers"') < html.index('id="advance-phase"')
    assert 'data-confirm="Move the round to' in html


def test_dashboard_without_blockers_shows_none(client, office):
    rnd = past_round(P.ELIGIBILITY)
    client.force_login(office)

    response = english(client).get(f"/rounds/{rnd.pk}/")

    assert response.context["blockers"] == []
    assert 'id="phase-blockers"' not in response.content.decode()


def test_dashboard_offers_only_the_office_s_own_transitions(client, office):
    rnd = make_round(make_program(), phase=P.APPLICATIONS_OPEN)
    for state in (S.DRAFT, S.SUBMITTED, S.RETURNED):
        make_application(rnd, make_org(), state=state)
    client.force_login(office)

    response = english(client).get(f"/rounds/{rnd.pk}/")

    # Submission is the applicant's, endorsement and return the recommender's: no rows, no buttons.
    assert response.context["phase_actions"] == []


def test_dashboard_bulk_buttons_for_office_transitions(client, office):
    rnd = past_round(P.ELIGIBILITY)
    make_application(rnd, make_org(), state=S.RECOMMENDED)
    client.force_login(office)

    response = english(client).get(f"/rounds/{rnd.pk}/")

    assert [(a["transition"].action, a["bulk"]) for a in response.context["phase_actions"]] == [
        (Action.MARK_ELIGIBLE, True), (Action.MARK_INELIGIBLE, False)]


def test_application_page_shows_only_what_the_phase_allows(client, office):
    rnd = past_round(P.MATERIAL_REVIEW)
    application = make_application(rnd, make_org(), state=S.IN_MATERIAL_REVIEW)
    client.force_login(office)

    response = english(client).get(f"/applications/{application.pk}/")

    assert {t.action for t in response.context["actions"]} == {
        Action.ADVANCE_TO_SITE_REVIEW, Action.NOT_ADVANCE, Action.DISQUALIFY}
    Round.objects.filter(pk=rnd.pk).update(phase=P.DELIBERATION)
    response = english(client).get(f"/applications/{application.pk}/")
    assert {t.action for t in response.context["actions"]} == {Action.DISQUALIFY}
    assert 'data-confirm="Disqualify: this cannot be undone' in response.content.decode()
