"""Every screening rule of the shipped fixtures on organisations just inside and just outside
its window, listing period, grade, amount or count (the key-figures rules: test_key_figures.py),
and the articles every rule cites.

Records arrive the way the office brings them: a small CSV under the source's Chinese headers,
through the importer (which also derives each record's severity). Runs go through
`services.run_start` with the reference date 2024-06-30; "three years before" is then
2021-06-30 (inside) and 2021-06-29 is the first day outside.
"""

import datetime
import json
import re
from pathlib import Path

import pytest
from django.utils import translation

from applications.models import AwardProgram
from bigdata import program_data
from bigdata.models import Flag, PublicRecord, ScreeningRule, Severity
from bigdata.program_data import FIXTURES
from bigdata.services import run_start

from ..applications.factories import make_org
from .support import REF, import_rows, load_programs, row_for

pytestmark = pytest.mark.django_db

D = datetime.date
START_3Y, BEFORE_3Y = D(2021, 6, 30), D(2021, 6, 29)  # first day inside / last day outside 3 years
START_1Y, BEFORE_1Y = D(2023, 6, 30), D(2023, 6, 29)
AFTER_REF = D(2024, 7, 1)

#: rule code → (source, rows). A row is (organisation label, record fields, is it evidence of a flag).
#: The organisations that own an evidence row are exactly the ones flagged by the rule.
SCENARIOS = {
    "failed-spot-check-3y": ("spot-check", [
        ("failed_on_window_start", {"occurred_on": START_3Y, "grade": "不合格", "title": "电线电缆"}, True),
        ("failed_on_window_start", {"occurred_on": D(2024, 1, 10), "grade": "合格", "title": "插座"}, False),
        ("failed_on_window_start", {"occurred_on": BEFORE_3Y, "grade": "不合格", "title": "开关"}, False),
        ("failed_a_day_too_early", {"occurred_on": BEFORE_3Y, "grade": "不合格", "title": "电线电缆"}, False),
        ("failed_after_reference", {"occurred_on": AFTER_REF, "grade": "不合格", "title": "电线电缆"}, False),
    ]),
    "dishonesty-current": ("gov-dishonesty", [
        ("still_listed", {"occurred_on": D(2020, 3, 1), "grade": "市场监督管理严重违法失信名单"}, True),
        ("still_listed", {"occurred_on": D(2015, 1, 1), "removed_on": D(2016, 1, 1), "grade": "统计严重失信企业"},
         False),
        ("removed_after_reference", {"occurred_on": D(2020, 3, 1), "removed_on": AFTER_REF,
                                     "grade": "市场监督管理严重违法失信名单"}, True),
        ("removed_before_reference", {"occurred_on": D(2020, 3, 1), "removed_on": D(2024, 6, 29),
                                      "grade": "市场监督管理严重违法失信名单"}, False),
        # Removed on the reference date itself: no longer listed on that day.
        ("removed_on_reference", {"occurred_on": D(2020, 3, 1), "removed_on": REF, "grade": "海关失信企业"}, False),
        ("listed_after_reference", {"occurred_on": AFTER_REF, "grade": "海关失信企业"}, False),
    ]),
    "dishonest-debtor-current": ("court-enforcement", [
        ("dishonest_debtor", {"occurred_on": D(2023, 1, 5), "grade": "失信被执行人", "title": "违反财产报告制度"}, True),
        ("dishonest_debtor", {"occurred_on": D(2023, 2, 5), "grade": "被执行人", "amount_10k": "50"}, False),
        ("plain_debtor", {"occurred_on": D(2023, 1, 5), "grade": "被执行人", "amount_10k": "80"}, False),
        ("dishonest_removed_before", {"occurred_on": D(2022, 1, 5), "removed_on": D(2024, 1, 1),
                                      "grade": "失信被执行人"}, False),
        ("dishonest_removed_after", {"occurred_on": D(2022, 1, 5), "removed_on": AFTER_REF,
                                     "grade": "失信被执行人"}, True),
    ]),
    # Only 重大 and 特别重大 disqualify (Hangzhou 三(二)4 "按国家有关规定认定", Anhui art. 14(3),
    # Beijing art. 14(4)); a 较大 accident is a warning of its own rule.
    "major-accident-3y": ("accident", [
        ("major_inside", {"occurred_on": START_3Y, "grade": "重大", "deaths": "11", "title": "坍塌"}, True),
        ("major_inside", {"occurred_on": D(2022, 5, 1), "grade": "较大", "deaths": "3", "title": "火灾"}, False),
        ("major_inside", {"occurred_on": D(2023, 1, 1), "grade": "一般", "deaths": "0"}, False),
        ("larger_only_inside", {"occurred_on": D(2023, 1, 1), "grade": "较大", "deaths": "9"}, False),
        ("general_inside", {"occurred_on": D(2023, 1, 1), "grade": "一般", "deaths": "0", "title": "机械伤害"}, False),
        ("major_a_day_too_early", {"occurred_on": BEFORE_3Y, "grade": "重大", "deaths": "12"}, False),
        ("very_major_on_reference", {"occurred_on": REF, "grade": "特别重大", "deaths": "30"}, True),
    ]),
    "larger-accident-3y": ("accident", [
        ("larger_on_window_start", {"occurred_on": START_3Y, "grade": "较大", "deaths": "3", "title": "火灾"}, True),
        ("larger_on_window_start", {"occurred_on": D(2023, 2, 1), "grade": "较大", "deaths": "0",
                                    "title": "中毒和窒息"}, True),
        ("major_only", {"occurred_on": D(2023, 1, 1), "grade": "重大", "deaths": "10"}, False),
        ("general_with_deaths", {"occurred_on": D(2023, 1, 1), "grade": "一般", "deaths": "2"}, False),
        ("larger_a_day_too_early", {"occurred_on": BEFORE_3Y, "grade": "较大", "deaths": "4"}, False),
    ]),
    "fatal-accident-3y": ("accident", [
        ("general_with_death", {"occurred_on": START_3Y, "grade": "一般", "deaths": "1", "title": "高处坠落"}, True),
        ("general_without_death", {"occurred_on": D(2023, 1, 1), "grade": "一般", "deaths": "0"}, False),
        ("general_death_too_early", {"occurred_on": BEFORE_3Y, "grade": "一般", "deaths": "2"}, False),
    ]),
    "heavy-penalty-3y": ("gov-penalty", [
        ("fine_of_10_wan", {"occurred_on": D(2023, 1, 1), "grade": "罚款", "amount_10k": "10"}, True),
        ("fine_of_10_wan", {"occurred_on": D(2023, 2, 1), "grade": "警告"}, False),
        ("fine_of_9_99_wan", {"occurred_on": D(2023, 1, 1), "grade": "罚款", "amount_10k": "9.99"}, False),
        ("suspended_on_window_start", {"occurred_on": START_3Y, "grade": "责令停产停业"}, True),
        ("heavy_fine_too_early", {"occurred_on": BEFORE_3Y, "grade": "罚款", "amount_10k": "50"}, False),
    ]),
    # A serious illegal record (Beijing 2020 draft art. 14(5), 2nd-edition pre-screening; Hangzhou
    # 三(二)4): a licence revoked, business suspended or closed by order (also inside a multi-valued
    # category), or a fine of 100万元 (amount_min_10k 100) or more. One record meeting two of these
    # is one piece of evidence.
    "serious-violation-3y": ("gov-penalty", [
        ("licence_revoked", {"occurred_on": START_3Y, "grade": "吊销许可证件"}, True),
        ("licence_revoked", {"occurred_on": D(2023, 1, 1), "grade": "警告"}, False),
        ("business_licence_revoked", {"occurred_on": D(2023, 1, 1), "grade": "吊销营业执照"}, True),
        ("suspended_among_others", {"occurred_on": D(2023, 1, 1), "grade": "罚款、责令停产停业", "amount_10k": "5"}, True),
        ("closed", {"occurred_on": REF, "grade": "责令关闭"}, True),
        ("fine_of_100_wan", {"occurred_on": D(2023, 1, 1), "grade": "罚款", "amount_10k": "100"}, True),
        ("fine_of_99_99_wan", {"occurred_on": D(2023, 1, 1), "grade": "罚款", "amount_10k": "99.99"}, False),
        ("revoked_and_fined", {"occurred_on": D(2023, 3, 1), "grade": "吊销许可证件、罚款", "amount_10k": "300"}, True),
        ("demoted", {"occurred_on": D(2023, 1, 1), "grade": "降低资质等级"}, False),
        ("revoked_a_day_too_early", {"occurred_on": BEFORE_3Y, "grade": "吊销许可证件"}, False),
        ("revoked_after_reference", {"occurred_on": AFTER_REF, "grade": "吊销许可证件"}, False),
    ]),
    "abnormal-operation-current": ("gov-abnormal", [
        ("still_listed", {"occurred_on": D(2023, 1, 1), "title": "未按规定期限公示年度报告"}, True),
        ("removed_before_reference", {"occurred_on": D(2022, 1, 1), "removed_on": D(2023, 1, 1),
                                      "title": "通过登记的住所或者经营场所无法联系"}, False),
        ("removed_after_reference", {"occurred_on": D(2022, 1, 1), "removed_on": AFTER_REF,
                                     "title": "未按规定期限公示年度报告"}, True),
    ]),
    "negative-media-1y": ("media-report", [
        ("three_negative", {"occurred_on": START_1Y, "grade": "负面", "title": "产品召回"}, True),
        ("three_negative", {"occurred_on": D(2024, 1, 1), "grade": "负面", "title": "消费纠纷"}, True),
        ("three_negative", {"occurred_on": REF, "grade": "负面", "title": "环保处罚"}, True),
        ("three_negative", {"occurred_on": D(2024, 2, 1), "grade": "正面", "title": "获评先进"}, False),
        ("three_negative", {"occurred_on": BEFORE_1Y, "grade": "负面", "title": "旧闻"}, False),
        ("two_negative", {"occurred_on": START_1Y, "grade": "负面"}, False),
        ("two_negative", {"occurred_on": D(2024, 3, 1), "grade": "负面"}, False),
        ("two_negative", {"occurred_on": BEFORE_1Y, "grade": "负面"}, False),
        ("two_negative", {"occurred_on": AFTER_REF, "grade": "负面"}, False),
        ("two_negative", {"occurred_on": D(2024, 3, 2), "grade": "中性"}, False),
    ]),
    "tax-violation-3y": ("tax-violation", [
        ("published_on_window_start", {"occurred_on": START_3Y, "title": "虚开增值税专用发票"}, True),
        # The rule asks about the last three years, listed or not.
        ("removed_but_inside", {"occurred_on": D(2022, 1, 1), "removed_on": D(2023, 1, 1), "title": "偷税"}, True),
        ("published_a_day_too_early", {"occurred_on": BEFORE_3Y, "title": "偷税"}, False),
    ]),
}


