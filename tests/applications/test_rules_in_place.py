"""Rules that belong to a moment or to a program's cycle hold however they are reached.

- Eligibility results are decisions of the eligibility review: once the application has left it,
  neither a decision nor a re-evaluation may change them (page, service and background task).
- A fraudulent applicant is disqualified at any stage before the award (Beijing 2020 art. 24).
- A round that breaks its program's cycle is refused (Beijing art. 4, Anhui art. 4).
"""

import datetime
import threading
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import translation

from applications.drafts import application_submit
from applications.enums import Action, ApplicationState, Cycle, RoundPhase
from applications.models import Recommender, Round, RuleResult
from applications.services import (
    EligibilityClosed,
    eligibility_evaluate,
    round_save,
    rule_result_decide,
)
from applications.tasks import evaluate_eligibility_task
from applications.workflow import TRANSITIONS, TransitionError, application_transition
from award_portal.audit import audit_events_for
from award_portal.demo import DEMO_PASSWORD
from award_portal.roles import Role

from .factories import deadline_on, make_application, make_org, make_program, make_round, make_tier
from .support import complete_application, make_rep, open_round
from .support import make_org as make_full_org

pytestmark = pytest.mark.django_db
S, P = ApplicationState, RoundPhase


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def office(make_user):
    return make_user(Role.OFFICE)


def doubtful_application(state=S.RECOMMENDED):
    program = make_program(rules=[("declaration", {"key": "no_fraud", "text": "近三年无弄虚作假"})])
    application = make_application(make_round(program, phase=P.ELIGIBILITY), make_org(), state=S.RECOMMENDED)
    [result] = eligibility_evaluate(application_id=application.pk)
    assert result.outcome == "needs_review"
    if state != S.RECOMMENDED:
        type(application).objects.filter(pk=application.pk).update(state=state)
    return application, result


# --- Eligibility decisions belong to the eligibility review ----------------------------------

@pytest.mark.parametrize("state", [S.ELIGIBLE, S.INELIGIBLE, S.IN_MATERIAL_REVIEW, S.WITHDRAWN])
def test_rule_decision_refused_after_the_review(office, state):
    application, result = doubtful_application(state)

    with pytest.raises(EligibilityClosed) as info:
        rule_result_decide(result_id=result.pk, decision="overridden", reason="核实无误", actor=office)

    assert "no longer in eligibility review" in info.value.messages[0]
    result.refresh_from_db()
    assert (result.decision, result.decided_by_id) == ("", None)
    assert not audit_events_for(application).filter(action__startswith="eligibility.overridden").exists()


def test_re_evaluation_refused_after_the_review_and_the_task_leaves_it(office):
    application, result = doubtful_application(S.ELIGIBLE)

    with pytest.raises(EligibilityClosed):
        eligibility_evaluate(application_id=application.pk, actor=office)
    assert evaluate_eligibility_task(application_id=application.pk) == 0
    assert RuleResult.objects.get(pk=result.pk).reason == result.reason


def test_decision_during_the_review_is_recorded(office):
    application, result = doubtful_application()

    rule_result_decide(result_id=result.pk, decision="overridden", reason="核实无误", actor=office)

    assert RuleResult.objects.get(pk=result.pk).decision == "overridden"


def test_only_the_office_decides_even_through_the_service(make_user):
    application, result = doubtful_application()

    with pytest.raises(PermissionDenied):
        eligibility_evaluate(application_id=application.pk, actor=make_user(Role.SUPERVISOR))


def test_pages_refuse_late_decisions_with_a_message(client, office):
    application, result = doubtful_application(S.ELIGIBLE)
    client.login(username=office.username, password=DEMO_PASSWORD)
    client.cookies["django_language"] = "en"

    decide = client.post(reverse("rule-result-decide", args=[result.pk]),
                         {"decision": "overridden", "reason": "核实无误"}, follow=True)
    rerun = client.post(reverse("eligibility-rerun", args=[application.pk]), follow=True)
    page = client.get(reverse("application-detail", args=[application.pk]))

    for response in (decide, rerun):
        assert response.status_code == 200
        assert any("no longer in eligibility review" in str(m) for m in response.context["messages"])
    assert reverse("eligibility-rerun", args=[application.pk]) not in page.content.decode()
    assert reverse("rule-result-decide", args=[result.pk]) not in page.content.decode()


# --- Disqualification before the award (Beijing 2020 art. 24) ----------------------------------

@pytest.mark.parametrize("state", [S.SUBMITTED, S.IN_SITE_REVIEW, S.PROPOSED, S.IN_PUBLIC_NOTICE, S.APPROVED])
def test_fraud_disqualifies_at_any_stage_before_the_award(office, state, without_round_end_guards):
    """第二十四条: 以弄虚作假或不正当手段谋取奖项的组织，尚未授奖的，取消其评选资格."""
    program = make_program()
    tier = make_tier(program, quota=1)
    application = make_application(make_round(program, phase=P.APPROVAL), make_org(), state=state,
                                   tier=tier if state in (S.PROPOSED, S.IN_PUBLIC_NOTICE, S.APPROVED) else None)

    application_transition(application_id=application.pk, action=Action.DISQUALIFY, actor=office,
                           reason="经核实，申报材料中的主要经济指标系伪造。")

    application.refresh_from_db()
    assert application.state == S.DISQUALIFIED
    assert application.feedback == "经核实，申报材料中的主要经济指标系伪造。"
    # The tier's place is free again for the committee.
    other = make_application(application.round, make_org(), state=S.IN_DELIBERATION)
    type(application.round).objects.filter(pk=application.round_id).update(phase=P.DELIBERATION)
    application_transition(application_id=other.pk, action=Action.PROPOSE, actor=office, tier=tier,
                           owner=TRANSITIONS[Action.PROPOSE].owner)  # as the committee's conclusion runs it


