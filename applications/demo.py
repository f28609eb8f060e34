"""Demo data: the real 2nd Beijing round (closed, with its winners and nominees) and two open
rounds of other programs with synthetic organisations at several states.

The historical round is replayed through the real pipeline (the same transition service as
in production), so its timeline and audit trail are genuine; only its dates are then set back
to 2016.
"""

import datetime
import random

from django.core.files.base import ContentFile
from django.utils import timezone

from award_portal.demo import ensure_user
from award_portal.roles import Role

from . import drafts, uscc
from . import forms as step_forms
from .drafts import application_submit
from .enums import Action, LegalForm, RoundPhase
from .models import Application, AwardProgram, Certification, Membership, Organization, Recommender, Round
from .program_fixtures import load_all_programs
from .recommendation import recommendation_endorse, recommendation_return
from .services import (
    application_create,
    eligibility_evaluate,
    round_save,
    round_set_phase_for_demo,
    rule_result_decide,
    system_office_user,
)
from .workflow import application_transition

A = Action

BEIJING_WINNERS = [
    ("首都航天机械有限公司", "Capital Aerospace Machinery Corporation", "C", "3742"),
    ("北京银行股份有限公司", "Bank of Beijing Co., Ltd.", "J", "6621"),
    ("拜耳医药保健有限公司", "Bayer HealthCare Co., Ltd.", "C", "2720"),
    ("北京中关村软件园发展有限责任公司", "Beijing Zhongguancun Software Park Development Co., Ltd.", "L", "7221"),
    ("华润双鹤药业股份有限公司", "China Resources Double Crane Pharmaceutical Co., Ltd.", "C", "2720"),
]
BEIJING_NOMINEES = [
    ("北京城建三建设发展有限公司", "Beijing No. 3 Construction Engineering Co., Ltd.", "E", "4700"),
    ("北京菜市口百货股份有限公司", "Beijing Caishikou Department Store Co., Ltd.", "F", "5245"),
    ("北京北辰实业股份有限公司国家会议中心", "Beijing Beichen Industrial Co., Ltd. National Conference Center", "L", "7284"),
    ("北京二商王致和食品有限公司", "Beijing No. 2 Wangzhihe Food Co., Ltd.", "C", "1469"),
    ("中国石化润滑油有限公司", "Sinopec Lubricant Co., Ltd.", "C", "2511"),
]

SYNTHETIC_NAMES = [
    "杭州西子智能装备有限公司", "杭州钱塘新材料科技股份有限公司", "杭州云栖数据服务有限公司", "杭州湖畔生物医药有限公司",
    "杭州之江精密机械有限公司", "杭州运河物流集团有限公司", "合肥庐州电子科技有限公司", "芜湖江城汽车零部件有限公司",
    "安徽徽商环保工程有限公司", "合肥科大智造装备有限公司", "安徽皖江建材股份有限公司", "马鞍山钢城机械制造有限公司",
]


def _org(rng, name, region, *, name_en="", section="C", division="", registered=datetime.date(2005, 3, 1),
         employees=800, revenue=50000, assets=60000, muju="A"):
    org = Organization.objects.filter(name=name).first()
    if org:
        return org
    org = Organization(credit_code=uscc.generate(rng, region=region), name=name, name_en=name_en,
                       registered_on=registered, legal_form=LegalForm.COMPANY, industry_section=section,
                       industry_division=division, employees=employees, revenue_10k=revenue, assets_10k=assets,
                       muju_grade=muju if section == "C" else "", muju_year=2025,
                       excellence_model_since=datetime.date(2018, 1, 1), contact_name="质量部",
                       contact_phone="010-6000000", contact_email="quality@example.cn")
    org.full_clean()
    org.save()
    Certification.objects.create(organization=org, kind=Certification.Kind.ISO9001, number=f"CQC{rng.randint(10**7, 10**8)}",
                                 issuer="中国质量认证中心", valid_from=datetime.date(2020, 1, 1),
                                 valid_until=datetime.date(2028, 12, 31))
    return org


def demo_authority(program):
    """The authority demo applications report to: an industry authority, which every applicant of
    the program may choose (a district bureau takes only its own district's, Beijing art. 16)."""
    return (program.recommenders.filter(kind=Recommender.Kind.INDUSTRY_AUTHORITY).first()
            or program.recommenders.first())