def _shipped_rules():
    for path in sorted((FIXTURES / "screening").glob("*.json")):
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        for rule in data["rules"]:
            yield data["program"], rule


SHIPPED_RULES = list(_shipped_rules())
SHIPPED = [(program, rule["code"]) for program, rule in SHIPPED_RULES if rule.get("kind") != "key_figures"]
KEY_FIGURE_RULES = {rule["code"] for _, rule in SHIPPED_RULES if rule.get("kind") == "key_figures"}


def import_scenario(rule_code):
    """Organisations and records of a scenario; returns the expected {(org id, rule code): record ids}."""
    source_code, rows = SCENARIOS[rule_code]
    orgs = {label: make_org() for label in dict.fromkeys(label for label, _, _ in rows)}
    file_rows = [row_for(orgs[label], **fields) for label, fields, _ in rows]
    import_rows(source_code, file_rows)
    ids = dict(PublicRecord.objects.values_list("source_record_id", "id"))
    expected = {}
    for (label, _, evidence), row in zip(rows, file_rows, strict=True):
        if evidence:
            expected.setdefault((orgs[label].pk, rule_code), set()).add(ids[row["source_record_id"]])
    return orgs, expected


def flags_of(run, rule_code=None):
    flags = Flag.objects.filter(run=run).select_related("rule")
    if rule_code:
        flags = flags.filter(rule__code=rule_code)
    return {(f.organization_id, f.rule.code): set(f.records.values_list("id", flat=True)) for f in flags}


