"""The shipped award programs and criteria: they load, reload idempotently and reproduce their source documents (docs/sources)."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum

from applications.enums import Cycle, ItemType, NoticeStage, VotingMethod
from applications.models import (
    AwardProgram,
    Category,
    CriteriaVersion,
    EligibilityRule,
    Item,
    ProgramNoticeStage,
    Recommender,
    Tier,
)
from applications.program_fixtures import FIXTURES, load_all_programs, program_load

pytestmark = pytest.mark.django_db

MODELS = [AwardProgram, ProgramNoticeStage, Tier, Recommender, EligibilityRule, CriteriaVersion, Category, Item]


@pytest.fixture
def programs():
    load_all_programs()
    return {p.code: p for p in AwardProgram.objects.all()}


def _counts():
    return {m.__name__: m.objects.count() for m in MODELS} | {
        "program_recommenders": AwardProgram.recommenders.through.objects.count()}


# ------------------------------------------------------------------ loading

def test_load_all_programs_loads_the_four_programs():
    loaded = load_all_programs()
    assert sorted(p.code for p in loaded) == ["anhui", "beijing", "hangzhou", "langfang"]
    for program in loaded:
        assert program.criteria.code == "gbt19580-2012"
        assert program.source_documents.strip()
        assert program.tiers.exists()
        assert program.notice_stages.exists()
        assert program.eligibility_rules.filter(active=True).exists()
        for rule in program.eligibility_rules.all():
            rule.full_clean()  # every kind is registered and has its parameters
            assert rule.source_article


def test_loading_twice_creates_no_duplicates():
    load_all_programs()
    first = _counts()
    load_all_programs()
    assert _counts() == first
    assert first["AwardProgram"] == 4
    assert first["CriteriaVersion"] == 1


def test_edited_fixture_updates_in_place(tmp_path):
    load_all_programs()
    before = _counts()
    data = json.loads((FIXTURES / "programs" / "beijing.json").read_text(encoding="utf-8"))
    data["tiers"][0]["quota"] = 3
    data["notice_stages"][0]["working_days"] = 7
    edited = tmp_path / "beijing.json"
    edited.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    program = program_load(edited)

    assert _counts() == before
    assert program.pk == AwardProgram.objects.get(code="beijing").pk
    assert program.tiers.get(code="award").quota == 3
    assert program.notice_days(NoticeStage.PROPOSED_WINNERS) == 7


# ------------------------------------------------------------------ GB/T 19580-2012

def test_gbt19580_2012_structure(programs):
    version = CriteriaVersion.objects.get(code="gbt19580-2012")
    categories = list(version.categories.all())
    items = Item.objects.filter(category__version=version)

    assert [c.number for c in categories] == ["4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7"]
    assert [c.points for c in categories] == [110, 90, 90, 130, 100, 80, 400]
    assert version.total_points == 1000
    assert sum(c.points for c in categories) == 1000
    assert items.count() == 23
    assert items.aggregate(s=Sum("points"))["s"] == 1000
    assert items.filter(item_type=ItemType.PROCESS).aggregate(s=Sum("points"))["s"] == 600
    assert items.filter(item_type=ItemType.RESULT).aggregate(s=Sum("points"))["s"] == 400
    assert set(items.filter(item_type=ItemType.RESULT).values_list("category__number", flat=True)) == {"4.7"}
    for category in categories:
        assert category.items.aggregate(s=Sum("points"))["s"] == category.points, category.number
        assert category.name_zh and category.name_en
    leadership = {i.number: (i.name_zh, i.points) for i in version.categories.get(number="4.1").items.all()}
    assert leadership == {"4.1.2": ("高层领导的作用", 50), "4.1.3": ("组织治理", 30), "4.1.4": ("社会责任", 30)}
    assert [i.number for i in version.categories.get(number="4.7").items.all()] == [
        "4.7.2", "4.7.3", "4.7.4", "4.7.5", "4.7.6", "4.7.7"]
    version.full_clean()


# ------------------------------------------------------------------ the source documents' numbers

def test_beijing_reproduces_its_measures(programs):
    bj = programs["beijing"]
    assert bj.cycle == Cycle.BIENNIAL
    award, nomination = bj.tiers.order_by("rank")
    assert (award.name_zh, award.quota, award.prize_amount, award.prize_is_cap) == (
        "质量管理奖", 5, Decimal("2000000"), False)
    assert (nomination.name_zh, nomination.quota, nomination.prize_amount) == ("提名奖", 5, None)
    assert bj.notice_days(NoticeStage.PROPOSED_WINNERS) == 5
    assert bj.notice_stages.count() == 1
    assert bj.reapply_wait_editions == 2 and bj.reapply_wait_years is None
    assert bj.revocation_window_years == 3
    assert bj.requires_recommendation
    assert (bj.expert_weight, bj.bigdata_weight) == (Decimal("0.7"), Decimal("0.3"))
    assert "GB/T 19580-2012" in bj.source_documents
    # The configurable choices are assumptions of the articles they concern.
    assert "0.7" in bj.articles.get(key="bj2016:evaluation-mode").assumption_zh
    assert "GB/T 19580-2012" in bj.articles.get(key="bj2016:criteria").assumption_zh
    assert (award.bars_reapplication, nomination.bars_reapplication) == (True, False)  # art. 4

    recommenders = bj.recommenders.all()
    kinds = {r.kind for r in recommenders}
    assert kinds == {Recommender.Kind.INDUSTRY_AUTHORITY, Recommender.Kind.DISTRICT_BUREAU}
    assert {"北京市经济和信息化局", "北京市海淀区市场监督管理局"} <= {r.name_zh for r in recommenders}
    assert all(r.region_code.startswith("1101") for r in recommenders if r.kind == Recommender.Kind.DISTRICT_BUREAU)

    rules = {r.kind: r for r in bj.eligibility_rules.exclude(kind="declaration")}
    assert rules["registered_in_region"].params == {"region_prefix": "11"}
    assert "第十二条(一)" in rules["registered_in_region"].source_article
    assert rules["min_years_registered"].params == {"years": 3}
    assert "legal_person" in rules and "第四条" in rules["reapply_wait"].source_article
    declared = {r.params["key"]: r.source_article for r in bj.eligibility_rules.filter(kind="declaration")}
    for key in ("no_major_accident_3y", "no_fraud_in_awards_3y", "no_serious_violation_3y", "licences_held"):
        assert "第十四条" in declared[key]


def test_hangzhou_reproduces_its_measures(programs):
    hz = programs["hangzhou"]
    assert hz.cycle == Cycle.AS_APPROVED
    tiers = {t.code: t for t in hz.tiers.all()}
    assert [t.name_zh for t in hz.tiers.order_by("rank")] == ["质量奖", "创新奖", "优胜奖"]
    assert all(t.quota == 25 for t in tiers.values()) and len(tiers) == 3
    assert (tiers["quality"].prize_amount, tiers["quality"].prize_is_cap) == (Decimal("600000"), True)
    assert (tiers["innovation"].prize_amount, tiers["innovation"].prize_is_cap) == (Decimal("300000"), True)
    assert tiers["excellence"].prize_amount is None
    assert tiers["quality"].voting_method == VotingMethod.SECRET_BALLOT
    assert tiers["innovation"].voting_method == VotingMethod.SHOW_OF_HANDS
    assert tiers["excellence"].voting_method == VotingMethod.SHOW_OF_HANDS
    assert {s.stage: s.working_days for s in hz.notice_stages.all()} == {
        NoticeStage.MATERIAL_REVIEW_LIST: 7, NoticeStage.SITE_REVIEW_LIST: 7, NoticeStage.PROPOSED_WINNERS: 7}
    assert hz.objection_verification_days == 5
    assert hz.revocation_window_years == 2
    assert (hz.self_evaluation_interval_years, hz.self_evaluation_period_years) == (2, 5)

    rules = {r.kind: r for r in hz.eligibility_rules.exclude(kind="declaration")}
    assert rules["registered_in_region"].params == {"region_prefix": "3301"}
    assert "not_public_body" in rules
    muju = rules["muju_grade"].params
    assert (muju["min_grade"], muju["relaxed_grade"]) == ("A", "B")
    assert set(muju["relaxed_industries"]) == {"通用人工智能", "低空经济", "具身智能机器人", "类脑智能", "合成生物", "航空航天"}
    assert rules["excellence_model_years"].params == {"years": 3}
    declared = {r.params["key"] for r in hz.eligibility_rules.filter(kind="declaration")}
    assert {"quality_inspections_passed_3y", "no_major_accident_3y", "not_on_serious_dishonesty_list"} <= declared


def test_anhui_reproduces_its_measures(programs):
    ah = programs["anhui"]
    assert ah.cycle == Cycle.ANNUAL
    assert ah.score_floor == 600
    (tier,) = ah.tiers.all()
    assert (tier.quota, tier.prize_amount, tier.prize_is_cap) == (5, Decimal("500000"), False)
    assert ah.reapply_wait_years == 3 and ah.reapply_wait_editions is None
    assert ah.notice_days(NoticeStage.PROPOSED_WINNERS) == 5
    # the notice length is a documented assumption of art. 20
    assert "5个工作日" in ah.articles.get(key="ah2010:art20").assumption_zh
    assert ah.requires_recommendation
    assert {"合肥市人民政府", "芜湖市人民政府", "安徽省经济和信息化厅"} <= set(
        ah.recommenders.values_list("name_zh", flat=True))

    rules = {r.kind: r for r in ah.eligibility_rules.exclude(kind="declaration")}
    assert rules["registered_in_region"].params == {"region_prefix": "34"}
    assert rules["min_years_registered"].params == {"years": 3}
    assert "legal_person" in rules and "reapply_wait" in rules
    assert rules["certification_held"].params["kinds"] == ["iso9001"]  # art. 13(2): others go to the office
    assert {"iso14001", "iso45001"} <= set(rules["certification_held"].params["review_kinds"])
    assert "enterprise_only" in rules  # art. 2, 13
    assert rules["no_losses_years"].params["years"] == 3  # art. 13(3), read from the key figures
    declared = {r.params["key"] for r in ah.eligibility_rules.filter(kind="declaration")}
    assert {"top5_in_province", "no_losses_3y", "no_tax_violation_3y", "spot_checks_passed_3y"} <= declared


def test_langfang_is_marked_as_an_example(programs):
    lf = programs["langfang"]
    assert "示例" in lf.name_zh and "example" in lf.name_en
    assert "示例" in lf.source_documents
    assert lf.region_code == "131000"
    assert lf.eligibility_rules.get(kind="registered_in_region").params == {"region_prefix": "1310"}


# ------------------------------------------------------------------ admin-level validation

def test_program_weights_must_sum_to_one(programs):
    bj = programs["beijing"]
    bj.full_clean()
    bj.expert_weight, bj.bigdata_weight = Decimal("0.6"), Decimal("0.3")
    with pytest.raises(ValidationError):
        bj.full_clean()
    bj.expert_weight, bj.bigdata_weight = Decimal("0.8"), Decimal("0.3")
    with pytest.raises(ValidationError):
        bj.full_clean()


def test_negative_tier_quota_is_impossible(programs):
    tier = programs["anhui"].tiers.get()
    tier.quota = -1
    with pytest.raises(ValidationError) as exc:
        tier.full_clean()
    assert "quota" in exc.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Tier.objects.filter(pk=tier.pk).update(quota=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Tier.objects.create(program=programs["anhui"], code="bad", name_zh="坏", rank=9, quota=-1)


def test_criteria_version_refuses_items_not_adding_up():
    version = CriteriaVersion.objects.create(code="bad-example", name_zh="示例", total_points=100)
    category = Category.objects.create(version=version, number="1", name_zh="类目", points=100)
    Item.objects.create(category=category, number="1.1", name_zh="甲", points=60, item_type=ItemType.PROCESS)
    Item.objects.create(category=category, number="1.2", name_zh="乙", points=30, item_type=ItemType.RESULT)
    with pytest.raises(ValidationError):
        version.full_clean()
    with pytest.raises(ValidationError):
        category.full_clean()
    Item.objects.create(category=category, number="1.3", name_zh="丙", points=10, item_type=ItemType.RESULT)
    version.full_clean()
    category.full_clean()
