"""Building blocks for the cultivation tests: a Hangzhou-like program paying the cultivation grant,
a campaign with tracked organisations, a course held yesterday and one to come, and a member of
a tracked organisation."""

import datetime
from decimal import Decimal

from django.utils import timezone

from applications.enums import ApplicationState
from applications.models import Membership
from award_portal.roles import Role
from awards.models import HonourKind, IncentiveRate
from cultivation import campaigns, courses
from tests.applications.factories import make_application, make_org, make_program, make_round


class Objects:
    pass


def hangzhou_like():
    program = make_program(region_code="330100", name_zh="测试杭州市政府质量奖")
    IncentiveRate.objects.create(program=program, code="cultivation", honour_kind=HonourKind.CULTIVATION,
                                 amount=Decimal("200000"), is_cap=True, line="excellence_model",
                                 source_article="四(三) 不高于20万元")
    return program


def setup(make_user, *, n_orgs=3):
    o = Objects()
    o.office = make_user(Role.OFFICE)
    o.program = hangzhou_like()
    today = timezone.localdate()
    o.campaign = campaigns.campaign_create(
        actor=o.office, program_id=o.program.pk, name_zh="百争创、千导入", name_en="100 apply, 1,000 adopt",
        starts_on=today - datetime.timedelta(days=300), ends_on=today + datetime.timedelta(days=60),
        target_cultivated=100, target_adopting=1000)
    o.orgs = [make_org(region="330106") for _ in range(n_orgs)]
    o.tracked = [campaigns.organization_track(campaign_id=o.campaign.pk, actor=o.office, credit_code=org.credit_code,
                                              tracked_since=today - datetime.timedelta(days=200), cultivated=i == 0)
                 for i, org in enumerate(o.orgs)]
    o.adoption = campaigns.method_adopt(tracked_id=o.tracked[0].pk, actor=o.office, method="qc_circle",
                                        adopted_on=today - datetime.timedelta(days=100))
    o.past = courses.course_create(actor=o.office, kind="course", topic="卓越绩效模式导入培训",
                                   held_on=today - datetime.timedelta(days=1), place="市民中心", trainer="张老师",
                                   capacity=2, campaign_id=o.campaign.pk)
    o.future = courses.course_create(actor=o.office, kind="coaching", topic="现场诊断", place="企业现场",
                                     held_on=today + datetime.timedelta(days=10), trainer="李专家", capacity=5,
                                     host_credit_code=o.orgs[0].credit_code)
    o.enrolment = courses.enrol(course_id=o.past.pk, organization_id=o.orgs[0].pk, person="王五", actor=o.office)
    o.member = make_user(Role.APPLICANT)
    Membership.objects.create(user=o.member, organization=o.orgs[0], role=Membership.Role.ADMIN)
    return o


def applied(org, *, state=ApplicationState.SUBMITTED, days_ago=10):
    rnd = make_round(make_program())
    app = make_application(rnd, org, state=state)
    type(app).objects.filter(pk=app.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=days_ago))
    return app
