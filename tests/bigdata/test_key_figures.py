"""Key figures an application declares, contradicted by third-party records: a flag showing both
values, the year and the source (rule "key-figures-contradicted").

Beijing: the 2nd-edition big-data pre-screening disqualifies "提供信息虚假" (bj2016:prescreen) and
verifies the organisation's own figures against outside data (bj2016:bigdata-review); the 2020
draft forbids "弄虚作假" (art. 24) and screens at eligibility (art. 17). The flag is disqualifying,
for the office to confirm. Hangzhou (三(三)1, 六(三)) ships the same comparison as a warning.

The run's reference date is 2024-06-30 and the window three years, so the years 2021 to 2024
are compared; the tolerance is 10 % of the recorded value.
"""

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from applications.enums import ApplicationState
from applications.models import AwardProgram, KeyFigure
from bigdata.models import FigureMismatch, Flag, PublicRecord, Run, ScreeningRule
from bigdata.screening import flag_decide
from bigdata.services import run_start

from ..applications.factories import make_application, make_org, make_round
from .support import REF, import_rows, load_programs, row_for

pytestmark = pytest.mark.django_db

D = datetime.date
RULE = "key-figures-contradicted"


@pytest.fixture
def programs():
    load_programs()
    return {code: AwardProgram.objects.get(code=code) for code in ("beijing", "hangzhou", "anhui")}


def declare(org, program, figures, *, state=ApplicationState.SUBMITTED, deadline=None):
    """An application of `org` to `program` declaring `figures`: {year: {field: value}}."""
    application = make_application(make_round(program, deadline=deadline), org, state=state)
    for year, values in figures.items():
        KeyFigure.objects.create(application=application, year=year, **values)
    return application


def reported(org, year, indicator, value, **fields):
    """A self-reported filing of `indicator` for `year` (dated 31 December, as filings are)."""
    return row_for(org, occurred_on=D(year, 12, 31), title=indicator, amount_10k=str(value), **fields)


def screen(program, office):
    run = run_start(program=program, actor=office, reference_date=REF)
    assert run.status == Run.Status.SUCCEEDED, run.message_text
    return run


def mismatch_rows(flag):
    return [(m.year, m.figure, m.declared, m.recorded, m.record.source_record_id, m.record.source.code)
            for m in flag.figure_mismatches.select_related("record__source")]


FIGURES = {
    2022: {"revenue_10k": Decimal("1200"), "profit_10k": Decimal("105"), "tax_10k": Decimal("50"), "employees": 300},
    2023: {"revenue_10k": Decimal("1300"), "profit_10k": Decimal("-20"), "tax_10k": Decimal("56"), "employees": 310},
}


def test_a_declared_figure_beyond_the_tolerance_is_a_disqualifying_flag_with_both_values(programs, office):
    org, other = make_org(), make_org()
    application = declare(org, programs["beijing"], FIGURES)
    import_rows("self-reported", [
        reported(org, 2022, "营业收入", 1000, source_record_id="SLF-REV-22"),  # declared 1200: 20 % more
        reported(org, 2022, "利润总额", 100, source_record_id="SLF-PRO-22"),   # 105: 5 %, tolerated
        reported(org, 2023, "纳税总额", 50, source_record_id="SLF-TAX-23"),    # 56: 12 % more
        reported(org, 2023, "利润总额", 20, source_record_id="SLF-PRO-23"),    # -20 declared against 20
        reported(org, 2023, "营业收入", 1430, source_record_id="SLF-REV-23"),  # 1300: 9.1 % less, tolerated
        reported(org, 2023, "研发投入", 1, source_record_id="SLF-RD-23"),      # not a declared figure
        reported(org, 2020, "营业收入", 1, source_record_id="SLF-REV-20"),     # outside the window
        reported(org, 2024, "营业收入", 1, source_record_id="SLF-REV-24"),     # a year not declared
        reported(other, 2022, "营业收入", 1, source_record_id="SLF-OTHER"),    # no application
    ])

    run = screen(programs["beijing"], office)

    flag = Flag.objects.get(run=run)
    assert (flag.organization, flag.rule.code, flag.outcome, flag.decision, flag.record_count, flag.first_on,
            flag.last_on) == (org, RULE, "disqualifying", "pending", 3, D(2022, 12, 31), D(2023, 12, 31))
    assert sorted(flag.records.values_list("source_record_id", flat=True)) == ["SLF-PRO-23", "SLF-REV-22",
                                                                                "SLF-TAX-23"]
    assert mismatch_rows(flag) == [
        (2022, "revenue_10k", Decimal("1200.00"), Decimal("1000.00"), "SLF-REV-22", "self-reported"),
        (2023, "profit_10k", Decimal("-20.00"), Decimal("20.00"), "SLF-PRO-23", "self-reported"),
        (2023, "tax_10k", Decimal("56.00"), Decimal("50.00"), "SLF-TAX-23", "self-reported"),
    ]
    assert set(FigureMismatch.objects.values_list("application", flat=True)) == {application.pk}
    assert run.flags_count == 1


