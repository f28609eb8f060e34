"""Demo data for the review: the expert pool, conflicts of interest, and a round in material review
with a supervised draw, a declined invitation and its replacement, and expert groups.

The pool is Beijing's, with experts Tianjin and Hebei share (the Beijing–Tianjin–Hebei pool
sharing of the 2nd-edition report). The round in material review is Langfang's 2026 round: the
other demo rounds are open, in eligibility review or closed, and a Beijing round cannot be in
review while the biennial program's next round is open. Langfang (Hebei) draws its own experts
and shared ones from Beijing and Tianjin — the demo expert `expert` (陈建国) among them: the only
shared expert in the power and gas field (GB/T 4754 section D) that one Langfang applicant needs,
so the per-section minimum of the draw takes him whatever the supervisor's number.

Everything goes through the services (audited); dates are then set into the round's time (draw,
answers, groups, signatures). Loads once: a second run finds the pool and the round and returns.
"""

import datetime
import random

from django.utils import timezone

from applications import uscc
from applications.demo import _approve_all_rules, _at, _org, _redate, _round, _walk, demo_authority
from applications.enums import Action, RoundPhase
from applications.models import Application, AwardProgram, Membership, Organization, Round
from applications.routing import round_date
from applications.services import application_create, round_set_phase_for_demo
from award_portal.audit import audit_record
from award_portal.demo import ensure_user
from award_portal.roles import Role

from . import assignment, conflicts, draws, experts
from .models import (
    Conflict,
    CorporateGroup,
    CorporateGroupMember,
    DrawnExpert,
    Expert,
    ExpertDraw,
    ExpertGroup,
    Relationship,
    ReviewerCommitment,
    ReviewSettings,
    Stage,
)

A = Action

#: (program code, min, max, applications per group, partner regions)
SETTINGS = [
    ("beijing", 3, 5, 3, "12,13"),
    ("langfang", 3, 5, 3, "11,12"),
    ("hangzhou", 3, 5, 4, ""),
    ("anhui", 3, 5, 4, ""),
]

# Langfang's 2026 applicants: (name, region, section, division). The first two belong to one
# group of companies (华夏能源集团).
LANGFANG_APPLICANTS = [
    ("廊坊华夏燃气有限公司", "131003", "D", "4511"),
    ("廊坊华夏能源装备制造有限公司", "131003", "C", "3441"),
    ("固安京南精密机械股份有限公司", "131022", "C", "3484"),
    ("廊坊开发区新航智能装备有限公司", "131002", "C", "3490"),
    ("霸州市津霸钢木家具有限公司", "131081", "C", "2110"),
    ("廊坊云谷数据科技有限公司", "131002", "I", "6450"),
]
CORPORATE_GROUP = "华夏能源集团"

EXPERT_LOGIN = "expert"

