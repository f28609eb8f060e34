"""Big-data screening as an eligibility rule (bigdata_no_disqualifying_flag), and the big-data
evaluation: the documented indicator formulas and the combination with the expert score.
"""

import datetime
from decimal import Decimal

import pandas as pd
import pytest
from django.utils import translation

from applications.eligibility import EligibilityContext, evaluate_rule, rule_citation
from applications.enums import ApplicationState, RuleOutcome
from applications.models import AwardProgram, EligibilityRule
from bigdata.evaluation import COLUMNS, DEFAULT_WEIGHTS, bigdata_score, combined_score, score_frame
from bigdata.models import Flag, IndicatorScore, Run
from bigdata.screening import flag_decide
from bigdata.services import run_start

from ..applications.factories import make_application, make_org, make_round
from .support import REF, import_rows, load_programs, row_for

pytestmark = pytest.mark.django_db

D = datetime.date
PASS, FAIL, REVIEW = RuleOutcome.PASS, RuleOutcome.FAIL, RuleOutcome.NEEDS_REVIEW
ARTICLE = "《北京市人民政府质量管理奖管理办法》(2020年征求意见稿)第十七条"
#: The same rule's articles as an English reader sees them.
CITATION = ("Measures (2020 draft), art. 17; 2nd-edition notice (2016): big-data pre-screening; Measures (2020 draft), "
            "art. 12(6); Measures (2020 draft), art. 14(4); Measures (2020 draft), art. 14(5)")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def judge(program, org):
    rule = EligibilityRule.objects.get(program=program, kind="bigdata_no_disqualifying_flag")
    application = make_application(make_round(program), org, state=ApplicationState.SUBMITTED)
    verdict = evaluate_rule(rule, EligibilityContext(application, REF))
    # Read in English, the reason cites the rule's articles in English (the Chinese record cites the
    # Chinese article, tests/applications/test_bilingual_content.py).
    assert verdict.reason.startswith(f"{rule_citation(rule)}: "), verdict.reason
    with translation.override("zh-hans"):
        assert evaluate_rule(rule, EligibilityContext(application, REF)).reason.startswith(f"{ARTICLE}：")
    return verdict


def listed(org):
    return row_for(org, occurred_on=D(2023, 3, 1), grade="统计严重失信企业")


def screen(program, office):
    return run_start(program=program, actor=office, reference_date=REF)


def test_no_run_needs_review(beijing):
    verdict = judge(beijing, make_org())

    assert verdict.outcome == REVIEW
    assert "No big-data screening run has been completed" in verdict.reason


def test_a_run_of_another_program_does_not_count(beijing, office):
    org = make_org()
    screen(AwardProgram.objects.get(code="anhui"), office)

    assert judge(beijing, org).outcome == REVIEW


def test_pending_disqualifying_flag_needs_review(beijing, office):
    org = make_org()
    import_rows("gov-dishonesty", [listed(org)])
    rule = Flag.objects.get(run=screen(beijing, office)).rule

    verdict = judge(beijing, org)

    assert (verdict.outcome, verdict.reason) == (
        REVIEW, f"{CITATION}: Screening run 1: 1 disqualifying flag(s) await the office's decision: {rule.description}.")


def test_confirmed_disqualifying_flag_fails_naming_the_rule(beijing, office):
    org = make_org()
    import_rows("gov-dishonesty", [listed(org)])
    run = screen(beijing, office)
    flag = flag_decide(flag_id=Flag.objects.get(run=run).pk, decision="confirmed", reason="名单有效。", actor=office)

    verdict = judge(beijing, org)

    assert verdict.outcome == FAIL
    assert f"Screening run 1: the office confirmed {flag.rule.description}（1）." in verdict.reason


def test_dismissed_disqualifying_flag_passes(beijing, office):
    org = make_org()
    import_rows("gov-dishonesty", [listed(org)])
    run = screen(beijing, office)
    flag_decide(flag_id=Flag.objects.get(run=run).pk, decision="dismissed", reason="已信用修复。", actor=office)

    verdict = judge(beijing, org)

    assert verdict.outcome == PASS
    assert "(1 dismissed, 0 warning(s))" in verdict.reason


def test_warnings_only_pass(beijing, office):
    org = make_org()
    import_rows("gov-abnormal", [row_for(org, occurred_on=D(2024, 1, 1))])
    import_rows("gov-penalty", [row_for(org, occurred_on=D(2024, 1, 1), grade="罚款", amount_10k="20")])
    run = screen(beijing, office)
    assert sorted(Flag.objects.filter(run=run).values_list("outcome", "decision")) == [
        ("warning", "pending"), ("warning", "pending")]

    verdict = judge(beijing, org)

    assert verdict.outcome == PASS
    assert "(0 dismissed, 2 warning(s))" in verdict.reason


def test_no_flag_passes(beijing, office):
    org = make_org()
    screen(beijing, office)

    assert judge(beijing, org).outcome == PASS


def test_an_organisation_registered_after_the_latest_run_needs_review(beijing, office):
    screen(beijing, office)
    late = make_org()  # not in any chunk of that run: it was never screened
    import_rows("gov-dishonesty", [listed(late)])

    verdict = judge(beijing, late)

    assert verdict.outcome == REVIEW
    assert "was not screened in screening run 1" in verdict.reason


