"""The measures read right: each test names the article it checks and evaluates the shipped
program's own rule (or a rule of the same kind) on real rows.

Sources: bj2020 = 《北京市人民政府质量管理奖管理办法》(2020年征求意见稿); hz2025 = 《杭州市政府质量奖管理办法》
(2025); ah2010 = 《安徽省政府质量奖管理办法》(皖政〔2010〕91号). Conditions are judged on the day of the
round's application deadline, Beijing time.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from applications.eligibility import EligibilityContext, evaluate_rule, rule_citation
from applications.enums import ApplicationState, LegalForm, RoundPhase, RuleOutcome
from applications.forms import BasicInfoForm
from applications.models import Certification, EligibilityRule, KeyFigure, Recommender
from applications.routing import allowed_recommenders, recommender_allowed, recommender_refusal
from applications.services import eligibility_evaluate, eligibility_reference_date
from award_portal.roles import Role

from .factories import deadline_on, make_application, make_certification, make_org, make_round, make_tier
from .support import program as shipped

pytestmark = pytest.mark.django_db

PASS, FAIL, REVIEW = RuleOutcome.PASS, RuleOutcome.FAIL, RuleOutcome.NEEDS_REVIEW
S = ApplicationState


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def rule_of(code, kind, key=None) -> EligibilityRule:
    """The shipped program's active rule of `kind` (a declaration by its key)."""
    rules = shipped(code).eligibility_rules.filter(active=True, kind=kind)
    if key:
        rules = rules.filter(params__key=key)
    return rules.get()


def verdict(rule, application):
    result = evaluate_rule(rule, EligibilityContext(application, eligibility_reference_date(application)))
    if translation.get_language().startswith("en"):  # the article by its English reference
        assert result.reason.startswith(f"{rule_citation(rule)}: "), result.reason
    else:
        assert result.reason.startswith(f"{rule.source_article}："), result.reason
    return result


def judge(code, kind, org, *, day=datetime.date(2026, 6, 30), edition=None, declarations=None, **round_fields):
    """The shipped `code` program's `kind` rule on `org`'s application to a round closing on `day`."""
    rule = rule_of(code, kind)
    rnd = make_round(rule.program, deadline=deadline_on(day), edition=edition, **round_fields)
    return verdict(rule, make_application(rnd, org, declarations=declarations or {}))


# --- bj2020 art. 4: the two-edition wait binds winners of the award, not nominees ------------

def won(program, org, *, edition, state=S.AWARDED, tier="award"):
    rnd = make_round(program, phase=RoundPhase.CLOSED, edition=edition, year=2014 + 2 * edition,
                     deadline=deadline_on(datetime.date(2014 + 2 * edition, 5, 31)))
    tier = program.tiers.get(code=tier) if isinstance(tier, str) else tier
    return make_application(rnd, org, state=state, tier=tier)


def beijing_edition(org, edition):
    return judge("beijing", "reapply_wait", org, edition=edition,
                 day=datetime.date(2014 + 2 * edition, 6, 30))


@pytest.mark.parametrize(("edition", "outcome"), [(3, FAIL), (4, FAIL), (5, PASS)])
def test_award_winner_lets_two_editions_pass(edition, outcome):
    """bj2020 art. 4: 获得市政府质量管理奖的组织须间隔两届后，可再次申报 (won in 2 → may apply in 5)."""
    org = make_org()
    won(shipped("beijing"), org, edition=2)

    result = beijing_edition(org, edition)

    assert result.outcome == outcome
    assert "edition 2" in result.reason


def test_nominee_may_apply_in_the_next_edition():
    """bj2020 art. 4 binds winners of 市政府质量管理奖 only: a 提名奖 nominee may apply next time."""
    org = make_org()
    won(shipped("beijing"), org, edition=2, tier="nomination")

    result = beijing_edition(org, 3)

    assert result.outcome == PASS
    assert "Nomination Award" in result.reason and "edition 2" in result.reason