# The pool: (key, name, title, expertise, region, shared, can_lead, employer, employer code key,
# qualifications). An employer code key names a demo organisation (its credit code is used: a
# derived conflict) or, prefixed "@", a region for a code of its own.
POOL = [
    # Beijing
    ("chen", "陈建国", "教授级高级工程师", "CD", "110108", True, True, "北京能源装备研究院", "@110108",
     "电力与燃气装备质量管理；GB/T 19580 评价准则宣贯讲师"),
    ("liu", "刘志强", "研究员", "CI", "110108", True, True, "中国标准化研究院", "@110108",
     "卓越绩效模式、标准化；全国质量奖评审员"),
    ("zhang", "张秀英", "教授级高级工程师", "C", "110105", True, False, "首都航天机械有限公司", "首都航天机械有限公司",
     "航天制造质量与可靠性工程"),
    ("wang", "王立新", "教授", "CM", "110108", False, True, "北京航空航天大学", "@110108",
     "质量工程、六西格玛；博士生导师"),
    ("li", "李红梅", "研究员", "IJ", "110102", False, False, "北京银行股份有限公司", "北京银行股份有限公司",
     "金融信息系统质量与风险管理"),
    ("zhao", "赵明", "高级工程师", "CE", "110106", True, False, "北京城建三建设发展有限公司", "北京城建三建设发展有限公司",
     "工程建设质量管理"),
    ("sun", "孙丽华", "教授", "CG", "110101", True, True, "对外经济贸易大学", "@110105",
     "供应链与物流质量管理"),
    ("zhou", "周海涛", "教授级高级工程师", "C", "110115", False, False, "北京汽车集团有限公司", "@110115",
     "汽车制造质量体系（IATF 16949）"),
    ("wu", "吴晓燕", "研究员", "CQ", "110102", False, False, "拜耳医药保健有限公司", "拜耳医药保健有限公司",
     "药品生产质量管理规范（GMP）"),
    ("zheng", "郑国平", "高级经济师", "FL", "110101", True, False, "北京质量协会", "@110101",
     "服务质量与顾客满意度测评"),
    ("ma", "马俊峰", "教授级高级工程师", "CI", "110108", True, True, "中国电子技术标准化研究院", "@110108",
     "电子信息产品质量与软件测评"),
    ("hu", "胡文静", "高级工程师", "C", "110114", False, False, "北京燕山石化质量检验中心", "@110114",
     "石化产品质量检验（未参加考试）"),
    ("gao", "高振宇", "高级工程师", "CE", "110105", False, False, "北京建工集团有限责任公司", "@110105",
     "建筑施工质量（因违反评审纪律暂停）"),
    ("lin", "林晓东", "研究员", "CN", "110108", False, False, "中国环境科学研究院", "@110108",
     "环境管理体系与绿色制造"),
    # Tianjin (shared)
    ("tj1", "杨宏伟", "教授", "CG", "120104", True, True, "天津大学", "@120104", "工业工程与质量管理"),
    ("tj2", "徐静", "教授级高级工程师", "CI", "120116", True, False, "天津滨海新区质量技术研究院", "@120116",
     "智能制造与工业软件"),
    ("tj3", "何志刚", "高级工程师", "C", "120110", True, False, "天津港保税区质量协会", "@120110",
     "装备制造质量（曾为廊坊企业提供咨询）"),
    ("tj4", "冯雪", "高级工程师", "GI", "120101", True, False, "天津市标准化研究院", "@120101", "物流与信息服务标准化"),
    # Hebei
    ("hb1", "韩立军", "教授级高级工程师", "C", "131003", False, True, "廊坊华夏能源装备制造有限公司",
     "廊坊华夏能源装备制造有限公司", "压力容器与能源装备制造"),
    ("hb2", "曹玉兰", "高级工程师", "CI", "131002", False, False, "廊坊市质量技术服务中心", "@131002",
     "质量管理体系审核"),
    ("hb3", "许东升", "教授", "CG", "130102", True, True, "河北工业大学", "@130105", "制造业质量管理与精益生产"),
    ("hb4", "邓晓红", "研究员", "CI", "130104", True, False, "河北省标准化研究院", "@130104", "标准化与信息技术"),
    ("hb5", "彭国庆", "高级工程师", "CM", "130602", False, False, "保定市质量技术监督检验所", "@130602",
     "机械产品检验检测"),
    ("hb6", "曾凡华", "高级工程师", "C", "131081", False, False, "霸州市家具产业质量检测中心", "@131081",
     "家具与木制品质量"),
    ("hb7", "蒋丽", "高级经济师", "CL", "130102", False, False, "河北省质量协会", "@130102", "卓越绩效自评价辅导"),
    ("hb8", "谢宏", "教授级高级工程师", "CI", "131002", False, True, "华北航天工业学院", "@131002",
     "航天装备与软件质量"),
    ("hb9", "唐振东", "高级工程师", "CG", "130203", False, False, "唐山市质量和标准化研究院", "@130203", "钢铁及物流质量"),
    ("hb10", "董文博", "高级工程师", "CI", "130105", False, False, "石家庄市质量协会", "@130105", "质量管理小组活动"),
    ("hb11", "宋佳", "工程师", "C", "131003", False, False, "廊坊市计量测试所", "@131003", "计量与测量管理（未考试合格）"),
    ("hb12", "魏东", "高级工程师", "CI", "131002", False, False, "廊坊市经济技术开发区管委会", "@131002",
     "产业园区质量服务（申请入库，待审核）"),
]