def test_every_shipped_rule_has_a_boundary_scenario():
    assert {code for _, code in SHIPPED} == set(SCENARIOS)
    assert KEY_FIGURE_RULES == {"key-figures-contradicted"}  # test_key_figures.py
    assert {program for program, _ in SHIPPED} == {"anhui", "beijing", "hangzhou", "langfang"}


@pytest.mark.parametrize(("program_code", "rule_code"), SHIPPED)
def test_rule_flags_inside_its_bounds_and_not_outside(program_code, rule_code, office):
    load_programs()
    _, expected = import_scenario(rule_code)
    run = run_start(program=AwardProgram.objects.get(code=program_code), actor=office, reference_date=REF)

    assert run.status == "succeeded", run.message_text
    # Exactly the expected organisations, each with exactly its evidence. (Other rules may flag
    # the same records: a revoked licence is also a heavy penalty.)
    assert flags_of(run, rule_code) == expected
    rule = ScreeningRule.objects.get(program__code=program_code, code=rule_code)
    for flag in Flag.objects.filter(run=run, rule=rule):
        dates = sorted(flag.records.values_list("occurred_on", flat=True))
        assert (flag.outcome, flag.record_count, flag.first_on, flag.last_on, flag.decision) == (
            rule.outcome, len(dates), dates[0], dates[-1], Flag.Decision.PENDING)
    assert Flag.objects.filter(run=run, rule=rule).count() == len(expected)


