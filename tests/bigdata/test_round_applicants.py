"""A screening run of a round screens that round's applicants (issue 11): an organisation that
did not apply in the round gets no flag from the run and does not count as covered; the run's
coverage figure is the number of the round's applicants, on the pages and in the API. And the
English big-data pages name sources in English."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from applications.eligibility import EligibilityContext, evaluate_rule
from applications.enums import ApplicationState, RoundPhase, RuleOutcome
from applications.models import AwardProgram, EligibilityRule
from bigdata.models import Flag, Run, RunSubject
from bigdata.panels import bigdata_panel
from bigdata.screening import covers, screening_for
from bigdata.services import run_start

from ..applications.factories import make_application, make_org, make_round
from .support import REF, import_rows, load_programs, row_for

pytestmark = pytest.mark.django_db
D = datetime.date
DEADLINE = timezone.make_aware(datetime.datetime(2024, 6, 30, 17, 0))


def listed(org):
    """A current serious-dishonesty entry: a disqualifying flag in every shipped program."""
    import_rows("gov-dishonesty", [row_for(org, occurred_on=D(2023, 3, 1), grade="统计严重失信企业")])


@pytest.fixture
def rounds():
    load_programs()
    beijing = make_round(AwardProgram.objects.get(code="beijing"), phase=RoundPhase.ELIGIBILITY, deadline=DEADLINE)
    anhui = make_round(AwardProgram.objects.get(code="anhui"), phase=RoundPhase.ELIGIBILITY, deadline=DEADLINE)
    return beijing, anhui


def client_for(user, language=None):
    client = Client()
    client.force_login(user)
    if language:
        client.cookies["django_language"] = language
    return client


def test_a_beijing_round_run_gives_an_anhui_only_organisation_no_flag_and_does_not_count_it(rounds, office):
    beijing_round, anhui_round = rounds
    beijing_applicant, anhui_only = make_org(), make_org(region="340100")
    make_application(beijing_round, beijing_applicant, state=ApplicationState.RECOMMENDED)
    make_application(anhui_round, anhui_only, state=ApplicationState.RECOMMENDED)
    listed(beijing_applicant)
    listed(anhui_only)

    run = run_start(program=beijing_round.program, round=beijing_round, actor=office, reference_date=REF)

    assert run.status == Run.Status.SUCCEEDED
    assert set(Flag.objects.filter(run=run).values_list("organization_id", flat=True)) == {beijing_applicant.pk}
    assert run.organizations == 1 and run.flags_count == 1
    assert (covers(run, beijing_applicant), covers(run, anhui_only)) == (True, False)
    # The Anhui round's own run flags it.
    anhui_run = run_start(program=anhui_round.program, round=anhui_round, actor=office, reference_date=REF)
    assert set(Flag.objects.filter(run=anhui_run).values_list("organization_id", flat=True)) == {anhui_only.pk}


def test_a_rounds_coverage_is_its_applicants(rounds, office):
    beijing_round, _anhui_round = rounds
    other_beijing_round = make_round(beijing_round.program, phase=RoundPhase.CLOSED,
                                     deadline=DEADLINE - datetime.timedelta(days=700))
    applicants = [make_org() for _ in range(5)]
    states = [ApplicationState.SUBMITTED, ApplicationState.RETURNED, ApplicationState.RECOMMENDED,
              ApplicationState.ELIGIBLE, ApplicationState.INELIGIBLE]
    for org, state in zip(applicants, states, strict=True):
        make_application(beijing_round, org, state=state)
    draft_only, withdrawn, earlier_round_only, never_applied = make_org(), make_org(), make_org(), make_org()
    make_application(beijing_round, draft_only, state=ApplicationState.DRAFT)
    make_application(beijing_round, withdrawn, state=ApplicationState.WITHDRAWN)
    make_application(other_beijing_round, earlier_round_only, state=ApplicationState.AWARDED)
    for org in [*applicants, draft_only, withdrawn, earlier_round_only, never_applied]:
        listed(org)

    # Chunks of two organisations: the ranges span the applicants only.
    run = run_start(program=beijing_round.program, round=beijing_round, actor=office, reference_date=REF,
                    chunk_orgs=2, groups=1)

    ids = {org.pk for org in applicants}
    assert run.status == Run.Status.SUCCEEDED
    assert run.organizations == 5 and not run.all_organizations and run.round == beijing_round
    assert set(RunSubject.objects.filter(run=run).values_list("organization_id", flat=True)) == ids
    assert run.chunks_total == 3
    assert set(Flag.objects.filter(run=run).values_list("organization_id", flat=True)) == ids
    assert run.flags_count == 5
    for org in (draft_only, withdrawn, earlier_round_only, never_applied):
        assert not covers(run, org)


def test_a_round_without_applicants_completes_with_zero(rounds, office):
    beijing_round, _ = rounds
    listed(make_org())
    make_application(beijing_round, make_org(), state=ApplicationState.DRAFT)

    run = run_start(program=beijing_round.program, round=beijing_round, actor=office, reference_date=REF)

    assert (run.status, run.organizations, run.flags_count) == (Run.Status.SUCCEEDED, 0, 0)
    assert not Flag.objects.filter(run=run).exists()


def test_a_run_without_a_round_still_covers_every_registered_organisation(rounds, office):
    org = make_org()
    listed(org)

    run = run_start(program=AwardProgram.objects.get(code="beijing"), actor=office, reference_date=REF)

    assert run.all_organizations and run.round is None and covers(run, org)
    assert Flag.objects.filter(run=run, organization=org).exists()


def test_panel_and_rule_agree_on_an_applicant_who_applied_after_the_rounds_run(rounds, office):
    beijing_round, _ = rounds
    early = make_org()
    make_application(beijing_round, early, state=ApplicationState.RECOMMENDED)
    run = run_start(program=beijing_round.program, round=beijing_round, actor=office, reference_date=D(2024, 6, 30))
    late = make_application(beijing_round, make_org(), state=ApplicationState.RECOMMENDED)  # after the run
    rule = EligibilityRule.objects.get(program=beijing_round.program, kind="bigdata_no_disqualifying_flag")

    for application, expected in ((early.applications.get(), True), (late, False)):
        verdict = evaluate_rule(rule, EligibilityContext(application, D(2024, 6, 30)))
        _template, panel = bigdata_panel(application, office)
        assert (panel["run"], panel["covered"]) == (run, expected)
        assert (verdict.outcome == RuleOutcome.PASS) == expected


def test_a_run_of_another_round_does_not_speak_for_an_application(rounds, office):
    beijing_round, _ = rounds
    next_round = make_round(beijing_round.program, phase=RoundPhase.APPLICATIONS_OPEN)
    org = make_org()
    make_application(beijing_round, org, state=ApplicationState.RECOMMENDED)
    own = run_start(program=beijing_round.program, round=beijing_round, actor=office, reference_date=REF)
    make_application(next_round, make_org(), state=ApplicationState.SUBMITTED)
    run_start(program=beijing_round.program, round=next_round, actor=office, reference_date=REF)

    assert screening_for(beijing_round.program, org, REF, round=beijing_round) == (own, True)


def test_the_run_form_with_a_round_screens_its_applicants_and_the_pages_count_them(rounds, office):
    beijing_round, anhui_round = rounds
    applicant, outsider = make_org(), make_org()
    make_application(beijing_round, applicant, state=ApplicationState.RECOMMENDED)
    make_application(anhui_round, outsider, state=ApplicationState.RECOMMENDED)
    listed(applicant)
    listed(outsider)
    client = client_for(office, "en")

    response = client.post("/bigdata/runs/", {"round": beijing_round.pk, "kind": "screening"})

    run = Run.objects.get()
    assert response.status_code == 302
    assert (run.round, run.organizations, run.flags_count) == (beijing_round, 1, 1)
    page = client.get(f"/bigdata/runs/{run.pk}/").content.decode()
    assert 'data-organizations="1"' in page and "1 applicant of the round covered" in page
    assert outsider.name not in page and applicant.name in page
    home = client.get("/bigdata/").content.decode()
    assert f'<tr data-run="{run.pk}">' in home and "1 applicant" in home
    progress = client.get(f"/bigdata/runs/{run.pk}/progress/").json()
    assert progress["flags"] == 1
    zh = client_for(office, "zh-hans").get(f"/bigdata/runs/{run.pk}/").content.decode()
    assert "覆盖该批次 1 个申报组织" in zh


def test_the_api_starts_a_round_run_and_reports_its_applicants(rounds, office):
    beijing_round, anhui_round = rounds
    make_application(beijing_round, make_org(), state=ApplicationState.SUBMITTED)
    make_application(beijing_round, make_org(), state=ApplicationState.SUBMITTED)
    make_application(anhui_round, make_org(), state=ApplicationState.SUBMITTED)
    client = client_for(office)

    started = client.post("/api/bigdata/runs/", {"round": beijing_round.pk}, content_type="application/json")

    assert started.status_code == 201, started.content
    body = started.json()
    assert (body["program"], body["round"], body["organizations"], body["all_organizations"]) == (
        "beijing", beijing_round.pk, 2, False)
    assert body["reference_date"] == "2024-06-30"
    assert client.get(f"/api/bigdata/runs/{body['id']}/").json()["organizations"] == 2
    mismatch = client.post("/api/bigdata/runs/", {"program": "beijing", "round": anhui_round.pk},
                           content_type="application/json")
    assert mismatch.status_code == 400


CJK = re.compile(r"[\u4e00-\u9fff]")


def test_english_pages_name_sources_and_record_types_in_english(office):
    load_programs()
    org = make_org(name="北京星河电子有限公司")
    listed(org)
    run = run_start(program=AwardProgram.objects.get(code="beijing"), actor=office, reference_date=REF)
    flag = Flag.objects.get(run=run)

    english = client_for(office, "en")
    home = english.get("/bigdata/").content.decode()
    assert "Serious-dishonesty list" in home and "Administrative penalties" in home
    assert "严重失信主体名单" not in home and "行政处罚（信用中国" not in home
    evidence = english.get(f"/bigdata/flags/{flag.pk}/").content.decode()
    assert "Serious-dishonesty list" in evidence and "严重失信主体名单" not in evidence
    records = english.get(f"/bigdata/organizations/{org.pk}/").content.decode()
    assert "Serious-dishonesty list" in records
    # The source column of the home page's table holds no Chinese at all in English.
    sources_table = home.split("</table>")[0]
    assert not CJK.search(re.sub(r"<[^>]+>", "", sources_table.split("<tbody>")[1])), sources_table

    chinese = client_for(office, "zh-hans").get("/bigdata/").content.decode()
    assert "严重失信主体名单" in chinese and "Serious-dishonesty list" not in chinese