NOT_EXAMINED = {"hu"}          # trained, not examined yet
FAILED = {"hb11"}              # examined, failed
SUSPENDED = {"gao": "2026年6月某评审活动中接受申报组织安排的宴请，违反评审纪律（北京办法第二十五条），暂停评审资格一年。"}
APPLIED = {"hb12"}             # applied through the form, awaiting the office
UNAVAILABLE = {"lin": "2026年11月至12月在国外学术交流"}


def _days(n):
    return timezone.localdate() - datetime.timedelta(days=n)


def _email(key):
    return "expert@example.cn" if key == "chen" else f"{key}.expert@example.cn"


def load():
    office = ensure_user("office", Role.OFFICE, "王评审办", "office@example.cn", staff=True)
    supervisor = ensure_user("supervisor", Role.SUPERVISOR, "吴监督", "supervisor@example.cn")
    demo_expert = ensure_user(EXPERT_LOGIN, Role.EXPERT, "陈建国", "expert@example.cn")
    _settings()
    rng = random.Random(4754)
    rnd = _langfang_round(rng, office)
    pool = _pool(rng, office, demo_expert)
    if pool is None:
        return  # loaded before
    _conflicts(pool, rnd, office)
    _draw_and_groups(rnd, pool, office, supervisor)
    _scores(rnd, pool)
    _bigdata_feedback(rnd, office)


def _settings():
    for code, low, high, per_group, partners in SETTINGS:
        program = AwardProgram.objects.filter(code=code).first()
        if program is not None:
            ReviewSettings.objects.get_or_create(program=program, defaults={
                "min_group_size": low, "max_group_size": high, "applications_per_group": per_group,
                "partner_regions": partners})


# --- The round in material review -----------------------------------------------------------

def _langfang_round(rng, office):
    """Langfang's 2026 round: opened in June, recommended in August, checked in September and
    October, in material review since the start of November."""
    program = AwardProgram.objects.get(code="langfang")
    opens_on = _days(180)
    deadline_day = _days(110)
    recommendation_day = _days(96)
    eligibility_day = _days(32)
    review_start = _days(28)
    far = timezone.now() + datetime.timedelta(days=365)
    rnd = _round(program, 1, 2026, "2026年廊坊市政府质量奖（示例）", "Langfang Municipal Government Quality Award 2026 (sample)",
                 far, opens_on)
    if rnd.phase != RoundPhase.SETUP:
        return rnd
    recommender = ensure_user("lfrecommender", Role.RECOMMENDER, "钱推荐", "lfrecommender@example.cn")
    rnd = round_set_phase_for_demo(rnd, RoundPhase.APPLICATIONS_OPEN)
    apps = []
    for i, (name, region, section, division) in enumerate(LANGFANG_APPLICANTS):
        org = _org(rng, name, region, section=section, division=division, registered=datetime.date(2006 + i, 4, 1),
                   employees=300 + 150 * i, revenue=25000 + 6000 * i, assets=30000 + 5000 * i)
        authority = demo_authority(program, on=round_date(rnd), organization=org)
        authority.members.add(recommender)
        rep = ensure_user(f"lf{org.pk}", Role.APPLICANT, f"申报人{i}", f"lf{org.pk}@example.cn")
        Membership.objects.get_or_create(user=rep, organization=org, defaults={"role": Membership.Role.ADMIN})
        app = application_create(round_id=rnd.pk, organization_id=org.pk, actor=rep)
        _walk(app, lambda a, rep=rep: rep, [A.SUBMIT])
        apps.append(app)
    rnd = round_set_phase_for_demo(rnd, RoundPhase.RECOMMENDATION)
    for app in apps:
        _walk(app, lambda a: recommender, [A.RECOMMEND])
    rnd = round_set_phase_for_demo(rnd, RoundPhase.ELIGIBILITY)
    for app in apps:
        _approve_all_rules(app, office)
        _walk(app, lambda a: office, [A.MARK_ELIGIBLE])
    rnd = round_set_phase_for_demo(rnd, RoundPhase.MATERIAL_REVIEW)
    for app in apps:
        _walk(app, lambda a: office, [A.START_MATERIAL_REVIEW])
    Round.objects.filter(pk=rnd.pk).update(
        application_deadline=_at(deadline_day, 17), recommendation_deadline=recommendation_day,
        eligibility_deadline=eligibility_day, material_review_deadline=_days(-21),
        site_review_deadline=_days(-70), award_ceremony_on=_days(-120))
    _redate(rnd, {
        RoundPhase.APPLICATIONS_OPEN: (_at(opens_on), _at(deadline_day, 16)),
        RoundPhase.RECOMMENDATION: (_at(deadline_day + datetime.timedelta(days=1)), _at(recommendation_day, 17)),
        RoundPhase.ELIGIBILITY: (_at(recommendation_day + datetime.timedelta(days=1)), _at(eligibility_day, 17)),
        RoundPhase.MATERIAL_REVIEW: (_at(review_start), _at(review_start, 11)),
    })
    rnd.refresh_from_db()
    return rnd