def test_a_later_nomination_does_not_lift_the_award_wait():
    """bj2020 art. 4: the award of edition 2 still binds in edition 4, a nomination in 3 notwithstanding."""
    org = make_org()
    beijing = shipped("beijing")
    won(beijing, org, edition=2)
    won(beijing, org, edition=3, tier="nomination")

    result = beijing_edition(org, 4)

    assert result.outcome == FAIL
    assert "edition 2" in result.reason


def test_revoked_award_still_waits():
    """bj2020 art. 4 with art. 27: an award revoked afterwards was won; the wait still applies."""
    org = make_org()
    won(shipped("beijing"), org, edition=2, state=S.REVOKED)

    assert beijing_edition(org, 3).outcome == FAIL


@pytest.mark.parametrize("state", [S.DISQUALIFIED, S.WITHDRAWN_AFTER_OBJECTION, S.PROPOSED, S.APPROVED])
def test_disqualified_or_unfinished_is_not_a_win(state):
    """bj2020 art. 4 counts wins; art. 24 disqualification (取消其评选资格) happens before any award."""
    org = make_org()
    won(shipped("beijing"), org, edition=2, state=state)

    result = beijing_edition(org, 3)

    assert result.outcome == PASS
    assert "No earlier award" in result.reason


def test_award_of_unknown_tier_counts():
    """bj2020 art. 4: an award recorded without its tier (older data) is taken to bar re-application."""
    org = make_org()
    won(shipped("beijing"), org, edition=2, tier=None)

    assert beijing_edition(org, 3).outcome == FAIL


def test_tier_setting_decides_not_the_tier_name():
    """bj2020 art. 4 as data: a tier whose winners need not wait is any tier with bars_reapplication off."""
    org = make_org()
    beijing = shipped("beijing")
    won(beijing, org, edition=2, tier=make_tier(beijing, quota=1, rank=9, bars_reapplication=False))

    assert beijing_edition(org, 3).outcome == PASS


@pytest.mark.parametrize(("year", "outcome"), [(2024, FAIL), (2025, PASS)])
def test_anhui_winner_applies_again_after_three_years(year, outcome):
    """ah2010 art. 4: 获得省政府质量奖的企业，3年后可再次提出申请 (its only tier bars re-application)."""
    anhui = shipped("anhui")
    org = make_org(region="340104")
    rnd = make_round(anhui, phase=RoundPhase.CLOSED, edition=1, year=2022,
                     deadline=deadline_on(datetime.date(2022, 5, 31)))
    make_application(rnd, org, state=S.AWARDED, tier=anhui.tiers.get())

    result = judge("anhui", "reapply_wait", org, edition=2, year=year, day=datetime.date(year, 6, 30))

    assert result.outcome == outcome
    assert "2022" in result.reason


# --- bj2020 art. 16: report to the industry authority or the bureau of one's own district ------

def authority(code) -> Recommender:
    return Recommender.objects.get(code=code)


@pytest.mark.parametrize(("region", "code", "allowed"), [
    ("110108", "bj-amr-haidian", True),  # registered in Haidian: Haidian's bureau
    ("110108", "bj-amr-chaoyang", False),  # another district's bureau
    ("110108", "bj-jxj", True),  # an industry authority
    ("110105", "bj-amr-chaoyang", True),
    ("110105", "bj-amr-haidian", False),
    ("110000", "bj-amr-haidian", True),  # registered by the municipal authority: the code names no district
    ("110000", "bj-amr-daxing", True),
    ("330106", "bj-jxj", False),  # a Hangzhou organisation and a Beijing authority
    ("330106", "bj-amr-haidian", False),
])
def test_beijing_routing(region, code, allowed):
    """bj2020 art. 16: 将申报表报行业主管部门或注册地区市场监管局."""
    shipped("beijing")
    org = make_org(region=region)

    assert recommender_allowed(org, authority(code)) is allowed
    assert (recommender_refusal(org, authority(code)) is None) is allowed


