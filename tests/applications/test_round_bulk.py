"""The round dashboard's phase actions and the office's bulk transition."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from applications.enums import Action, ApplicationState, RoundPhase
from applications.models import Application, StateChange
from applications.services import eligibility_evaluate, round_bulk_transition
from applications.workflow import transitions_in_phase
from award_portal.audit import AuditEvent
from award_portal.roles import Role
from tests.applications.factories import make_application, make_org, make_program, make_round

pytestmark = pytest.mark.django_db
S = ApplicationState


def test_transitions_in_phase_come_from_the_table():
    assert {t.action for t in transitions_in_phase(RoundPhase.ELIGIBILITY)} == {
        Action.MARK_ELIGIBLE, Action.MARK_INELIGIBLE}
    assert {t.action for t in transitions_in_phase(RoundPhase.MATERIAL_REVIEW)} == {
        Action.START_MATERIAL_REVIEW, Action.ADVANCE_TO_SITE_REVIEW, Action.NOT_ADVANCE}
    assert transitions_in_phase(RoundPhase.SETUP) == []


def _eligibility_round():
    program = make_program(rules=[("min_years_registered", {"years": 3})])
    rnd = make_round(program, phase=RoundPhase.ELIGIBILITY)
    old = [make_application(rnd, make_org(), state=S.RECOMMENDED) for _ in range(2)]
    young = make_application(rnd, make_org(registered_on=datetime.date.today()), state=S.RECOMMENDED)
    for application in old + [young]:
        eligibility_evaluate(application_id=application.pk)
    return rnd, old, young


def test_bulk_marks_every_passing_application_and_reports_the_refusals(make_user):
    office = make_user(Role.OFFICE)
    rnd, old, young = _eligibility_round()

    result = round_bulk_transition(round_id=rnd.pk, action=Action.MARK_ELIGIBLE, actor=office)

    assert result["done"] == 2
    assert [number for number, _reason in result["refused"]] == [young.number]
    assert sorted(Application.objects.filter(round=rnd).values_list("state", flat=True)) == sorted(
        [S.ELIGIBLE, S.ELIGIBLE, S.RECOMMENDED])
    assert StateChange.objects.filter(application__round=rnd, action=Action.MARK_ELIGIBLE).count() == 2
    assert AuditEvent.objects.filter(action="application.mark_eligible").count() == 2


def test_bulk_is_for_the_office_only(make_user):
    rnd, _old, _young = _eligibility_round()
    for role in (Role.SUPERVISOR, Role.COMMITTEE, Role.APPLICANT, Role.EXPERT):
        with pytest.raises(PermissionDenied):
            round_bulk_transition(round_id=rnd.pk, action=Action.MARK_ELIGIBLE, actor=make_user(role))
    assert not Application.objects.filter(round=rnd, state=S.ELIGIBLE).exists()


def test_bulk_refuses_actions_that_need_a_reason(make_user):
    rnd, _old, _young = _eligibility_round()
    with pytest.raises(ValidationError):
        round_bulk_transition(round_id=rnd.pk, action=Action.MARK_INELIGIBLE, actor=make_user(Role.OFFICE))


def test_dashboard_lists_the_phase_actions_and_runs_the_bulk_form(client, make_user):
    office = make_user(Role.OFFICE)
    rnd, _old, _young = _eligibility_round()
    client.force_login(office)

    page = client.get(f"/rounds/{rnd.pk}/").content.decode()
    assert 'data-action="mark_eligible"' in page and 'data-action="mark_ineligible"' in page

    response = client.post(f"/rounds/{rnd.pk}/bulk/", {"action": Action.MARK_ELIGIBLE})
    assert response.status_code == 302
    assert Application.objects.filter(round=rnd, state=S.ELIGIBLE).count() == 2


def test_bulk_form_is_refused_to_a_supervisor(client, make_user):
    rnd, _old, _young = _eligibility_round()
    client.force_login(make_user(Role.SUPERVISOR))
    assert client.post(f"/rounds/{rnd.pk}/bulk/", {"action": Action.MARK_ELIGIBLE}).status_code == 403
    assert not Application.objects.filter(round=rnd, state=S.ELIGIBLE).exists()


@pytest.mark.parametrize("phase,state,action,page", [
    (RoundPhase.DELIBERATION, S.IN_DELIBERATION, Action.PROPOSE, "/deliberation/rounds/{pk}/meeting/"),
    (RoundPhase.PUBLIC_NOTICE, S.PROPOSED, Action.START_NOTICE, "/notices/office/rounds/{pk}/publish/"),
    (RoundPhase.APPROVAL, S.IN_PUBLIC_NOTICE, Action.APPROVE, "/awards/rounds/{pk}/"),
])
def test_the_dashboard_links_an_owned_step_to_the_page_that_runs_it(client, make_user, phase, state, action, page):
    """Owned transitions (the committee's vote, the notice, the approval) have no bulk button:
    the dashboard links to the owning app's page for the round."""
    rnd = make_round(make_program(), phase=phase)
    make_application(rnd, make_org(), state=state)
    client.force_login(make_user(Role.OFFICE))
    html = client.get(f"/rounds/{rnd.pk}/").content.decode()
    assert f'data-owner-page="{action}"' in html and page.format(pk=rnd.pk) in html
    assert f'name="action" value="{action}"' not in html