@pytest.mark.parametrize("state", [S.DRAFT, S.AWARDED, S.REVOKED, S.INELIGIBLE])
def test_disqualification_is_not_for_drafts_or_awards(office, state):
    """After the award, art. 24 asks for revocation (with the government's approval) instead."""
    application = make_application(make_round(make_program(), phase=P.CLOSED), make_org(), state=state)

    with pytest.raises(TransitionError) as info:
        application_transition(application_id=application.pk, action=Action.DISQUALIFY, actor=office,
                               reason="弄虚作假")
    assert info.value.code == "state"


def test_disqualification_needs_a_reason_and_the_office(make_user, office):
    application = make_application(make_round(make_program(), phase=P.SITE_REVIEW), make_org(),
                                   state=S.IN_SITE_REVIEW)

    with pytest.raises(TransitionError) as info:
        application_transition(application_id=application.pk, action=Action.DISQUALIFY, actor=office, reason=" ")
    assert info.value.code == "reason"
    with pytest.raises(TransitionError) as info:
        application_transition(application_id=application.pk, action=Action.DISQUALIFY,
                               actor=make_user(Role.COMMITTEE), reason="弄虚作假")
    assert info.value.code == "role"


# --- A round keeps its program's cycle ---------------------------------------------------------

def new_round(program, edition, year):
    return Round(program=program, edition=edition, year=year, name_zh=f"第{edition}届",
                 application_deadline=deadline_on(datetime.date(year, 6, 30)))


def test_biennial_program_refuses_a_round_one_year_after_the_last(office):
    """Beijing art. 4: 每两年评选一届."""
    program = make_program(cycle=Cycle.BIENNIAL)
    round_save(rnd=new_round(program, 3, 2024), actor=office)

    with pytest.raises(ValidationError) as info:
        round_save(rnd=new_round(program, 4, 2025), actor=office)

    assert "every two years" in str(info.value)
    assert round_save(rnd=new_round(program, 4, 2026), actor=office).pk
    assert program.rounds.count() == 2


def test_annual_program_refuses_two_rounds_in_one_year(office):
    """Anhui art. 4: 每年评审1次."""
    program = make_program(cycle=Cycle.ANNUAL)
    round_save(rnd=new_round(program, 15, 2026), actor=office)

    with pytest.raises(ValidationError) as info:
        round_save(rnd=new_round(program, 16, 2026), actor=office)

    assert "one round a year" in str(info.value)
    assert round_save(rnd=new_round(program, 16, 2027), actor=office).pk


def test_editions_follow_the_years(office):
    program = make_program(cycle=Cycle.ANNUAL)
    round_save(rnd=new_round(program, 5, 2026), actor=office)

    with pytest.raises(ValidationError):
        round_save(rnd=new_round(program, 6, 2024), actor=office)


def test_editing_a_round_does_not_clash_with_itself(office):
    program = make_program(cycle=Cycle.BIENNIAL)
    rnd = round_save(rnd=new_round(program, 1, 2024), actor=office)
    rnd.name_en = "First"

    round_save(rnd=rnd, actor=office)


def test_admin_refuses_a_round_that_breaks_the_cycle(client, make_user):
    admin = make_user(is_superuser=True, is_staff=True)
    program = make_program(cycle=Cycle.BIENNIAL)
    make_round(program, edition=7, year=2026)
    client.login(username=admin.username, password=DEMO_PASSWORD)
    client.cookies["django_language"] = "en"

    response = client.post(reverse("admin:applications_round_add"), {
        "program": program.pk, "edition": 8, "year": 2027, "name_zh": "第八届", "name_en": "",
        "application_deadline_0": "2027-06-30", "application_deadline_1": "17:00:00"})

    assert response.status_code == 200
    assert "every two years" in response.content.decode()
    assert program.rounds.count() == 1


# --- Routing holds at submission, not only in the form (Beijing 2020 art. 16) ------------------

def test_submission_to_another_districts_bureau_is_refused(make_user):
    """第十六条: 申报表报行业主管部门或注册地区市场监管局 — a Haidian organisation cannot report to
    Chaoyang's bureau, however the authority was set on the draft."""
    rnd = open_round("beijing")
    rep = make_rep(make_user, make_full_org(region="110108"))
    application = complete_application(rnd, rep.organizations.get(), rep)
    chaoyang = Recommender.objects.get(code="bj-amr-chaoyang")
    type(application).objects.filter(pk=application.pk).update(recommender=chaoyang)

    with pytest.raises(TransitionError) as info:
        application_submit(application_id=application.pk, actor=rep)

    assert info.value.code == "guard"
    assert "its own area" in info.value.message
    type(application).objects.filter(pk=application.pk).update(
        recommender=Recommender.objects.get(code="bj-amr-haidian"))
    assert application_submit(application_id=application.pk, actor=rep).state == S.SUBMITTED


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_rounds_created_at_once_cannot_both_break_the_cycle(office, monkeypatch):
    """The program row is locked while a round is checked and saved: of two Beijing rounds one
    year apart created at the same moment, exactly one is saved."""
    program = make_program(cycle=Cycle.BIENNIAL)
    check = Round.cycle_problem

    def slow_check(rnd):
        problem = check(rnd)
        time.sleep(0.3)  # both threads are past their own check before either saves
        return problem

    monkeypatch.setattr(Round, "cycle_problem", slow_check)
    barrier, outcomes = threading.Barrier(2), []

    def create(edition, year):
        try:
            barrier.wait(timeout=10)
            round_save(rnd=new_round(program, edition, year), actor=office)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=args) for args in [(1, 2026), (2, 2027)]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["ok", "refused"]
    assert program.rounds.count() == 1