# --- The pool -------------------------------------------------------------------------------

def _pool(rng, office, demo_user):
    """~30 experts: invited by the office (one applied through the form), trained, examined
    (two not), approved; one suspended; the demo login is 陈建国's. Returns {key: Expert}, or
    None when the pool was loaded before."""
    if Expert.objects.filter(email=_email("chen")).exists():
        return None
    orgs = {o.name: o for o in Organization.objects.all()}
    pool = {}
    for key, name, title, expertise, region, shared, can_lead, employer, code_key, quals in POOL:
        if code_key.startswith("@"):
            code = uscc.generate(rng, region=code_key[1:], prefix=rng.choice(["12", "91"]))
        else:
            code = orgs[code_key].credit_code
        fields = dict(name=name, email=_email(key), expertise=expertise, region_code=region, title=title,
                      phone=f"1{rng.randint(3, 8)}{rng.randint(100000000, 999999999)}", qualifications=quals,
                      employer=employer, employer_credit_code=code,
                      employed_since=datetime.date(rng.randint(2000, 2018), rng.choice([3, 7, 9]), 1))
        if key in APPLIED:
            expert = experts.expert_apply(**fields)
        else:
            expert = experts.expert_invite(actor=office, **fields)
        pool[key] = expert
        if shared or can_lead:
            _office_sets(expert, office, shared=shared, can_lead=can_lead)
    # A past employer: 韩立军 left 廊坊市质量技术服务中心 for 华夏能源装备 in 2019 (no conflict left).
    pool["hb1"].employments.create(employer="廊坊市质量技术服务中心", credit_code=uscc.generate(rng, region="131002"),
                                   position="副主任", started_on=datetime.date(2009, 3, 1),
                                   ended_on=datetime.date(2019, 2, 28))
    course = {"11": "北京市政府质量管理奖评审员培训班", "12": "天津市质量奖评审员培训班",
              "13": "河北省政府质量奖评审员培训班"}
    for key, expert in pool.items():
        if key in APPLIED:
            continue
        province = expert.region_code[:2]
        trained_on = datetime.date(2025, 3, 10) + datetime.timedelta(days=30 * (int(province) - 11))
        experts.training_record(expert_id=expert.pk, actor=office, kind="training", held_on=trained_on,
                                title=f"{course[province]}（2025年）", passed=True)
        if key in NOT_EXAMINED:
            continue
        passed = key not in FAILED
        experts.training_record(expert_id=expert.pk, actor=office, kind="examination",
                                held_on=trained_on + datetime.timedelta(days=4), title="评审员资格考试",
                                passed=passed, score=rng.randint(76, 96) if passed else 52)
    for key, expert in pool.items():
        if key in APPLIED:
            continue
        if key == "chen":
            # The demo login: the profile is linked to the existing account before approval.
            Expert.objects.filter(pk=expert.pk).update(user=demo_user)
        experts.expert_approve(expert_id=expert.pk, actor=office)
    for key, reason in SUSPENDED.items():
        experts.expert_suspend(expert_id=pool[key].pk, actor=office, reason=reason)
    return {key: Expert.objects.get(pk=e.pk) for key, e in pool.items()}