def _round(program, edition, year, name_zh, name_en, deadline):
    """The round, created once through the service that keeps the program's cycle."""
    rnd = Round.objects.filter(program=program, edition=edition).first()
    if rnd is None:
        rnd = round_save(rnd=Round(program=program, edition=edition, year=year, name_zh=name_zh, name_en=name_en,
                                   application_deadline=deadline), actor=system_office_user())
    return rnd


DEMO_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")
REPORT_TEXT = ("本组织坚持以顾客为关注焦点，建立并持续改进卓越绩效管理体系。高层领导亲自推动质量战略，"
               "通过方针目标管理将战略分解到各部门，定期开展绩效评审和对标，形成了系统的改进与创新机制。") * 3


def fill_application(application, rep, *, complete=True):
    """Fill the form like an applicant would, through the same services as the web form."""
    application.refresh_from_db()
    org = application.organization
    basic = {k: v for k, v in drafts.initial_step_data(application, "basic").items()}
    basic.update(address=basic.get("address") or "示范路1号", contact_name="质量部 张工", contact_phone="0571-88000000",
                 contact_email="quality@example.cn", employees=str(org.employees or 500),
                 revenue_10k=str(org.revenue_10k or 30000), assets_10k=str(org.assets_10k or 40000))
    program = application.round.program
    if program.recommenders.exists() and not basic.get("recommender"):
        basic["recommender"] = str(demo_authority(program).pk)
    if program.tiers.count() > 1 and not basic.get("tier_applied"):
        basic["tier_applied"] = str(program.tiers.order_by("rank").first().pk)
    application, _ = drafts.draft_apply_step(application_id=application.pk, actor=rep, step="basic", data=basic,
                                             version=application.version)
    declarations = {r.params["key"]: "yes" for r in step_forms.declaration_rules(program)}
    application, _ = drafts.draft_apply_step(application_id=application.pk, actor=rep, step="declarations",
                                             data=declarations, version=application.version)
    if not complete:
        return application
    figures = {}
    for i, year in enumerate(step_forms.figure_years(application)):
        figures.update({f"revenue_10k_{year}": str(28000 + 2000 * i), f"profit_10k_{year}": str(2100 + 150 * i),
                        f"tax_10k_{year}": str(1500 + 90 * i), f"employees_{year}": str(480 + 10 * i),
                        f"rd_spend_10k_{year}": str(900 + 60 * i), f"quality_indicator_{year}": "一次交验合格率99.3%"})
    application, _ = drafts.draft_apply_step(application_id=application.pk, actor=rep, step="figures", data=figures,
                                             version=application.version)
    report = {step_forms.report_field_name(c): REPORT_TEXT for c in program.criteria.categories.all()}
    application, _ = drafts.draft_apply_step(application_id=application.pk, actor=rep, step="report", data=report,
                                             version=application.version)
    drafts.attachment_add(application_id=application.pk, actor=rep, upload=ContentFile(DEMO_PDF, name="质量管理体系证书.pdf"),
                          description="质量管理体系认证证书")
    drafts.commitment_sign(application_id=application.pk, actor=rep, signer_name="法定代表人", signer_title="董事长")
    return application


def _walk(application, actor_for, actions, tier=None):
    """Run `actions` through the services a user's click would run (owned ones by their owner)."""
    for action in actions:
        if action == A.SUBMIT:
            fill_application(application, actor_for(action))
            application_submit(application_id=application.pk, actor=actor_for(action))
            continue
        if action == A.RECOMMEND:
            recommendation_endorse(application_id=application.pk, actor=actor_for(action),
                                   opinion="经审核，该组织符合申报条件，同意推荐。",
                                   stamped_form=ContentFile(DEMO_PDF, name="推荐表（盖章）.pdf"))
            continue
        if action == A.RETURN:
            recommendation_return(application_id=application.pk, actor=actor_for(action), reason="演示数据")
            continue
        application_transition(application_id=application.pk, action=action, actor=actor_for(action),
                               reason="演示数据" if action in (A.RETURN, A.NOT_ADVANCE, A.NOT_SHORTLIST,
                                                             A.NOT_PROPOSE, A.MARK_INELIGIBLE) else "",
                               tier=tier if action == A.PROPOSE else None)


def _approve_all_rules(application, office):
    for result in eligibility_evaluate(application_id=application.pk, actor=office):
        if result.outcome != "pass":
            rule_result_decide(result_id=result.pk, decision="overridden", actor=office,
                               reason="演示：评审办核实材料后确认符合条件")


