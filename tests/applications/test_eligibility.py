"""Eligibility rule kinds on passing, failing and borderline organisations; evaluation and the
office's decisions on doubtful or failing results.

Conditions are judged on the day of the round's application deadline, Beijing time.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from applications.eligibility import RULE_KINDS, EligibilityContext, evaluate_rule, rule_citation
from applications.enums import Action, ApplicationState, LegalForm, RoundPhase, RuleOutcome
from applications.models import Application, Certification, EligibilityRule, RuleResult
from applications.services import eligibility_evaluate, eligibility_reference_date, rule_result_decide
from applications.workflow import TransitionError, application_transition
from award_portal.audit import audit_events_for
from award_portal.roles import Role

from .factories import (
    deadline_on,
    make_application,
    make_certification,
    make_org,
    make_program,
    make_round,
    make_rule,
)

pytestmark = pytest.mark.django_db

PASS, FAIL, REVIEW = RuleOutcome.PASS, RuleOutcome.FAIL, RuleOutcome.NEEDS_REVIEW
DEADLINE_DAY = datetime.date(2024, 6, 30)
DECLARATION = {"key": "no_major_accident", "text": "近三年未发生重大质量、安全、环境事故"}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def judge(kind, params=None, *, org=None, deadline=None, edition=None, program=None, declarations=None,
          **org_fields):
    """Evaluate one rule of `kind` for one application; check the reason cites the article."""
    program = program or make_program()
    rule = make_rule(program, kind, params)
    org = org or make_org(**org_fields)
    rnd = make_round(program, deadline=deadline or deadline_on(DEADLINE_DAY), edition=edition)
    application = make_application(rnd, org, declarations=declarations or {})
    verdict = evaluate_rule(rule, EligibilityContext(application, eligibility_reference_date(application)))
    # English is active (the fixture above): the article by its English reference, an English colon.
    assert verdict.reason.startswith(f"{rule_citation(rule)}: "), verdict.reason
    return verdict


def test_every_rule_kind_of_this_app_is_tested():
    ours = {"registered_in_region", "min_years_registered", "legal_person", "not_public_body",
            "certification_held", "muju_grade", "excellence_model_years", "reapply_wait", "declaration",
            "enterprise_only", "no_losses_years"}  # the last two: test_measures.py
    assert ours <= set(RULE_KINDS)


# --- Registration: region and age -------------------------------------------------------------


@pytest.mark.parametrize(("region", "prefix", "outcome"), [
    ("110108", "11", PASS),
    ("110108", "1101", PASS),
    ("110108", "110108", PASS),
    ("110108", "1102", FAIL),
    ("330106", "11", FAIL),
    ("131082", "11", FAIL),  # 河北三河: a neighbour, not Beijing
])
def test_registered_in_region(region, prefix, outcome):
    assert judge("registered_in_region", {"region_prefix": prefix}, region=region).outcome == outcome


@pytest.mark.parametrize(("registered_on", "outcome"), [
    (datetime.date(2021, 6, 30), PASS),  # exactly three years on the deadline day
    (datetime.date(2021, 7, 1), FAIL),  # three years minus one day
    (datetime.date(2021, 6, 29), PASS),
    (datetime.date(2010, 1, 1), PASS),
    (datetime.date(2024, 6, 30), FAIL),
])
def test_min_years_registered_on_deadline_day(registered_on, outcome):
    verdict = judge("min_years_registered", {"years": 3}, registered_on=registered_on)

    assert verdict.outcome == outcome
    assert str(registered_on) in verdict.reason


@pytest.mark.parametrize(("years", "deadline_day", "outcome"), [
    # No 29 February in 2023: the period ends on the last day of February (民法典 第二百零三条).
    (3, datetime.date(2023, 2, 28), PASS),
    (3, datetime.date(2023, 2, 27), FAIL),
    (4, datetime.date(2024, 2, 29), PASS),
    (4, datetime.date(2024, 2, 28), FAIL),
])
def test_min_years_registered_leap_day(years, deadline_day, outcome):
    verdict = judge("min_years_registered", {"years": years}, registered_on=datetime.date(2020, 2, 29),
                    deadline=deadline_on(deadline_day))

    assert verdict.outcome == outcome


@pytest.mark.parametrize(("hour_day", "outcome"), [
    # 00:30 on 1 July in Beijing is still 30 June in UTC: the Beijing date counts.
    (datetime.datetime(2024, 7, 1, 0, 30), PASS),
    (datetime.datetime(2024, 6, 30, 23, 30), FAIL),
])
def test_min_years_registered_judged_on_the_beijing_date(hour_day, outcome):
    deadline = deadline_on(hour_day.date(), hour=hour_day.hour).replace(minute=hour_day.minute)

    verdict = judge("min_years_registered", {"years": 3}, registered_on=datetime.date(2021, 7, 1),
                    deadline=deadline)

    assert verdict.outcome == outcome


# --- Legal form --------------------------------------------------------------------------------


@pytest.mark.parametrize(("form", "outcome"), [
    (LegalForm.COMPANY, PASS),
    (LegalForm.STATE_OWNED, PASS),
    (LegalForm.COOPERATIVE, PASS),
    (LegalForm.PARTNERSHIP, FAIL),
    (LegalForm.BRANCH, FAIL),
    (LegalForm.SOLE_PROPRIETORSHIP, FAIL),
])
def test_legal_person(form, outcome):
    assert judge("legal_person", legal_form=form).outcome == outcome


@pytest.mark.parametrize(("form", "prefix", "outcome"), [
    (LegalForm.COMPANY, "91", PASS),
    (LegalForm.PUBLIC_INSTITUTION, "12", REVIEW),  # 事业单位: some are managed by reference to the law
    (LegalForm.SOCIAL_ORGANIZATION, "51", PASS),
    (LegalForm.GOVERNMENT_BODY, "91", FAIL),
    (LegalForm.PUBLIC_INSTITUTION, "11", FAIL),  # 机构编制 · 机关: a government body by its code
    (LegalForm.COMPANY, "11", FAIL),
])
def test_not_public_body(form, prefix, outcome):
    assert judge("not_public_body", legal_form=form, prefix=prefix).outcome == outcome


# --- Certification -----------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "valid_from", "valid_until", "outcome"), [
    (Certification.Kind.ISO9001, datetime.date(2021, 1, 1), datetime.date(2027, 1, 1), PASS),
    (Certification.Kind.ISO9001, datetime.date(2021, 1, 1), None, PASS),
    (Certification.Kind.ISO9001, datetime.date(2021, 1, 1), DEADLINE_DAY, PASS),  # last valid day
    (Certification.Kind.ISO9001, DEADLINE_DAY, datetime.date(2027, 1, 1), PASS),  # first valid day
    (Certification.Kind.ISO9001, datetime.date(2018, 1, 1), datetime.date(2024, 6, 29), FAIL),  # expired
    (Certification.Kind.ISO9001, datetime.date(2024, 7, 1), datetime.date(2027, 7, 1), FAIL),  # not yet
    (Certification.Kind.ISO14001, datetime.date(2021, 1, 1), datetime.date(2027, 1, 1), FAIL),  # other kind
])
def test_certification_held(kind, valid_from, valid_until, outcome):
    org = make_org()
    make_certification(org, kind=kind, valid_from=valid_from, valid_until=valid_until)

    assert judge("certification_held", {"kinds": ["iso9001"]}, org=org).outcome == outcome


def test_certification_held_none_at_all_fails():
    verdict = judge("certification_held", {"kinds": ["iso9001", "iso45001"]})

    assert verdict.outcome == FAIL
    assert "iso45001, iso9001" in verdict.reason


def test_certification_held_one_valid_among_expired_passes():
    org = make_org()
    make_certification(org, valid_from=datetime.date(2015, 1, 1), valid_until=datetime.date(2018, 1, 1))
    make_certification(org, valid_from=datetime.date(2021, 1, 1), valid_until=datetime.date(2027, 1, 1))

    assert judge("certification_held", {"kinds": ["iso9001"]}, org=org).outcome == PASS


# --- 亩均效益 ----------------------------------------------------------------------------------

MUJU = {"min_grade": "A", "relaxed_industries": ["通用人工智能", "低空经济"], "relaxed_grade": "B"}


@pytest.mark.parametrize(("fields", "outcome"), [
    ({"industry_section": "F", "revenue_10k": Decimal("90000"), "muju_grade": ""}, PASS),  # not a manufacturer
    ({"industry_section": "C", "revenue_10k": Decimal("1999.99"), "muju_grade": "D"}, PASS),  # below scale
    ({"industry_section": "C", "revenue_10k": Decimal("2000"), "muju_grade": "A"}, PASS),
    ({"industry_section": "C", "revenue_10k": Decimal("50000"), "muju_grade": "A"}, PASS),
    ({"industry_section": "C", "revenue_10k": Decimal("2000"), "muju_grade": "B"}, FAIL),
    ({"industry_section": "C", "revenue_10k": Decimal("50000"), "muju_grade": "B",
      "strategic_industry": "通用人工智能"}, PASS),
    ({"industry_section": "C", "revenue_10k": Decimal("50000"), "muju_grade": "C",
      "strategic_industry": "通用人工智能"}, FAIL),
    ({"industry_section": "C", "revenue_10k": Decimal("50000"), "muju_grade": "B",
      "strategic_industry": "新能源汽车"}, FAIL),  # not a relaxed industry
    ({"industry_section": "C", "revenue_10k": Decimal("50000"), "muju_grade": ""}, REVIEW),
    ({"industry_section": "C", "revenue_10k": Decimal("50000"), "muju_grade": "ungraded"}, REVIEW),
    ({"industry_section": "C", "revenue_10k": None, "muju_grade": "A"}, REVIEW),
])
def test_muju_grade(fields, outcome):
    # The deadline is in 2024: the latest evaluation year is 2023 (see test_measures.py for the year).
    assert judge("muju_grade", MUJU, region="330106", muju_year=2023, **fields).outcome == outcome


def test_muju_grade_custom_sections_and_scale():
    params = {"min_grade": "B", "sections": ["C", "D"], "min_revenue_10k": 5000}

    assert judge("muju_grade", params, industry_section="D", revenue_10k=Decimal("6000"),
                 muju_grade="C", muju_year=2023).outcome == FAIL
    assert judge("muju_grade", params, industry_section="C", revenue_10k=Decimal("4000"),
                 muju_grade="D", muju_year=2023).outcome == PASS


# --- Performance-excellence practice -----------------------------------------------------------


@pytest.mark.parametrize(("since", "outcome"), [
    (datetime.date(2022, 6, 30), PASS),
    (datetime.date(2022, 7, 1), FAIL),
    (None, REVIEW),
])
def test_excellence_model_years(since, outcome):
    assert judge("excellence_model_years", {"years": 2}, excellence_model_since=since).outcome == outcome


# --- Waiting after a win -----------------------------------------------------------------------


def earlier_round(program, org, *, edition, year, state=ApplicationState.AWARDED):
    rnd = make_round(program, phase=RoundPhase.CLOSED, edition=edition, year=year,
                     deadline=deadline_on(datetime.date(year, 5, 31)))
    return make_application(rnd, org, state=state)


@pytest.mark.parametrize(("edition", "outcome"), [(3, FAIL), (4, FAIL), (5, PASS), (6, PASS)])
def test_reapply_wait_by_editions(edition, outcome):
    program = make_program(reapply_wait_editions=2)
    org = make_org()
    earlier_round(program, org, edition=2, year=2020)

    verdict = judge("reapply_wait", program=program, org=org, edition=edition,
                    deadline=deadline_on(datetime.date(2016 + 2 * edition, 6, 30)))

    assert verdict.outcome == outcome
    assert "edition 2" in verdict.reason


@pytest.mark.parametrize(("year", "outcome"), [(2021, FAIL), (2022, FAIL), (2023, PASS), (2024, PASS)])
def test_reapply_wait_by_years(year, outcome):
    program = make_program(reapply_wait_years=3)
    org = make_org()
    earlier_round(program, org, edition=1, year=2020)

    verdict = judge("reapply_wait", program=program, org=org, deadline=deadline_on(datetime.date(year, 6, 30)))

    assert verdict.outcome == outcome
    assert "2020" in verdict.reason


@pytest.mark.parametrize("state", [ApplicationState.NOT_PROPOSED, ApplicationState.WITHDRAWN,
                                   ApplicationState.PROPOSED])
def test_reapply_wait_only_awards_count(state):
    program = make_program(reapply_wait_editions=2)
    org = make_org()
    earlier_round(program, org, edition=2, year=2020, state=state)

    assert judge("reapply_wait", program=program, org=org, edition=3).outcome == PASS


def test_reapply_wait_award_of_another_program_or_org_does_not_count():
    program = make_program(reapply_wait_editions=2)
    org = make_org()
    earlier_round(make_program(reapply_wait_editions=2), org, edition=2, year=2023)
    earlier_round(program, make_org(), edition=3, year=2023)

    assert judge("reapply_wait", program=program, org=org, edition=4).outcome == PASS


def test_reapply_wait_latest_win_counts():
    program = make_program(reapply_wait_editions=2)
    org = make_org()
    earlier_round(program, org, edition=1, year=2016)
    earlier_round(program, org, edition=4, year=2022)

    verdict = judge("reapply_wait", program=program, org=org, edition=6,
                    deadline=deadline_on(datetime.date(2026, 6, 30)))

    assert verdict.outcome == FAIL
    assert "edition 4" in verdict.reason


def test_reapply_wait_program_without_wait_passes():
    program = make_program()
    org = make_org()
    earlier_round(program, org, edition=1, year=2023)

    assert judge("reapply_wait", program=program, org=org, edition=2).outcome == PASS


# --- Declarations ------------------------------------------------------------------------------


@pytest.mark.parametrize(("declarations", "outcome"), [
    ({"no_major_accident": True}, PASS),
    ({"no_major_accident": False}, FAIL),
    ({}, REVIEW),
    ({"something_else": True}, REVIEW),
    ({"no_major_accident": "yes"}, REVIEW),  # only a real yes/no counts
])
def test_declaration(declarations, outcome):
    verdict = judge("declaration", DECLARATION, declarations=declarations)

    assert verdict.outcome == outcome
    assert DECLARATION["text"] in verdict.reason


def test_declaration_without_key_is_for_the_office():
    assert judge("declaration", {"text": "无失信记录"}, declarations={"x": True}).outcome == REVIEW


def test_unknown_rule_kind_needs_review():
    verdict = judge("no_such_kind")

    assert verdict.outcome == REVIEW
    assert "no_such_kind" in verdict.reason


def test_rule_clean_checks_kind_and_parameters():
    program = make_program()
    with pytest.raises(ValidationError) as unknown:
        EligibilityRule(program=program, kind="no_such_kind", source_article="x", description_zh="x").clean()
    with pytest.raises(ValidationError) as missing:
        EligibilityRule(program=program, kind="min_years_registered", source_article="x", description_zh="x").clean()

    assert list(unknown.value.message_dict) == ["kind"]
    assert "years" in missing.value.message_dict["params"][0]
    EligibilityRule(program=program, kind="legal_person", source_article="x", description_zh="x").clean()


# --- eligibility_evaluate ----------------------------------------------------------------------


@pytest.fixture
def screening(make_user):
    """A recommended application in a round under eligibility review, with three rules:
    one passing, one failing, one waiting for the applicant's declaration."""
    program = make_program(rules=[
        ("legal_person", {}),
        ("registered_in_region", {"region_prefix": "11"}),
        ("declaration", DECLARATION),
    ])
    make_rule(program, "min_years_registered", {"years": 100}, active=False)
    rnd = make_round(program, phase=RoundPhase.ELIGIBILITY, deadline=deadline_on(DEADLINE_DAY))
    application = make_application(rnd, make_org(region="330106"), state=ApplicationState.RECOMMENDED)
    return application, make_user(Role.OFFICE)