def test_tax_violation_flags_in_anhui_but_beijing_has_no_such_rule(office):
    load_programs()
    orgs, expected = import_scenario("tax-violation-3y")
    anhui = run_start(program=AwardProgram.objects.get(code="anhui"), actor=office, reference_date=REF)
    beijing = run_start(program=AwardProgram.objects.get(code="beijing"), actor=office, reference_date=REF)

    assert flags_of(anhui) == expected
    assert {(o, code) for o, code in flags_of(anhui)} == {(orgs["published_on_window_start"].pk, "tax-violation-3y"),
                                                        (orgs["removed_but_inside"].pk, "tax-violation-3y")}
    assert Flag.objects.get(run=anhui, organization=orgs["published_on_window_start"]).outcome == "disqualifying"
    assert flags_of(beijing) == {}
    assert not ScreeningRule.objects.filter(program__code="beijing", code="tax-violation-3y").exists()


def test_inactive_rule_is_not_applied(office):
    load_programs()
    _, expected = import_scenario("dishonesty-current")
    ScreeningRule.objects.filter(program__code="beijing", code="dishonesty-current").update(active=False)
    run = run_start(program=AwardProgram.objects.get(code="beijing"), actor=office, reference_date=REF)

    assert expected and flags_of(run) == {}


def test_rules_of_different_record_types_flag_the_same_organisation_separately(office):
    load_programs()
    org, other = make_org(), make_org()
    import_rows("gov-dishonesty", [row_for(org, occurred_on=D(2023, 1, 1), grade="海关失信企业")])
    import_rows("spot-check", [row_for(org, occurred_on=D(2023, 1, 1), grade="不合格"),
                               row_for(other, occurred_on=D(2023, 1, 1), grade="合格")])
    import_rows("gov-abnormal", [row_for(org, occurred_on=D(2023, 1, 1))])
    run = run_start(program=AwardProgram.objects.get(code="hangzhou"), actor=office, reference_date=REF)

    assert sorted((f.organization_id, f.rule.code, f.outcome) for f in Flag.objects.filter(run=run)) == [
        (org.pk, "abnormal-operation-current", "warning"),
        (org.pk, "dishonesty-current", "disqualifying"),
        (org.pk, "failed-spot-check-3y", "disqualifying"),
    ]


def test_a_revoked_licence_is_a_disqualifying_serious_violation_and_a_heavy_penalty_warning(office):
    """Beijing 2020 draft art. 14(5) and the 2nd-edition pre-screening ("有严重违法记录…取消资格"):
    the serious violation disqualifies (for the office to confirm); the heavy-penalty warning of
    the same record stands beside it. A fine of 10万–100万 is only the warning."""
    load_programs()
    revoked, fined = make_org(), make_org()
    import_rows("gov-penalty", [row_for(revoked, occurred_on=D(2023, 1, 1), grade="吊销许可证件"),
                                row_for(fined, occurred_on=D(2023, 1, 1), grade="罚款", amount_10k="50")])

    run = run_start(program=AwardProgram.objects.get(code="beijing"), actor=office, reference_date=REF)

    assert sorted((f.organization_id, f.rule.code, f.outcome, f.decision) for f in Flag.objects.filter(run=run)) == [
        (revoked.pk, "heavy-penalty-3y", "warning", "pending"),
        (revoked.pk, "serious-violation-3y", "disqualifying", "pending"),
        (fined.pk, "heavy-penalty-3y", "warning", "pending"),
    ]


