"""Demo data of the cultivation app (loaded after the awards demo).

* Langfang's 百争创、千导入 campaign (004 §二) with the seed's figures: 1,211 organisations tracked
  adopting quality methods against a target of 1,000, 103 cultivated to apply against 100. The six
  Langfang organisations that applied to the 2026 round are among them, so "applied" is read from
  their applications; the rest of the register is imported at once (`campaigns.register_import`).
* Courses and on-site coaching (000): a Langfang course and a coaching session with attendance, an
  exchange meeting whose attendance is still to record (the office's to-do), and Beijing applicant
  training, one held and one to come, with the demo applicant's organisation enrolled.
* A Hangzhou cultivation grant (003 四(三), ≤ 200,000 yuan) through the awards ledger.

Every record goes through the services (audited); the dates are relative to today, like the
open rounds', except the grant, dated in 2025 like the awards demo's Hangzhou history.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from applications import uscc
from applications.models import AwardProgram, Membership, Organization
from award_portal.demo import ensure_user
from award_portal.roles import Role
from awards import funding
from awards.models import Payment

from . import campaigns, courses, grants
from .models import Campaign, Course, Method

LANGFANG_CAMPAIGN = "质量管理“百争创、千导入”活动"
DISTRICTS = [("131002", "廊坊安次"), ("131003", "廊坊广阳"), ("131022", "固安"), ("131023", "永清"),
             ("131024", "香河"), ("131025", "大城"), ("131026", "文安"), ("131028", "大厂"), ("131081", "霸州"),
             ("131082", "三河")]
WORDS = ["华信", "金桥", "润达", "恒通", "宏远", "正泰", "博达", "诚信", "新航", "瑞丰", "长城", "京南", "鑫源", "天成",
         "盛世", "嘉禾", "永安", "通达", "凯旋", "汇丰"]
TRADES = ["机械制造", "新材料", "食品", "建筑工程", "物流", "电子科技", "家具", "钢结构", "医药", "印刷包装", "电气设备", "商贸服务"]
#: How often each method appears in the register (an organisation adopts one or two).
METHOD_WEIGHTS = [(Method.QC_CIRCLE, 45), (Method.EXCELLENCE, 20), (Method.ISO9001, 15), (Method.LEAN, 12),
                  (Method.SIX_SIGMA, 5), (Method.BRAND, 3)]


def load():
    office = ensure_user("office", Role.OFFICE, "王评审办", "office@example.cn", staff=True)
    today = timezone.localdate()
    if not Campaign.objects.filter(name_zh=LANGFANG_CAMPAIGN).exists():
        campaign = _langfang_campaign(office, today)
        if campaign is not None:
            _langfang_courses(office, today, campaign)
            _beijing_courses(office, today)
    _hangzhou_grant(office)


def _langfang_campaign(office, today):
    program = AwardProgram.objects.filter(code="langfang").first()
    if program is None:
        return None
    starts = today - datetime.timedelta(days=330)
    campaign = campaigns.campaign_create(
        actor=office, program_id=program.pk, name_zh=LANGFANG_CAMPAIGN,
        name_en="“100 organisations striving, 1,000 adopting” quality campaign", starts_on=starts,
        ends_on=starts + datetime.timedelta(days=364), target_cultivated=100, target_adopting=1000)
    rng = random.Random(15)
    applicants = list(Organization.objects.filter(region_code__startswith="1310", applications__isnull=False)
                      .distinct().order_by("pk"))
    for i, org in enumerate(applicants):
        tracked = campaigns.organization_track(campaign_id=campaign.pk, actor=office, credit_code=org.credit_code,
                                               tracked_since=starts + datetime.timedelta(days=7 + i), cultivated=True,
                                               note="重点培育企业，已参加现场经验交流会")
        for method, day in _methods(rng, starts, today, first=Method.EXCELLENCE):
            campaigns.method_adopt(tracked_id=tracked.pk, actor=office, method=method, adopted_on=day)
    rows = []
    for code, since, cultivated, methods in _register(rng, starts, today, 1211 - len(applicants),
                                                      103 - len(applicants)):
        rows.append((code, since, since if cultivated else None, methods))
    campaigns.register_import(campaign_id=campaign.pk, actor=office, rows=rows)
    return campaign


def _methods(rng, starts, today, first=None):
    span = max((today - starts).days - 1, 1)
    methods = [first] if first else []
    pool = [m for m, _w in METHOD_WEIGHTS]
    weights = [w for _m, w in METHOD_WEIGHTS]
    while len(methods) < (1 if rng.random() < 0.7 else 2):
        pick = rng.choices(pool, weights)[0]
        if pick not in methods:
            methods.append(pick)
    return [(m, starts + datetime.timedelta(days=rng.randint(14, span))) for m in methods]


def _register(rng, starts, today, n, n_cultivated):
    """Organisations of the register (created here: the demo's applications hold only a few
    Langfang organisations), every one adopting a method, the first `n_cultivated` also cultivated."""
    taken = set(Organization.objects.values_list("credit_code", flat=True))
    orgs = []
    for i in range(n):
        region, district = DISTRICTS[i % len(DISTRICTS)]
        code = uscc.generate(rng, region=region)
        while code in taken:
            code = uscc.generate(rng, region=region)
        taken.add(code)
        name = f"{district}{WORDS[(i // 10) % len(WORDS)]}{TRADES[(i // 200) % len(TRADES)]}有限公司"
        orgs.append(Organization(credit_code=code, name=name, registered_on=datetime.date(2000 + i % 20, 1 + i % 12, 1),
                                 region_code=code[2:8], industry_section="C", address=f"{district}区示范路{i + 1}号"))
    Organization.objects.bulk_create(orgs, batch_size=500)
    for i, org in enumerate(orgs):
        yield org.credit_code, starts + datetime.timedelta(days=rng.randint(0, 60)), i < n_cultivated, \
            _methods(rng, starts, today)


def _langfang_courses(office, today, campaign):
    applicants = list(campaign.tracked.filter(organization__applications__isnull=False).distinct()
                      .select_related("organization").order_by("pk"))
    if not applicants:
        return
    first = courses.course_create(
        actor=office, kind=Course.Kind.COURSE, topic="卓越绩效模式导入培训（第一期）",
        held_on=today - datetime.timedelta(days=200), place="廊坊市市民服务中心三楼报告厅",
        trainer="全国质量奖评审专家 刘教授", capacity=60, campaign_id=campaign.pk)
    enrolments = []
    for t in applicants:
        for person in ("质量部经理", "总经理助理"):
            enrolments.append(courses.enrol(course_id=first.pk, organization_id=t.organization_id,
                                            person=f"{t.organization.name[:4]}{person}", actor=office))
    courses.attendance_record(course_id=first.pk, actor=office, attendance={
        str(e.pk): "absent" if i == 3 else "attended" for i, e in enumerate(enrolments)})
    host = applicants[min(1, len(applicants) - 1)].organization
    coaching = courses.course_create(
        actor=office, kind=Course.Kind.COACHING, topic="现场诊断与辅导：卓越绩效自评报告",
        held_on=today - datetime.timedelta(days=120), place=host.name, trainer="省政府质量奖评审专家组",
        capacity=15, campaign_id=campaign.pk, host_credit_code=host.credit_code)
    marks = {}
    for person in ("总经理", "质量总监", "卓越绩效推进办主任"):
        marks[str(courses.enrol(course_id=coaching.pk, organization_id=host.pk, person=person, actor=office).pk)] = \
            "attended"
    courses.attendance_record(course_id=coaching.pk, actor=office, attendance=marks)
    meeting = courses.course_create(
        actor=office, kind=Course.Kind.COURSE, topic="“推广卓越绩效、争创政府质量奖”现场经验交流会",
        held_on=today - datetime.timedelta(days=6), place="廊坊开发区会展中心", trainer="省政府质量奖获奖企业代表",
        capacity=80, campaign_id=campaign.pk)
    for t in applicants:
        courses.enrol(course_id=meeting.pk, organization_id=t.organization_id,
                      person=f"{t.organization.name[:4]}质量负责人", actor=office)


def _beijing_courses(office, today):
    applicant = ensure_user("applicant", Role.APPLICANT, "李申报", "applicant@example.cn")
    membership = Membership.objects.filter(user=applicant).select_related("organization").first()
    held = courses.course_create(
        actor=office, kind=Course.Kind.COURSE, topic="先进质量管理方法培训：QC小组活动与六西格玛",
        held_on=today - datetime.timedelta(days=60), place="北京市市场监管局培训中心", trainer="市政府质量管理奖专家库 张专家",
        capacity=100)
    coming = courses.course_create(
        actor=office, kind=Course.Kind.COURSE, topic="北京市人民政府质量管理奖申报培训（线上）",
        held_on=today + datetime.timedelta(days=12), place="线上直播", trainer="评审办 王评审办", capacity=200)
    if membership is None:
        return
    e = courses.enrol(course_id=held.pk, organization_id=membership.organization_id, person="李申报", actor=office)
    courses.attendance_record(course_id=held.pk, actor=office, attendance={str(e.pk): "attended"})
    courses.enrol(course_id=coming.pk, organization_id=membership.organization_id, person="李申报", actor=applicant)


def _hangzhou_grant(office):
    program = grants.programs_with_grant().filter(code="hangzhou").first()
    org = Organization.objects.filter(name="杭州云栖数据服务有限公司").first()
    if program is None or org is None or grants.grants([org.pk]).exists():
        return
    funding.incentives_load()
    approved_on = datetime.date(2025, 12, 18)
    payment = grants.cultivation_grant(
        program_id=program.pk, organization_id=org.pk, year=2025, actor=office, amount=Decimal("180000"),
        approved_on=approved_on, reference="杭州市卓越绩效模式培育机制评审通过（2025年）",
        note="根据实施卓越绩效模式的投入情况核定，不高于20万元。")
    funding.payment_mark_paid(payment_id=payment.pk, actor=office, paid_on=datetime.date(2026, 1, 20),
                              reference=f"杭财拨20260120-{payment.pk}")
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.make_aware(
        datetime.datetime.combine(approved_on, datetime.time(10))))