def _office_sets(expert, office, **fields):
    """The office's settings on a profile: shared with partner regions, may lead a group."""
    before = {k: getattr(expert, k) for k in fields}
    Expert.objects.filter(pk=expert.pk).update(**fields)
    expert.refresh_from_db()
    audit_record(action="review.expert_settings", obj=expert, actor=office, before=before, after=fields)


# --- Conflicts --------------------------------------------------------------------------------

def _conflicts(pool, rnd, office):
    orgs = {o.name: o for o in Organization.objects.filter(name__in=[a[0] for a in LANGFANG_APPLICANTS])}
    group = CorporateGroup.objects.create(name=CORPORATE_GROUP)
    for name in LANGFANG_APPLICANTS[0][0], LANGFANG_APPLICANTS[1][0]:
        CorporateGroupMember.objects.create(group=group, credit_code=orgs[name].credit_code)
    consulted = orgs["固安京南精密机械股份有限公司"]
    Relationship.objects.create(expert=pool["tj3"], kind=Relationship.Kind.CONSULTING,
                                credit_code=consulted.credit_code, organization_name=consulted.name,
                                started_on=datetime.date(2024, 9, 1), ended_on=datetime.date(2025, 6, 30),
                                note="为其导入卓越绩效管理模式提供咨询（合同期10个月）")
    for key, note in UNAVAILABLE.items():
        experts.availability_set(expert=pool[key], round_id=rnd.pk, available=False, note=note)
    conflicts.conflicts_recompute_for([e.pk for e in pool.values()])
    # 马俊峰 declares that his spouse works at the data company.
    cloud = orgs["廊坊云谷数据科技有限公司"]
    conflicts.conflict_declare(expert=pool["ma"], organization_id=cloud.pk, actor=pool["ma"].user,
                               detail="本人配偶在该公司技术部任职。")
    # 韩立军 works for the equipment maker: the same group as the gas company. The office finds
    # he has nothing to do with the gas company and dismisses that derived conflict.
    sibling = Conflict.objects.get(expert=pool["hb1"], organization=orgs[LANGFANG_APPLICANTS[0][0]],
                                   reason=Conflict.Reason.CORPORATE_GROUP)
    conflicts.conflict_dismiss(
        conflict_id=sibling.pk, actor=office,
        reason="华夏能源装备与华夏燃气虽同属华夏能源集团，但为独立法人，无股权、业务和人员往来；"
               "韩立军不参与集团层面管理。经评审办核实，排除该项关联。")
    start = _at(_days(40), 10)
    Conflict.objects.filter(expert__in=pool.values()).update(created_at=start)
    Conflict.objects.filter(pk=sibling.pk).update(dismissed_at=start + datetime.timedelta(days=3, hours=5))
    Conflict.objects.filter(source=Conflict.Source.DECLARED, expert=pool["ma"]).update(
        created_at=start + datetime.timedelta(days=8))


# --- The draw and the groups -------------------------------------------------------------------

SUPERVISOR_NUMBERS = ("20261103", "1107")  # the supervisor's numbers at the draw and the replacement draw


def _draw_and_groups(rnd, pool, office, supervisor):
    stage = Stage.MATERIAL
    if ExpertDraw.objects.filter(round=rnd, stage=stage).exists():
        return
    demo = pool["chen"]
    by_id = {e.pk: e for e in pool.values()}
    draw = draws.draw_freeze(round_id=rnd.pk, stage=stage, actor=office)
    draw = draws.draw_run(draw_id=draw.pk, public_input=SUPERVISOR_NUMBERS[0], actor=supervisor)
    assert demo.pk in draw.result, "the demo expert is the only section D candidate: the draw must take him"
    rows = list(draw.drawn.order_by("position"))
    decliner = next(r for r in rows if r.expert_id != demo.pk and by_id[r.expert_id].province == "13")
    for row in rows:
        expert = by_id[row.expert_id]
        if row.pk == decliner.pk:
            draws.drawn_respond(drawn_id=row.pk, accept=False, actor=expert.user,
                                reason="同期承担省级标准审定任务，无法保证材料评审时间，申请回避本轮。")
        else:
            draws.drawn_respond(drawn_id=row.pk, accept=True, actor=expert.user)
    count, per_section = draws.replacement_constraints(draw)
    replacement = draws.draw_freeze(round_id=rnd.pk, stage=stage, actor=office, count=count,
                                    per_section=per_section, replaces_id=draw.pk)
    replacement = draws.draw_run(draw_id=replacement.pk, public_input=SUPERVISOR_NUMBERS[1], actor=supervisor)
    assert replacement.result, "a replacement must be drawn"
    for row in replacement.drawn.all():
        draws.drawn_respond(drawn_id=row.pk, accept=True, actor=by_id[row.expert_id].user)
    proposal = assignment.propose(rnd, stage)
    groups = assignment.groups_apply(round_id=rnd.pk, stage=stage, proposal=proposal.as_dict(), actor=office)
    members = [m for g in groups for m in g.members.select_related("expert")]
    assert any(m.expert_id == demo.pk for m in members), "the demo expert sits in a group"
    for member in members:
        experts.commitment_sign(expert=member.expert, round_id=rnd.pk, ip="10.1.20.31")
    _date_review(rnd, draw, replacement, groups)