def test_the_latest_successful_run_decides(beijing, office):
    org = make_org()
    import_rows("gov-dishonesty", [listed(org)])
    first = screen(beijing, office)
    flag_decide(flag_id=Flag.objects.get(run=first).pk, decision="confirmed", reason="名单有效。", actor=office)
    import_rows("gov-dishonesty", [listed(org)])  # new evidence: the second run's flag is pending again
    screen(beijing, office)

    assert judge(beijing, org).outcome == REVIEW


# --- Evaluation: the documented numbers -------------------------------------------------------


def counts(**values):
    row = {column: 0 for column in COLUMNS}
    row.update({"organization_id": 1, "credit": None}, **values)
    return row


def test_score_frame_follows_the_documented_formulas():
    frame = pd.DataFrame([
        # 6 complaints in 3 years: 2 a year → 80; 1 of 4 spot checks failed → 75;
        # 6 positive and 1 negative of 10 reports → 70 + 30 × 0.5 = 85; 2 penalties with 15 (10k yuan) of fines
        # → 100 − 40 − 15 = 45; best rating AA → 95.
        counts(complaints=6, spot_checks=4, spot_failed=1, media=10, media_positive=6, media_negative=1,
               penalties=2, fines_10k=15, credit=95),
        # No records at all: the documented defaults.
        counts(),
        # Floors: 40 complaints, every spot check failed, only negative reports, 6 penalties; rating C.
        counts(complaints=40, spot_checks=2, spot_failed=2, media=2, media_negative=2, penalties=6, fines_10k=1,
               credit=10),
    ])

    scores = score_frame(frame, DEFAULT_WEIGHTS, 3)

    assert scores.round(2).to_dict("records") == [
        {"complaints": 80.0, "spot_checks": 75.0, "media": 85.0, "penalties": 45.0, "credit": 95.0,
         "score": 74.75},
        {"complaints": 100.0, "spot_checks": 80.0, "media": 70.0, "penalties": 100.0, "credit": 60.0,
         "score": 84.5},
        {"complaints": 0.0, "spot_checks": 0.0, "media": 40.0, "penalties": 0.0, "credit": 10.0, "score": 7.5},
    ]


def test_score_frame_uses_the_weights_given():
    frame = pd.DataFrame([counts(complaints=3, credit=100)])  # complaints 90, the rest at their defaults

    scores = score_frame(frame, {"complaints": 0.5, "credit": 0.5}, 3)

    assert scores["score"].tolist() == [95.0]


def test_evaluation_run_scores_the_records_inside_the_window(beijing, office):
    org, quiet = make_org(), make_org()
    import_rows("consumer-complaint", [row_for(org, occurred_on=day, grade="调解成功")
                                       for day in (D(2021, 6, 30), D(2023, 1, 1), D(2024, 6, 30))]
                + [row_for(org, occurred_on=D(2021, 6, 29), grade="调解成功")])  # one day outside the window
    import_rows("spot-check", [row_for(org, occurred_on=D(2023, 1, 1), grade="合格"),
                               row_for(org, occurred_on=D(2023, 2, 1), grade="不合格")])
    import_rows("gov-penalty", [row_for(org, occurred_on=D(2023, 1, 1), grade="罚款", amount_10k="5")])
    import_rows("credit-rating", [row_for(org, occurred_on=D(2022, 1, 1), grade="BBB"),
                                  row_for(org, occurred_on=D(2023, 1, 1), grade="AA")])

    run = run_start(program=beijing, actor=office, reference_date=REF, kind=Run.Kind.EVALUATION)

    assert run.status == Run.Status.SUCCEEDED, run.message_text
    score = IndicatorScore.objects.get(run=run, organization=org)
    # complaints 3 in 3 years → 90; spot checks 1 of 2 failed → 50; no media → 70; 1 penalty with
    # 5 (10k yuan) → 75; best rating AA → 95. Weights 0.25/0.25/0.15/0.2/0.15.
    assert {k: v for k, v in score.components.items() if k.endswith("_score")} == {
        "complaints_score": 90.0, "spot_checks_score": 50.0, "media_score": 70.0, "penalties_score": 75.0,
        "credit_score": 95.0}
    assert score.score == Decimal("74.75")
    assert IndicatorScore.objects.get(run=run, organization=quiet).score == Decimal("84.50")
    assert bigdata_score(org, beijing) == score


def test_combined_score_with_beijing_weights(beijing):
    assert (beijing.expert_weight, beijing.bigdata_weight, beijing.criteria.total_points) == (
        Decimal("0.7"), Decimal("0.3"), 1000)

    # 0.7 × 800 + 0.3 × (74.75 × 1000 / 100) = 560 + 224.25
    assert combined_score(expert_points=Decimal("800"), bigdata_score_100=Decimal("74.75"),
                          program=beijing) == Decimal("784.25")
    assert combined_score(expert_points=Decimal("800"), bigdata_score_100=None, program=beijing) == Decimal("800.00")


def test_combined_score_without_big_data_weight_is_the_expert_score():
    load_programs()
    anhui = AwardProgram.objects.get(code="anhui")

    assert combined_score(expert_points=Decimal("612.5"), bigdata_score_100=Decimal("10"),
                          program=anhui) == Decimal("612.50")