@pytest.mark.parametrize(("region", "code", "allowed"), [
    ("340104", "ah-hefei", True),  # a Hefei district: Hefei's government
    ("340104", "ah-wuhu", False),
    ("340100", "ah-hefei", True),
    ("340000", "ah-hefei", True),  # registered at the provincial level
    ("340104", "ah-jxt", True),  # a provincial industry authority
])
def test_anhui_routing(region, code, allowed):
    """ah2010 art. 13(6): 获得市政府或省政府行业主管部门推荐 — the city where it is registered."""
    shipped("anhui")

    assert recommender_allowed(make_org(region=region), authority(code)) is allowed


def test_allowed_recommenders_of_a_program():
    """bj2020 art. 16: a Haidian organisation sees the industry authorities and Haidian's bureau only."""
    beijing = shipped("beijing")

    codes = set(allowed_recommenders(beijing, make_org(region="110108")).values_list("code", flat=True))

    assert codes == {"bj-jxj", "bj-zjw", "bj-swj", "bj-wjw", "bj-kw", "bj-amr-haidian"}
    assert not allowed_recommenders(shipped("hangzhou"), make_org(region="330106")).exists()  # 三(三)1: direct


def test_authority_of_another_program_is_refused():
    """bj2020 art. 16 names the program's own authorities: Anhui's are not among them."""
    beijing = shipped("beijing")
    org = make_org(region="110108")

    assert recommender_allowed(org, authority("bj-amr-haidian"), beijing)
    assert not recommender_allowed(org, authority("ah-jxt"), beijing)
    assert "does not recommend" in recommender_refusal(org, authority("ah-jxt"), beijing)


def test_form_offers_only_allowed_authorities_and_names_a_refused_one():
    """bj2020 art. 16 in the application form: another district's bureau is neither offered nor accepted,
    and the applicant is told why."""
    beijing = shipped("beijing")
    org = make_org(region="110108")

    offered = BasicInfoForm(program=beijing, organization=org).fields["recommender"].queryset
    refused = BasicInfoForm({"recommender": str(authority("bj-amr-chaoyang").pk)}, program=beijing, organization=org)
    accepted = BasicInfoForm({"recommender": str(authority("bj-amr-haidian").pk)}, program=beijing, organization=org)

    assert set(offered) == set(allowed_recommenders(beijing, org))
    assert not refused.is_valid()
    [message] = refused.errors["recommender"]
    assert "110105" in message and "110108" in message and "industry authority" in message
    accepted.is_valid()
    assert "recommender" not in accepted.errors


# --- hz2025 三(二)5: bodies managed under (or by reference to) the Civil Servant Law -------------

@pytest.mark.parametrize(("form", "prefix", "outcome"), [
    (LegalForm.GOVERNMENT_BODY, "11", FAIL),  # 党政机关, 人大, 政协, 法院, 检察院
    (LegalForm.GOVERNMENT_BODY, "51", FAIL),  # a democratic party, whatever its code
    (LegalForm.PEOPLES_ORGANIZATION, "51", FAIL),  # 人民团体
    (LegalForm.SOCIAL_ORGANIZATION, "13", FAIL),  # 群众团体 by its code
    (LegalForm.COMPANY, "11", FAIL),  # 机关 by its code
    (LegalForm.PUBLIC_INSTITUTION, "12", REVIEW),  # 事业单位: some are 参照公务员法管理
    (LegalForm.COMPANY, "12", REVIEW),  # 事业单位 by its code
    (LegalForm.PUBLIC_INSTITUTION, "19", REVIEW),
    (LegalForm.SOCIAL_ORGANIZATION, "51", PASS),
    (LegalForm.COMPANY, "91", PASS),
])
def test_civil_service_managed_bodies_excluded(form, prefix, outcome):
    """hz2025 三(二)5: 各级党委、政府及其部门，人大常委会、政协、法院、检察院、民主党派、人民团体等按照(参照)
    公务员法管理的单位不得作为申报对象."""
    result = judge("hangzhou", "not_public_body", make_org(region="330106", prefix=prefix, legal_form=form))

    assert result.outcome == outcome
    if outcome == REVIEW:
        assert "事业单位" in result.reason and "Civil Servant Law" in result.reason


# --- Accidents: 重大 and 特别重大, graded under national rules ----------------------------------