def _date_review(rnd, draw, replacement, groups):
    """The draw two days into material review, answers over the next two days, the replacement
    on the fourth, groups on the sixth, commitment letters signed the day after."""
    day = _days(26)
    ExpertDraw.objects.filter(pk=draw.pk).update(frozen_at=_at(day, 9, 30), drawn_at=_at(day, 10, 5))
    for i, row in enumerate(DrawnExpert.objects.filter(draw=draw).order_by("position")):
        DrawnExpert.objects.filter(pk=row.pk).update(
            responded_at=_at(day + datetime.timedelta(days=1 + i % 2), 9 + i % 8, 10 * (i % 6)))
    later = day + datetime.timedelta(days=3)
    ExpertDraw.objects.filter(pk=replacement.pk).update(frozen_at=_at(later, 14), drawn_at=_at(later, 14, 20))
    DrawnExpert.objects.filter(draw=replacement).update(responded_at=_at(later, 16, 45))
    formed = day + datetime.timedelta(days=5)
    ExpertGroup.objects.filter(pk__in=[g.pk for g in groups]).update(created_at=_at(formed, 15))
    ReviewerCommitment.objects.filter(round=rnd).update(signed_at=_at(formed + datetime.timedelta(days=1), 8, 40))
    # Pins what `make run` shows: the expert's applications are those of the groups just formed.
    assert Application.objects.filter(review_assignments__group__in=groups).exists()


# --- Scores ---------------------------------------------------------------------------------------

#: Each Langfang applicant's underlying level (percentage), in the order of LANGFANG_APPLICANTS.
APPLICANT_LEVELS = [62, 55, 48, 66, 40, 58]
LENIENT = 15  # percentage points the lenient expert adds to every item