def outcomes(application):
    return [(r.rule.kind, r.outcome, r.decision) for r in RuleResult.objects.filter(application=application)]


def test_evaluate_stores_one_result_per_active_rule(screening):
    application, office = screening

    results = eligibility_evaluate(application_id=application.pk, actor=office)

    assert [(r.rule.kind, r.outcome) for r in results] == [
        ("legal_person", PASS), ("registered_in_region", FAIL), ("declaration", REVIEW)]
    assert outcomes(application) == [
        ("legal_person", PASS, ""), ("registered_in_region", FAIL, ""), ("declaration", REVIEW, "")]
    for result in results:
        assert result.reason.startswith(result.rule.source_article)
    [event] = audit_events_for(application).filter(action="eligibility.evaluate")
    assert (event.actor_id, event.after) == (office.pk, {"pass": 1, "fail": 1, "needs_review": 1})


def test_evaluate_twice_is_idempotent(screening):
    application, office = screening
    first = eligibility_evaluate(application_id=application.pk, actor=office)

    second = eligibility_evaluate(application_id=application.pk, actor=office)

    assert [r.pk for r in second] == [r.pk for r in first]
    assert [(r.outcome, r.reason) for r in second] == [(r.outcome, r.reason) for r in first]
    assert RuleResult.objects.filter(application=application).count() == 3