def test_the_serious_violation_threshold_is_a_rule_parameter(office):
    """The 100万元 of the definition is the rule's amount_min_10k: the office may change it."""
    load_programs()
    org = make_org()
    import_rows("gov-penalty", [row_for(org, occurred_on=D(2023, 1, 1), grade="罚款", amount_10k="60")])
    beijing = AwardProgram.objects.get(code="beijing")
    ScreeningRule.objects.filter(program=beijing, code="serious-violation-3y").update(amount_min_10k=50)

    run = run_start(program=beijing, actor=office, reference_date=REF)

    assert flags_of(run, "serious-violation-3y") == {
        (org.pk, "serious-violation-3y"): set(PublicRecord.objects.values_list("id", flat=True))}


@pytest.mark.parametrize("program_code", ["anhui", "beijing", "hangzhou", "langfang"])
def test_a_larger_accident_warns_and_only_a_major_one_disqualifies(program_code, office):
    """Hangzhou 三(二)4 "无重大…事故(按国家有关规定认定)", Anhui art. 14(3), Beijing art. 14(4): the
    accident grades of 国务院令第493号; a 较大 accident is for the office to weigh."""
    load_programs()
    larger, major = make_org(), make_org()
    import_rows("accident", [row_for(larger, occurred_on=D(2023, 1, 1), grade="较大", deaths="5"),
                             row_for(major, occurred_on=D(2023, 1, 1), grade="重大", deaths="12")])

    run = run_start(program=AwardProgram.objects.get(code=program_code), actor=office, reference_date=REF)

    assert sorted((f.organization_id, f.rule.code, f.outcome) for f in Flag.objects.filter(run=run)) == [
        (larger.pk, "larger-accident-3y", "warning"), (major.pk, "major-accident-3y", "disqualifying")]
    for code in ("major-accident-3y", "larger-accident-3y"):
        rule = ScreeningRule.objects.get(program__code=program_code, code=code)
        assert "较大" in rule.description_zh and "较大" in rule.description_en


# --- The articles every rule applies ------------------------------------------------------------

#: The documents each program's rules may cite (docs/domain.md lists the article keys).
DOCUMENTS = {"beijing": {"bj2020", "bj2016"}, "hangzhou": {"hz2025"}, "anhui": {"ah2010"}, "langfang": {"lf"}}
ARTICLE_KEY = re.compile(r"^(bj2020:art\d+(\.\d+)?|bj2016:(scope|prescreen|bigdata-review|monitoring|experts|supervision)"
                         r"|hz2025:\d+\.\d+(\.\d+)?|ah2010:art\d+(\.\d+)?|lf:example)$")


@pytest.mark.parametrize(("program_code", "rule"), SHIPPED_RULES, ids=[f"{p}-{r['code']}" for p, r in SHIPPED_RULES])
def test_every_shipped_rule_cites_its_articles(program_code, rule):
    """Every rule cites, as data, at least one article key of its own program's documents."""
    assert rule.get("articles"), f"{program_code} {rule['code']} cites no article"
    for key in rule["articles"]:
        assert ARTICLE_KEY.match(key), key
        assert key.split(":")[0] in DOCUMENTS[program_code], key


def test_loaded_rules_carry_their_articles():
    load_programs()

    assert ScreeningRule.objects.get(program__code="beijing", code="serious-violation-3y").articles == [
        "bj2020:art14.5", "bj2020:art17", "bj2016:prescreen"]
    assert ScreeningRule.objects.get(program__code="hangzhou", code="major-accident-3y").articles == ["hz2025:3.2.4"]
    assert ScreeningRule.objects.get(program__code="anhui", code="major-accident-3y").articles == ["ah2010:art14.3"]
    assert not ScreeningRule.objects.filter(active=True, articles=[]).exists()


@pytest.mark.parametrize(("change", "problem"), [
    ({"articles": []}, "no article key"),
    ({"articles": ["第十四条"]}, "Article keys"),
    ({"grade_contains": True, "grades": ["吊%销"]}, "LIKE wildcard"),
    ({"grade_or_amount": True, "grades": ["吊销"]}, "needs both grades and a minimum amount"),
    ({"kind": "key_figures", "figures": {"assets_10k": ["资产总额"]}, "tolerance_pct": 10}, "maps declared figures"),
    ({"kind": "key_figures", "figures": {"revenue_10k": ["营业收入"]}}, "tolerated difference"),
])
def test_a_fixture_rule_that_cannot_work_is_refused(tmp_path, change, problem):
    load_programs()
    rule = {"code": "broken", "record_type": "penalty", "outcome": "warning", "description_zh": "测试",
            "source_article": "测试条款", "articles": ["bj2020:art14.5"], **change}
    path = tmp_path / "beijing.json"
    path.write_text(json.dumps({"program": "beijing", "rules": [rule]}, ensure_ascii=False), encoding="utf-8")

    with translation.override("en"), pytest.raises(ValueError, match=re.escape(problem)):
        program_data.screening_load(path)
    assert not ScreeningRule.objects.filter(code="broken").exists()