def load():
    rng = random.Random(19580)
    load_all_programs()
    office = ensure_user("office", Role.OFFICE, "王评审办", "office@example.cn", staff=True)
    applicant = ensure_user("applicant", Role.APPLICANT, "李申报", "applicant@example.cn")
    recommender = ensure_user("recommender", Role.RECOMMENDER, "赵推荐", "recommender@example.cn")
    far = timezone.now() + datetime.timedelta(days=365)
    _load_beijing_second_edition(rng, office, recommender, far)
    _load_beijing_open_round(rng, office, applicant, recommender)
    _load_hangzhou_open_round(rng, office)
    _load_anhui_eligibility_round(rng, office, recommender, far)


def _load_beijing_second_edition(rng, office, recommender, far):
    program = AwardProgram.objects.get(code="beijing")
    rnd = _round(program, 2, 2016, "第二届北京市人民政府质量管理奖", "2nd Beijing Municipal Government Quality Management Award", far)
    if rnd.phase != RoundPhase.SETUP:
        return
    authority = demo_authority(program)
    authority.members.add(recommender)
    tiers = list(program.tiers.order_by("rank"))
    rnd = round_set_phase_for_demo(rnd, RoundPhase.APPLICATIONS_OPEN)
    entries = [(w, tiers[0]) for w in BEIJING_WINNERS] + [(n, tiers[1]) for n in BEIJING_NOMINEES]
    applications = []
    for (name, name_en, section, division), tier in entries:
        org = _org(rng, name, "110108", name_en=name_en, section=section, division=division,
                   registered=datetime.date(1995, 6, 1))
        rep = ensure_user(f"bj{org.pk}", Role.APPLICANT, name[:10], f"bj{org.pk}@example.cn")
        Membership.objects.get_or_create(user=rep, organization=org, defaults={"role": Membership.Role.ADMIN})
        app = application_create(round_id=rnd.pk, organization_id=org.pk, actor=rep)
        app.recommender = authority
        app.save(update_fields=["recommender"])
        _walk(app, lambda a, rep=rep: rep if a == A.SUBMIT else recommender, [A.SUBMIT, A.RECOMMEND])
        applications.append((app, tier))
    for phase, actions in [
        (RoundPhase.ELIGIBILITY, None),
        (RoundPhase.MATERIAL_REVIEW, [A.START_MATERIAL_REVIEW, A.ADVANCE_TO_SITE_REVIEW]),
        (RoundPhase.SITE_REVIEW, [A.SHORTLIST]),
        (RoundPhase.DELIBERATION, [A.PROPOSE]),
        (RoundPhase.PUBLIC_NOTICE, [A.START_NOTICE]),
        (RoundPhase.APPROVAL, [A.APPROVE, A.AWARD]),
    ]:
        rnd = round_set_phase_for_demo(rnd, phase)
        for app, tier in applications:
            if actions is None:
                _approve_all_rules(app, office)
                _walk(app, lambda a: office, [A.MARK_ELIGIBLE])
            else:
                _walk(app, lambda a: office, actions, tier=tier)
    round_set_phase_for_demo(rnd, RoundPhase.CLOSED)
    # Replayed history: now give the round its real dates (deadline 2016-12-02, ceremony 2016-12-06).
    tz = timezone.get_current_timezone()
    Round.objects.filter(pk=rnd.pk).update(
        application_deadline=datetime.datetime(2016, 12, 2, 17, 0, tzinfo=tz),
        applications_open_on=datetime.date(2016, 9, 1), award_ceremony_on=datetime.date(2016, 12, 6))


def _load_beijing_open_round(rng, office, applicant, recommender):
    """An open Beijing round: the demo applicant's draft, and applications waiting for the recommender."""
    program = AwardProgram.objects.get(code="beijing")
    deadline = timezone.make_aware(datetime.datetime(timezone.now().year + 1, 3, 31, 17, 0))
    rnd = _round(program, 7, 2026, "2026年北京市人民政府质量管理奖（演示）",
                 "Beijing Municipal Government Quality Management Award 2026 (demo)", deadline)
    if rnd.phase != RoundPhase.SETUP:
        return
    rnd = round_set_phase_for_demo(rnd, RoundPhase.APPLICATIONS_OPEN)
    authority = demo_authority(program)
    authority.members.add(recommender)
    names = ["北京示范精工科技有限公司", "北京京城智慧医疗器械有限公司", "北京长安数字服务有限公司",
             "北京燕山新能源装备有限公司", "北京中轴线文化旅游发展有限公司"]
    plan = [None, [A.SUBMIT], [A.SUBMIT], [A.SUBMIT, A.RETURN], [A.SUBMIT, A.RECOMMEND]]
    for i, (name, actions) in enumerate(zip(names, plan, strict=True)):
        org = _org(rng, name, "110108", revenue=20000 + 4000 * i, registered=datetime.date(2009, 4, 1))
        rep = applicant if i == 0 else ensure_user(f"bjnew{org.pk}", Role.APPLICANT, f"申报人{i}",
                                                   f"bjnew{org.pk}@example.cn")
        Membership.objects.get_or_create(user=rep, organization=org, defaults={"role": Membership.Role.ADMIN})
        app = application_create(round_id=rnd.pk, organization_id=org.pk, actor=rep)
        if actions is None:
            fill_application(app, rep, complete=False)  # a draft half-way: two steps filled
            continue
        _walk(app, lambda a, rep=rep: rep if a == A.SUBMIT else recommender, actions)