def test_evaluate_keeps_decision_when_outcome_unchanged(screening):
    application, office = screening
    results = eligibility_evaluate(application_id=application.pk, actor=office)
    rule_result_decide(result_id=results[1].pk, decision=RuleResult.Decision.CONFIRMED,
                       reason="注册地在杭州", actor=office)

    eligibility_evaluate(application_id=application.pk, actor=office)

    kept = RuleResult.objects.get(pk=results[1].pk)
    assert (kept.decision, kept.decision_reason, kept.decided_by) == ("confirmed", "注册地在杭州", office)


def test_evaluate_changed_outcome_resets_decision(screening):
    application, office = screening
    results = eligibility_evaluate(application_id=application.pk, actor=office)
    rule_result_decide(result_id=results[2].pk, decision=RuleResult.Decision.OVERRIDDEN,
                       reason="电话核实：近三年无事故", actor=office)
    application.declarations = {"no_major_accident": False}
    application.save(update_fields=["declarations"])

    eligibility_evaluate(application_id=application.pk, actor=office)

    reset = RuleResult.objects.get(pk=results[2].pk)
    assert (reset.outcome, reset.decision, reset.decision_reason, reset.decided_by, reset.decided_at) == (
        FAIL, "", "", None, None)
    assert reset.effective_outcome == FAIL