# --- Severity derived at import (docs/domain.md, "Severity of public records") ------------------

SEVERITY_CASES = [
    ("gov-penalty", {"grade": "罚款", "amount_10k": "10"}, Severity.HIGH),
    ("gov-penalty", {"grade": "罚款", "amount_10k": "9.99"}, Severity.MEDIUM),
    ("gov-penalty", {"grade": "吊销许可证件"}, Severity.HIGH),
    ("gov-penalty", {"grade": "警告"}, Severity.LOW),
    ("gov-dishonesty", {"grade": "统计严重失信企业"}, Severity.VETO),
    ("gov-dishonesty", {"grade": "统计严重失信企业", "removed_on": "2023-01-01"}, Severity.HIGH),
    ("tax-violation", {"title": "偷税"}, Severity.VETO),
    ("accident", {"grade": "特别重大", "deaths": "30"}, Severity.VETO),
    ("accident", {"grade": "重大", "deaths": "10"}, Severity.VETO),
    ("accident", {"grade": "较大", "deaths": "3"}, Severity.HIGH),  # for the office to weigh
    ("accident", {"grade": "较大", "deaths": "0"}, Severity.HIGH),
    ("accident", {"grade": "一般", "deaths": "1"}, Severity.HIGH),
    ("accident", {"grade": "一般", "deaths": "0"}, Severity.MEDIUM),
    ("spot-check", {"grade": "不合格"}, Severity.HIGH),
    ("spot-check", {"grade": "合格"}, Severity.INFO),
    ("court-enforcement", {"grade": "失信被执行人"}, Severity.VETO),
    ("court-enforcement", {"grade": "失信被执行人", "removed_on": "2023-01-01"}, Severity.HIGH),
    ("court-enforcement", {"grade": "被执行人"}, Severity.MEDIUM),
    ("gov-abnormal", {}, Severity.MEDIUM),
    ("gov-abnormal", {"removed_on": "2023-01-01"}, Severity.LOW),
    ("consumer-complaint", {"grade": "调解成功"}, Severity.LOW),
    ("media-report", {"grade": "负面"}, Severity.LOW),
    ("media-report", {"grade": "正面"}, Severity.INFO),
    ("credit-rating", {"grade": "AA"}, Severity.INFO),
]


@pytest.mark.parametrize(("source_code", "fields", "severity"), SEVERITY_CASES)
def test_import_derives_severity(source_code, fields, severity):
    load_programs()
    import_rows(source_code, [row_for(make_org(), occurred_on=D(2022, 12, 1), **fields)])

    assert PublicRecord.objects.get().severity == severity


def test_amount_threshold_of_a_configured_rule_is_inclusive(office):
    """No shipped rule sets amount_min_10k yet; a program may. 10万 is "10万元及以上"."""
    load_programs()
    beijing = AwardProgram.objects.get(code="beijing")
    ScreeningRule.objects.create(program=beijing, code="fine-10-wan-3y", record_type="penalty", outcome="warning",
                                 window_years=3, amount_min_10k="10", source_article="测试条款",
                                 description_zh="近3年罚款10万元及以上")
    at, below, big = make_org(), make_org(), make_org()
    import_rows("gov-penalty", [row_for(at, occurred_on=D(2023, 1, 1), grade="罚款", amount_10k="10.00"),
                                row_for(below, occurred_on=D(2023, 1, 1), grade="罚款", amount_10k="9.99"),
                                row_for(big, occurred_on=D(2023, 1, 1), grade="罚款", amount_10k="1,250.5"),
                                row_for(big, occurred_on=D(2023, 2, 1), grade="警告")])

    run = run_start(program=beijing, actor=office, reference_date=REF)

    assert sorted((f.organization_id, f.rule.code, f.record_count) for f in Flag.objects.filter(run=run)
                  if f.rule.code == "fine-10-wan-3y") == sorted([(at.pk, "fine-10-wan-3y", 1),
                                                                  (big.pk, "fine-10-wan-3y", 1)])
