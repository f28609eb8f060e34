"""A round is screened as of its application deadline (docs/domain.md, Big-data screening): the office can start such a run
from the big-data page, and the eligibility rule prefers the run screened as of the round's date."""

import datetime

import pytest
from django.utils import timezone

from applications.eligibility import EligibilityContext, evaluate_rule
from applications.enums import ApplicationState, RoundPhase, RuleOutcome
from applications.models import EligibilityRule
from bigdata.models import Run
from bigdata.screening import latest_run
from bigdata.services import run_start

from ..applications.factories import make_application, make_org, make_round
from .support import import_rows, row_for

pytestmark = pytest.mark.django_db
D = datetime.date


def test_run_form_with_a_round_screens_as_of_its_deadline(client, make_user, beijing):
    deadline = timezone.make_aware(datetime.datetime(2026, 3, 31, 17, 0))
    rnd = make_round(beijing, phase=RoundPhase.ELIGIBILITY, deadline=deadline)
    client.force_login(make_user(role="office"))

    response = client.post("/bigdata/runs/", {"round": rnd.pk, "kind": "screening"})

    run = Run.objects.get()
    assert response.status_code == 302
    assert (run.program, run.reference_date, run.status) == (beijing, D(2026, 3, 31), Run.Status.SUCCEEDED)


def test_run_form_needs_a_program_or_a_round(client, make_user, beijing):
    client.force_login(make_user(role="office"))
    client.post("/bigdata/runs/", {"kind": "screening"})
    assert not Run.objects.exists()


def test_eligibility_uses_the_run_screened_as_of_the_round_deadline(make_user, beijing):
    office = make_user(role="office")
    org = make_org()
    # Listed on 2026-05-01, removed on 2026-09-01: listed as of a deadline in June, not as of today.
    import_rows("gov-dishonesty", [row_for(org, occurred_on=D(2026, 5, 1), removed_on=D(2026, 9, 1),
                                           grade="统计严重失信企业")])
    deadline = timezone.make_aware(datetime.datetime(2026, 6, 30, 17, 0))
    rnd = make_round(beijing, phase=RoundPhase.ELIGIBILITY, deadline=deadline)
    as_of_deadline = run_start(program=beijing, actor=office, reference_date=D(2026, 6, 30))
    later = run_start(program=beijing, actor=office, reference_date=D(2026, 11, 1))

    assert latest_run(beijing) == later
    assert latest_run(beijing, reference_date=D(2026, 6, 30)) == as_of_deadline
    application = make_application(rnd, org, state=ApplicationState.RECOMMENDED)
    rule = EligibilityRule.objects.get(program=beijing, kind="bigdata_no_disqualifying_flag")
    verdict = evaluate_rule(rule, EligibilityContext(application, D(2026, 6, 30)))
    assert verdict.outcome == RuleOutcome.NEEDS_REVIEW  # the pending flag of the deadline's run


def test_panel_and_rule_agree_on_an_organisation_the_run_did_not_cover(make_user, beijing):
    from bigdata.panels import bigdata_panel

    office = make_user(role="office")
    deadline = timezone.make_aware(datetime.datetime(2026, 6, 30, 17, 0))
    rnd = make_round(beijing, phase=RoundPhase.ELIGIBILITY, deadline=deadline)
    covered_org = make_org()
    run = run_start(program=beijing, actor=office, reference_date=D(2026, 6, 30))
    late_org = make_org()  # registered after the run: never screened
    rule = EligibilityRule.objects.get(program=beijing, kind="bigdata_no_disqualifying_flag")

    for org, expected in ((covered_org, True), (late_org, False)):
        application = make_application(rnd, org, state=ApplicationState.RECOMMENDED)
        verdict = evaluate_rule(rule, EligibilityContext(application, D(2026, 6, 30)))
        _template, panel = bigdata_panel(application, office)
        assert (panel["run"], panel["covered"]) == (run, expected)
        assert (verdict.outcome == RuleOutcome.PASS) == expected


def test_panel_template_says_not_covered_instead_of_no_flags(client, make_user, beijing):
    office = make_user(role="office")
    rnd = make_round(beijing, phase=RoundPhase.ELIGIBILITY,
                     deadline=timezone.make_aware(datetime.datetime(2026, 6, 30, 17, 0)))
    make_org()
    run_start(program=beijing, actor=office, reference_date=D(2026, 6, 30))
    application = make_application(rnd, make_org(), state=ApplicationState.RECOMMENDED)
    client.force_login(office)

    html = client.get(f"/applications/{application.pk}/").content.decode()

    assert 'id="bigdata-not-covered"' in html