@pytest.mark.parametrize("code", ["beijing", "hangzhou", "anhui", "langfang"])
def test_accident_declarations_name_major_and_especially_serious(code):
    """bj2020 art. 14(4), hz2025 三(二)4, ah2010 art. 14(3): 重大事故 means 重大 and 特别重大 accidents
    (《生产安全事故报告和调查处理条例》第三条); a 较大 accident does not disqualify."""
    rule = rule_of(code, "declaration", key="no_major_accident_3y")

    assert "重大、特别重大" in rule.params["text"] and rule.params["text"] == rule.description_zh
    assert "especially serious" in rule.description_en
    if code != "langfang":  # the example program keeps its short text
        assert "较大及以下事故不在此列" in rule.params["text"]
        assert "larger" in rule.description_en


@pytest.mark.parametrize(("code", "key"), [("beijing", "bj2020:art14.4"), ("hangzhou", "hz2025:3.2.4"),
                                           ("anhui", "ah2010:art14.3")])
def test_accident_grades_are_documented(code, key):
    """The article's assumption cites the grading regulation and its thresholds."""
    article = shipped(code).articles.get(key=key)

    assert "《生产安全事故报告和调查处理条例》第三条" in article.assumption_zh
    assert "较大" in article.assumption_zh and "larger" in article.assumption_en


# --- ah2010 art. 2, 13: enterprises only ----------------------------------------------------

@pytest.mark.parametrize(("form", "prefix", "outcome"), [
    (LegalForm.COMPANY, "91", PASS),
    (LegalForm.STATE_OWNED, "91", PASS),
    (LegalForm.COOPERATIVE, "91", PASS),  # 股份合作制企业: registered as an enterprise
    (LegalForm.SOLE_PROPRIETORSHIP, "92", PASS),  # 个体工商户 (the legal-person rule excludes it)
    (LegalForm.COOPERATIVE, "93", FAIL),  # 农民专业合作社: not an enterprise
    (LegalForm.COMPANY, "93", FAIL),  # the code decides
    (LegalForm.PUBLIC_INSTITUTION, "12", FAIL),
    (LegalForm.SOCIAL_ORGANIZATION, "51", FAIL),
    (LegalForm.SOCIAL_ORGANIZATION, "52", FAIL),  # 民办非企业单位
    (LegalForm.GOVERNMENT_BODY, "11", FAIL),
    (LegalForm.COMPANY, "12", FAIL),  # a 事业单位 by its code
    (LegalForm.PUBLIC_INSTITUTION, "91", REVIEW),  # code and legal form disagree
    (LegalForm.COMPANY, "N1", PASS),  # a category outside the core table: the legal form decides
    (LegalForm.COOPERATIVE, "N1", FAIL),
])
def test_enterprises_only(form, prefix, outcome):
    """ah2010 art. 2 (授予…企业) and art. 13 (企业申报省政府质量奖，必须同时具备下列条件)."""
    result = judge("anhui", "enterprise_only", make_org(region="340104", prefix=prefix, legal_form=form))

    assert result.outcome == outcome
    if prefix == "93":
        assert "农民专业合作社" in result.reason


# --- hz2025 三(二)2: the latest year's 亩均效益 grade --------------------------------------------

def manufacturer(**fields):
    return make_org(region="330106", industry_section="C", revenue_10k=Decimal("50000"), **fields)


@pytest.mark.parametrize("day", [datetime.date(2026, 1, 5), datetime.date(2026, 12, 31)])
@pytest.mark.parametrize(("grade", "year", "outcome"), [
    ("A", 2025, PASS),  # the latest year on any day of 2026
    ("A", 2026, PASS),  # a later label (e.g. the publication year) is not older
    ("A", 2024, REVIEW),  # an older grade says nothing about the latest one
    ("A", None, REVIEW),
    ("B", 2025, FAIL),
    ("C", 2024, REVIEW),  # stale: the office asks for the latest year's result
])
def test_muju_grade_of_the_latest_year(day, grade, year, outcome):
    """hz2025 三(二)2: 制造业规上企业最新年度“亩均效益”综合评价结果达到A档. Assumption: year Y's evaluation
    is published in Y+1, so on a deadline in year R the latest year is R-1."""
    result = judge("hangzhou", "muju_grade", manufacturer(muju_grade=grade, muju_year=year), day=day)

    assert result.outcome == outcome
    if outcome == REVIEW:
        assert "2025" in result.reason