def _scores(rnd, pool):
    """Every member of the material-review groups but the demo expert (who scores in the browser)
    scores and submits through the scoring services, so the office sees a ranking and the
    guidance group statistics. The first non-leader of the first group is lenient (+15 points on
    every item); one item of one application is far apart and its group's leader records a
    consensus score."""
    from applications.models import Item

    from . import aggregation, scoring
    from .models import GroupMember, Scorecard

    if Scorecard.objects.filter(application__round=rnd).exists():
        return
    demo = pool["chen"]
    rng = random.Random(19580)
    items = list(Item.objects.filter(category__version_id=rnd.program.criteria_id).order_by("pk"))
    names = [n for n, *_rest in LANGFANG_APPLICANTS]
    groups = list(ExpertGroup.objects.filter(round=rnd, stage=Stage.MATERIAL).order_by("number"))
    lenient = None
    disputed = None
    for group in groups:
        members = list(GroupMember.objects.filter(group=group).select_related("expert").order_by("expert_id"))
        if lenient is None:
            lenient = next((m.expert_id for m in members if not m.is_leader and m.expert_id != demo.pk), None)
        links = list(group.assignments.select_related("application__organization", "application__round__program"))
        for link in links:
            app = link.application
            level = APPLICANT_LEVELS[names.index(app.organization.name)] if app.organization.name in names else 50
            for member in members:
                if member.expert_id == demo.pk:
                    continue
                bias = LENIENT if member.expert_id == lenient else rng.choice([-5, 0, 0, 5])
                values = {}
                for item in items:
                    p = level + bias + rng.choice([-10, -5, 0, 0, 5, 10])
                    values[item.pk] = {"percent": max(0, min(100, 5 * round(p / 5)))}
                if disputed is None and not member.is_leader:
                    disputed = (app, items[0], member.expert)
                if disputed is not None and disputed[0].pk == app.pk and member.expert_id == disputed[2].pk:
                    values[items[0].pk]["percent"] = max(0, min(100, 5 * round((level + 35) / 5)))
                card = scoring.scorecard_for(member.expert, app, Stage.MATERIAL)
                card = scoring.scorecard_save(scorecard_id=card.pk, expert=member.expert, version=card.version,
                                              items=values)
                scoring.scorecard_submit(scorecard_id=card.pk, expert=member.expert, version=card.version)
    if disputed is not None:
        app, item, _expert = disputed
        leader = GroupMember.objects.filter(is_leader=True, group__stage=Stage.MATERIAL,
                                            group__assignments__application=app).select_related("expert__user").first()
        if leader is not None and leader.expert_id != demo.pk and leader.expert.user is not None:
            level = APPLICANT_LEVELS[names.index(app.organization.name)] if app.organization.name in names else 50
            aggregation.consensus_record(
                application_id=app.pk, stage=Stage.MATERIAL, item_id=item.pk, percent=5 * round(level / 5),
                reason="组内复议：对照现场证据，领导作用的方法已系统展开，但高层绩效评审尚未覆盖全部子公司，统一按此分值。",
                actor=leader.expert.user)


# --- Big-data feedback beside the scorecards ----------------------------------------------------

def _bigdata_feedback(rnd, office):
    """Public records of the Langfang applicants (registered after the big-data demo ran), the
    round's screening and the program's evaluation: the panel beside each scorecard has data,
    and one applicant's 较大 accident shows as a warning for the experts and the office."""
    from bigdata.demo import _csv
    from bigdata.models import RecordSource, Run
    from bigdata.services import records_import, run_start

    if Run.objects.filter(round=rnd).exists():
        return
    rng = random.Random(19580)
    day = lambda n: (timezone.localdate() - datetime.timedelta(days=n)).isoformat()  # noqa: E731
    rows = {"credit-rating": [], "media-report": [], "spot-check": [], "accident": []}
    orgs = list(Organization.objects.filter(applications__round=rnd).order_by("pk").distinct())
    for i, org in enumerate(orgs):
        base = {"credit_code": org.credit_code, "org_name": org.name}
        rows["credit-rating"].append({**base, "source_record_id": f"LF-CR-{org.pk}", "occurred_on": day(180),
                                      "grade": rng.choice(["AAA", "AA", "A"]), "authority": "中诚信"})
        for k in range(2):
            rows["media-report"].append({**base, "source_record_id": f"LF-MED-{org.pk}-{k}", "occurred_on": day(60 + 90 * k),
                                         "grade": rng.choice(["正面", "正面", "中性"]), "title": f"{org.name}相关报道",
                                         "authority": "河北日报"})
        rows["spot-check"].append({**base, "source_record_id": f"LF-SC-{org.pk}", "occurred_on": day(240),
                                   "grade": "合格", "title": "产品质量监督抽查", "authority": "河北省市场监督管理局"})
        if i == len(orgs) - 1:
            rows["accident"].append({**base, "source_record_id": f"LF-ACC-{org.pk}", "occurred_on": day(400),
                                     "grade": "较大", "deaths": "0", "title": "生产安全事故",
                                     "authority": "廊坊市应急管理局"})
    for code, source_rows in rows.items():
        source = RecordSource.objects.get(code=code)
        records_import(source=source, data=_csv(source, source_rows), file_name=f"{code}-langfang-demo.csv", actor=office)
    run_start(program=rnd.program, actor=office, round=rnd)
    run_start(program=rnd.program, actor=office, kind=Run.Kind.EVALUATION)