@pytest.mark.parametrize(("declared", "recorded", "flagged"), [
    ("110", "100", False),    # exactly 10 % more: tolerated
    ("110.01", "100", True),
    ("90", "100", False),     # exactly 10 % less
    ("89.99", "100", True),
    ("0", "0", False),
    ("1", "0", True),         # any difference from a recorded zero
])
def test_the_tolerance_is_a_share_of_the_recorded_value(programs, office, declared, recorded, flagged):
    org = make_org()
    declare(org, programs["beijing"], {2023: {"revenue_10k": Decimal(declared)}})
    import_rows("self-reported", [reported(org, 2023, "营业收入", recorded)])

    run = screen(programs["beijing"], office)

    assert Flag.objects.filter(run=run, rule__code=RULE).exists() == flagged


def test_the_tolerance_is_a_rule_parameter(programs, office):
    org = make_org()
    declare(org, programs["beijing"], {2023: {"revenue_10k": Decimal("105")}})
    import_rows("self-reported", [reported(org, 2023, "营业收入", 100)])
    ScreeningRule.objects.filter(program=programs["beijing"], code=RULE).update(tolerance_pct=Decimal("4"))

    assert Flag.objects.filter(run=screen(programs["beijing"], office), rule__code=RULE).count() == 1


def test_only_the_latest_declared_application_to_the_program_counts(programs, office):
    org = make_org()
    deadline = datetime.datetime(2022, 3, 31, 9, 0, tzinfo=datetime.UTC)
    declare(org, programs["beijing"], {2021: {"revenue_10k": Decimal("999")}}, deadline=deadline)  # older round
    declare(org, programs["beijing"], {2021: {"revenue_10k": Decimal("500")}}, state=ApplicationState.DRAFT)
    latest = declare(org, programs["beijing"], {2021: {"revenue_10k": Decimal("100")}},
                     deadline=deadline.replace(year=2024))
    elsewhere = declare(org, programs["hangzhou"], {2021: {"revenue_10k": Decimal("700")}})  # another program
    import_rows("self-reported", [reported(org, 2021, "营业收入", 100)])

    assert not Flag.objects.filter(run=screen(programs["beijing"], office)).exists()  # the latest agrees
    hangzhou = Flag.objects.get(run=screen(programs["hangzhou"], office))
    assert (hangzhou.rule.code, hangzhou.outcome) == (RULE, "warning")  # Hangzhou: a warning
    assert list(FigureMismatch.objects.values_list("application", flat=True)) == [elsewhere.pk]
    assert latest.pk != elsewhere.pk


def test_drafts_withdrawn_applications_and_programs_without_the_rule_are_not_compared(programs, office):
    draft, withdrawn, anhui_only = make_org(), make_org(), make_org()
    declare(draft, programs["beijing"], FIGURES, state=ApplicationState.DRAFT)
    declare(withdrawn, programs["beijing"], FIGURES, state=ApplicationState.WITHDRAWN)
    declare(anhui_only, programs["anhui"], FIGURES)
    import_rows("self-reported", [reported(o, 2022, "营业收入", 1) for o in (draft, withdrawn, anhui_only)])

    assert not Flag.objects.filter(run=screen(programs["beijing"], office)).exists()
    assert not Flag.objects.filter(run=screen(programs["anhui"], office)).exists()


def test_a_dismissed_flag_stays_dismissed_until_a_figure_is_declared_anew(programs, office):
    org = make_org()
    application = declare(org, programs["beijing"], FIGURES)
    import_rows("self-reported", [reported(org, 2022, "营业收入", 1000)])
    first = Flag.objects.get(run=screen(programs["beijing"], office))
    flag_decide(flag_id=first.pk, decision="dismissed", reason="统计口径不同，已核实。", actor=office)

    again = Flag.objects.get(run=screen(programs["beijing"], office))
    KeyFigure.objects.filter(application=application, year=2022).update(revenue_10k=Decimal("1500"))
    reopened = Flag.objects.get(run=screen(programs["beijing"], office))

    assert (again.decision, again.carried_from) == ("dismissed", first)
    assert (reopened.decision, reopened.carried_from, reopened.decided_by) == ("pending", None, None)
    assert mismatch_rows(reopened)[0][2] == Decimal("1500.00")


def test_the_flag_page_and_the_api_show_declared_and_third_party_values(programs, office):
    org = make_org()
    declare(org, programs["beijing"], FIGURES)
    import_rows("self-reported", [reported(org, 2022, "营业收入", 1000, source_record_id="SLF-REV-22")])
    flag = Flag.objects.get(run=screen(programs["beijing"], office))
    client = Client()
    client.force_login(office)

    page = client.get(f"/bigdata/flags/{flag.pk}/").content.decode()
    body = client.get(f"/api/bigdata/flags/{flag.pk}/").json()

    record = PublicRecord.objects.get(source_record_id="SLF-REV-22")
    assert 'id="figure-mismatches"' in page
    assert f'data-mismatch="{record.pk}-revenue_10k"' in page
    assert 'data-declared="1200.00"' in page and 'data-recorded="1000.00"' in page and "20.0 %" in page
    assert "SLF-REV-22" in page and "bj2016:prescreen" in page
    assert body["figure_mismatches"] == [{
        "year": 2022, "figure": "revenue_10k", "declared": "1200.00", "recorded": "1000.00", "record": record.pk,
        "source": "self-reported", "source_record_id": "SLF-REV-22", "application": flag.figure_mismatches.get()
        .application_id}]
    assert body["articles"] == ["bj2016:prescreen", "bj2016:bigdata-review", "bj2020:art17", "bj2020:art24"]