def test_muju_relaxed_grade_also_needs_the_latest_year():
    """hz2025 三(二)2: the strategic industries' grade B, of the latest year too."""
    latest = manufacturer(muju_grade="B", muju_year=2025, strategic_industry="低空经济")
    older = manufacturer(muju_grade="B", muju_year=2024, strategic_industry="低空经济")

    assert judge("hangzhou", "muju_grade", latest).outcome == PASS
    assert judge("hangzhou", "muju_grade", older).outcome == REVIEW


def test_muju_publication_lag_is_a_parameter():
    """hz2025 三(二)2: a region publishing later sets latest_year_lag 2 (latest year R-2)."""
    hangzhou = shipped("hangzhou")
    rule = rule_of("hangzhou", "muju_grade")
    rule.params = {**rule.params, "latest_year_lag": 2}
    rnd = make_round(hangzhou, deadline=deadline_on(datetime.date(2026, 6, 30)))

    result = verdict(rule, make_application(rnd, manufacturer(muju_grade="A", muju_year=2024)))

    assert result.outcome == PASS


# --- ah2010 art. 13(2): GB/T 19001 or another relevant management-system certification ----------

@pytest.mark.parametrize(("kinds", "outcome"), [
    ([Certification.Kind.ISO9001], PASS),
    ([Certification.Kind.ISO9001, Certification.Kind.ISO14001], PASS),
    ([Certification.Kind.ISO14001], REVIEW),
    ([Certification.Kind.ISO45001], REVIEW),
    ([Certification.Kind.OTHER], REVIEW),
    ([Certification.Kind.HIGH_TECH], FAIL),  # a status, not a management-system certification
    ([], FAIL),
])
def test_other_management_systems_go_to_the_office(kinds, outcome):
    """ah2010 art. 13(2): 已通过GB/T19001质量管理体系认证或其他相关管理体系认证."""
    org = make_org(region="340104")
    for kind in kinds:
        make_certification(org, kind=kind, valid_from=datetime.date(2024, 1, 1))

    result = judge("anhui", "certification_held", org)

    assert result.outcome == outcome
    if outcome == REVIEW:
        assert str(Certification.Kind(kinds[0]).label) in result.reason


def test_expired_other_certificate_fails():
    """ah2010 art. 13(2): only certificates valid on the deadline count, for the office's review too."""
    org = make_org(region="340104")
    make_certification(org, kind=Certification.Kind.ISO14001, valid_from=datetime.date(2018, 1, 1),
                       valid_until=datetime.date(2026, 6, 29))

    assert judge("anhui", "certification_held", org).outcome == FAIL


# --- ah2010 art. 13(3): no losses in the last three years, from the key figures ----------------

def losses_application(profits, *, declarations=None, day=datetime.date(2026, 6, 30)):
    rule = rule_of("anhui", "no_losses_years")
    rnd = make_round(rule.program, deadline=deadline_on(day))
    application = make_application(rnd, make_org(region="340104"), declarations=declarations or {})
    for year, profit in profits.items():
        KeyFigure.objects.create(application=application, year=year,
                                 profit_10k=None if profit is None else Decimal(profit))
    return verdict(rule, application)


def test_no_losses_in_the_three_years_passes():
    """ah2010 art. 13(3): 最近3年未发生亏损 — 2023–2025 for a deadline in 2026; a profit of 0 is no loss."""
    result = losses_application({2023: "1200", 2024: "0", 2025: "80.5"})

    assert result.outcome == PASS
    assert "2023–2025" in result.reason


def test_a_loss_fails_naming_year_and_figure():
    """ah2010 art. 13(3): a negative total profit in one of the three years."""
    result = losses_application({2023: "1200", 2024: "-12.5", 2025: "300"})

    assert result.outcome == FAIL
    assert "2024" in result.reason and "-12.5" in result.reason


