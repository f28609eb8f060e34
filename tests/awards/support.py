"""Building blocks for the awards tests: a round whose proposed winners went through their public
notice (published by the notices app's own service, in the past), now in the approval phase."""

import datetime
from decimal import Decimal

from django.core.cache import cache
from django.utils import timezone

from applications.enums import ApplicationState, NoticeStage, RoundPhase
from applications.models import Membership, ProgramNoticeStage, Round
from applications.services import system_office_user
from award_portal.roles import Role
from notices.publication import notice_publish
from tests.applications.factories import make_application, make_org, make_program, make_round, make_tier

S = ApplicationState


class Objects:
    pass


def approval_round(*, n_award=2, n_nomination=1, notice_days_ago=30, region="110000", org_region="110108",
                   prize=Decimal("2000000"), prize_is_cap=False):
    """A Beijing-like program (proposed winners noticed 5 working days), a round in approval whose
    notice ended (started `notice_days_ago` days ago; None: starts today, still running)."""
    Round.objects.none()
    program = make_program(issuing_government="北京市人民政府", region_code=region, name_zh="测试市质量管理奖")
    ProgramNoticeStage.objects.create(program=program, stage=NoticeStage.PROPOSED_WINNERS, working_days=5)
    award = make_tier(program, quota=5, rank=1, code="award", name_zh="质量管理奖", name_en="Quality Award",
                      prize_amount=prize, prize_is_cap=prize_is_cap)
    nomination = make_tier(program, quota=5, rank=2, code="nomination", name_zh="提名奖", name_en="Nomination")
    rnd = make_round(program, phase=RoundPhase.PUBLIC_NOTICE, deadline=timezone.now() - datetime.timedelta(days=200),
                     name_en="Test round")
    apps = [make_application(rnd, make_org(region=org_region), state=S.PROPOSED, tier=award) for _ in range(n_award)]
    apps += [make_application(rnd, make_org(region=org_region), state=S.PROPOSED, tier=nomination)
             for _ in range(n_nomination)]
    cache.clear()
    starts = None if notice_days_ago is None else timezone.localdate() - datetime.timedelta(days=notice_days_ago)
    notice_publish(round_id=rnd.pk, stage=NoticeStage.PROPOSED_WINNERS, actor=system_office_user(),
                   starts_on=starts, historical=starts is not None)
    Round.objects.filter(pk=rnd.pk).update(phase=RoundPhase.APPROVAL)  # test setup: the phase itself
    rnd.refresh_from_db()
    o = Objects()
    o.program, o.round, o.award, o.nomination = program, rnd, award, nomination
    o.apps = [type(a).objects.get(pk=a.pk) for a in apps]
    return o


def member(make_user, application):
    user = make_user(Role.APPLICANT)
    Membership.objects.create(user=user, organization=application.organization, role=Membership.Role.ADMIN)
    return user


def conferred(office, o, *, days_ago=2):
    """Approve, publish the decision and confer, through the services."""
    from awards.approval import approval_record, award_confer
    from awards.decisions import decision_publish

    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    approval_record(round_id=o.round.pk, actor=office, approving_body="北京市人民政府", approved_on=day,
                    application_ids=[a.pk for a in o.apps], document_number="京政字〔2026〕1号")
    decision = decision_publish(round_id=o.round.pk, actor=office, document_number=f"京政发〔2026〕{o.round.pk}号",
                                issued_on=day)
    certificates = award_confer(round_id=o.round.pk, actor=office, conferred_on=day)
    return decision, certificates