# --- rule_result_decide ------------------------------------------------------------------------


@pytest.mark.parametrize("role", [r for r in Role if r != Role.OFFICE] + [None])
def test_decide_requires_office(screening, make_user, role):
    application, office = screening
    result = eligibility_evaluate(application_id=application.pk, actor=office)[1]
    actor = make_user(role) if role else None

    with pytest.raises(PermissionDenied):
        rule_result_decide(result_id=result.pk, decision=RuleResult.Decision.OVERRIDDEN, reason="理由", actor=actor)

    assert RuleResult.objects.get(pk=result.pk).decision == ""
    assert not audit_events_for(application).filter(
        action__in=["eligibility.overridden", "eligibility.confirmed"]).exists()


@pytest.mark.parametrize(("decision", "reason"), [
    (RuleResult.Decision.OVERRIDDEN, ""),
    (RuleResult.Decision.OVERRIDDEN, "  \n "),
    (RuleResult.Decision.CONFIRMED, ""),
    ("maybe", "理由充分"),
    (RuleResult.Decision.PENDING, "撤回决定"),
])
def test_decide_needs_known_decision_and_reason(screening, decision, reason):
    application, office = screening
    result = eligibility_evaluate(application_id=application.pk, actor=office)[1]

    with pytest.raises(ValidationError):
        rule_result_decide(result_id=result.pk, decision=decision, reason=reason, actor=office)

    assert RuleResult.objects.get(pk=result.pk).decision == ""