def test_a_loss_before_the_three_years_does_not_count():
    """ah2010 art. 13(3): only the last three full years before the deadline's year."""
    assert losses_application({2022: "-500", 2023: "1", 2024: "2", 2025: "3"}).outcome == PASS


@pytest.mark.parametrize("profits", [{2024: "1", 2025: "2"}, {2023: None, 2024: "1", 2025: "2"}])
def test_missing_years_need_review_naming_them(profits):
    """ah2010 art. 13(3): a year without a profit figure cannot be judged: the office asks for it."""
    result = losses_application(profits)

    assert result.outcome == REVIEW
    assert "2023" in result.reason


def test_a_loss_outweighs_a_missing_year():
    """ah2010 art. 13(3): one loss is enough to fail."""
    assert losses_application({2024: "-1", 2025: "2"}).outcome == FAIL


def test_declaration_contradicted_by_the_figures_fails_naming_both():
    """ah2010 art. 13(3), and art. 26 (弄虚作假): a declared 最近3年未发生亏损 against a loss in the figures."""
    result = losses_application({2023: "10", 2024: "20", 2025: "-3"}, declarations={"no_losses_3y": True})

    assert result.outcome == FAIL
    assert "2025" in result.reason and "-3" in result.reason
    # The declaration is quoted in the reader's language (English here; Chinese below).
    assert "loss in the last three full years" in result.reason and "contradict" in result.reason


def test_figures_without_loss_against_a_declared_loss_need_review():
    """ah2010 art. 13(3): the applicant could not declare 'no losses' though its figures show none."""
    result = losses_application({2023: "10", 2024: "20", 2025: "30"}, declarations={"no_losses_3y": False})

    assert result.outcome == REVIEW


def test_anhui_screening_end_to_end(make_user):
    """ah2010 art. 2, 13(3) through the eligibility service: a farmers' cooperative with a loss it
    declared away fails both new rules; the declaration itself is still recorded as declared."""
    anhui = shipped("anhui")
    rnd = make_round(anhui, phase=RoundPhase.ELIGIBILITY, deadline=deadline_on(datetime.date(2026, 6, 30)))
    org = make_org(region="340104", prefix="93", legal_form=LegalForm.COOPERATIVE)
    application = make_application(rnd, org, state=S.RECOMMENDED, declarations={"no_losses_3y": True})
    for year, profit in [(2023, "5"), (2024, "-40"), (2025, "6")]:
        KeyFigure.objects.create(application=application, year=year, profit_10k=Decimal(profit))

    results = eligibility_evaluate(application_id=application.pk, actor=make_user(Role.OFFICE))

    by_kind = {r.rule.kind: r for r in results if r.rule.kind != "declaration"}
    assert by_kind["enterprise_only"].outcome == FAIL
    assert by_kind["no_losses_years"].outcome == FAIL
    assert "2024" in by_kind["no_losses_years"].reason
    declared = next(r for r in results if r.rule.params.get("key") == "no_losses_3y")
    assert declared.outcome == PASS


# --- Every reason in Chinese too --------------------------------------------------------------

def test_reasons_are_translated():
    """The new verdicts read in Chinese (zh_Hans catalogue), still citing their article."""
    with translation.override("zh-hans"):
        loss = losses_application({2023: "10", 2024: "20", 2025: "-3"}, declarations={"no_losses_3y": True})
        stale = judge("hangzhou", "muju_grade", manufacturer(muju_grade="A", muju_year=2024))
        institution = judge("hangzhou", "not_public_body", make_org(region="330106", prefix="12"))
        cooperative = judge("anhui", "enterprise_only", make_org(region="340104", prefix="93"))
        refusal = recommender_refusal(make_org(region="110108"), authority("bj-amr-chaoyang"))

    assert "相互矛盾" in loss.reason and "2025年利润总额-3.00万元" in loss.reason
    assert "最近3年未发生亏损" in loss.reason
    assert "最新年度" in stale.reason and "2025年度" in stale.reason
    assert "参照公务员法管理" in institution.reason and "评审办" in institution.reason
    assert "不属于企业" in cooperative.reason
    assert "请报送行业主管部门" in refusal