def _load_hangzhou_open_round(rng, office):
    program = AwardProgram.objects.get(code="hangzhou")
    deadline = timezone.make_aware(datetime.datetime(timezone.now().year + 1, 3, 31, 17, 0))
    rnd = _round(program, 1, 2026, "2026年度杭州市政府质量奖", "Hangzhou Government Quality Award 2026", deadline)
    if rnd.phase != RoundPhase.SETUP:
        return
    rnd = round_set_phase_for_demo(rnd, RoundPhase.APPLICATIONS_OPEN)
    # Hangzhou has no recommending authorities: applicants file directly with the bureau (office).
    plan = [[], [A.SUBMIT], [A.SUBMIT, A.RETURN], [A.SUBMIT, A.RECOMMEND]]
    for i, actions in enumerate(plan):
        org = _org(rng, SYNTHETIC_NAMES[i], "330106", revenue=30000 + 5000 * i)
        rep = ensure_user(f"hz{org.pk}", Role.APPLICANT, f"申报人{i}", f"hz{org.pk}@example.cn")
        Membership.objects.get_or_create(user=rep, organization=org, defaults={"role": Membership.Role.ADMIN})
        app = application_create(round_id=rnd.pk, organization_id=org.pk, actor=rep)
        app.tier_applied = program.tiers.order_by("rank").first()
        app.save(update_fields=["tier_applied"])
        _walk(app, lambda a, rep=rep: rep if a == A.SUBMIT else office, actions)


def _load_anhui_eligibility_round(rng, office, recommender, far):
    program = AwardProgram.objects.get(code="anhui")
    rnd = _round(program, 1, 2026, "2026年安徽省政府质量奖", "Anhui Provincial Government Quality Award 2026", far)
    if rnd.phase != RoundPhase.SETUP:
        return
    rnd = round_set_phase_for_demo(rnd, RoundPhase.APPLICATIONS_OPEN)
    authority = demo_authority(program)
    authority.members.add(recommender)
    apps = []
    for i, name in enumerate(SYNTHETIC_NAMES[6:11]):
        registered = datetime.date(2025, 6, 1) if i == 4 else datetime.date(2008, 5, 1)
        org = _org(rng, name, "340104", registered=registered, muju="")
        rep = ensure_user(f"ah{org.pk}", Role.APPLICANT, f"申报人{i}", f"ah{org.pk}@example.cn")
        Membership.objects.get_or_create(user=rep, organization=org, defaults={"role": Membership.Role.ADMIN})
        app = application_create(round_id=rnd.pk, organization_id=org.pk, actor=rep)
        app.recommender = authority
        app.save(update_fields=["recommender"])
        _walk(app, lambda a, rep=rep: rep if a == A.SUBMIT else recommender, [A.SUBMIT, A.RECOMMEND])
        apps.append(app)
    rnd = round_set_phase_for_demo(rnd, RoundPhase.ELIGIBILITY)
    for app in apps:
        eligibility_evaluate(application_id=app.pk, actor=office)
    _approve_all_rules(apps[0], office)
    _walk(apps[0], lambda a: office, [A.MARK_ELIGIBLE])
    young = Application.objects.get(pk=apps[4].pk)
    for result in young.rule_results.filter(outcome="fail"):
        rule_result_decide(result_id=result.pk, decision="confirmed", actor=office,
                           reason="演示：注册未满3年，不符合申报条件")
    _walk(young, lambda a: office, [A.MARK_INELIGIBLE])
    # Fraud found during the review: disqualified at once, whatever the stage (Beijing art. 24 style).
    application_transition(application_id=apps[3].pk, action=A.DISQUALIFY, actor=office,
                           reason="演示：经核实，申报材料所附质量荣誉证书系伪造，取消评选资格。")