def test_decide_is_recorded_and_audited(screening):
    application, office = screening
    result = eligibility_evaluate(application_id=application.pk, actor=office)[1]

    decided = rule_result_decide(result_id=result.pk, decision=RuleResult.Decision.OVERRIDDEN,
                                 reason="  总部已迁入北京，见变更登记  ", actor=office)

    stored = RuleResult.objects.get(pk=result.pk)
    assert (stored.decision, stored.decision_reason, stored.decided_by, stored.effective_outcome) == (
        "overridden", "总部已迁入北京，见变更登记", office, PASS)
    assert stored.decided_at is not None
    assert stored.decided_at == decided.decided_at
    [event] = audit_events_for(application).filter(action="eligibility.overridden")
    assert (event.actor_id, event.role, event.before, event.after) == (
        office.pk, "office", {"decision": "", "outcome": "fail"},
        {"rule": result.rule_id, "decision": "overridden", "reason": "总部已迁入北京，见变更登记"})


def test_override_makes_mark_eligible_possible(screening):
    application, office = screening
    results = eligibility_evaluate(application_id=application.pk, actor=office)
    with pytest.raises(TransitionError) as before:
        application_transition(application_id=application.pk, action=Action.MARK_ELIGIBLE, actor=office)
    assert before.value.code == "guard"

    for result in results[1:]:
        rule_result_decide(result_id=result.pk, decision=RuleResult.Decision.OVERRIDDEN,
                           reason="经核实符合条件", actor=office)
    application_transition(application_id=application.pk, action=Action.MARK_ELIGIBLE, actor=office)

    assert Application.objects.get(pk=application.pk).state == ApplicationState.ELIGIBLE


def test_confirmed_failure_makes_mark_ineligible_possible(screening):
    application, office = screening
    results = eligibility_evaluate(application_id=application.pk, actor=office)

    rule_result_decide(result_id=results[1].pk, decision=RuleResult.Decision.CONFIRMED,
                       reason="注册地在杭州", actor=office)
    with pytest.raises(TransitionError) as eligible:
        application_transition(application_id=application.pk, action=Action.MARK_ELIGIBLE, actor=office)
    application_transition(application_id=application.pk, action=Action.MARK_INELIGIBLE, actor=office,
                           reason="注册地不在本市")

    assert eligible.value.code == "guard"
    assert Application.objects.get(pk=application.pk).state == ApplicationState.INELIGIBLE
