"""Demo data of the awards app.

The closed Beijing 2016 round reaches its end through the awards services: `beijing_2016_awards`
is its approval step (called by applications/demo.py's `replay_closed_round`): the
government's approval (2016-11-28), the commendation decision (2016-12-01; its document number is
invented for the demo), and the conferral at the real ceremony of 2016-12-06, which issues the ten
certificates. The closed Hangzhou 2023 round ends the same way (`hangzhou_2023_awards`: approved by
杭州市人民政府 on 2023-12-05, decision of 2023-12-12, three certificates of 2023-12-20; document
numbers marked 演示). `load()` (after the applications demo) adds the recommendation of the five winners
to the China Quality Award with priority, the winners' prizes (2 million yuan each, paid), and a
Hangzhou funding history under 就高不重复. Every record goes through the services (audited) and is
then dated in its own time.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from applications.enums import ApplicationState, RoundPhase
from applications.models import Application, AwardProgram, Organization, Round
from applications.services import round_set_phase_for_demo
from award_portal.demo import ensure_user
from award_portal.roles import Role

from . import approval as approval_services
from . import cqa, decisions, funding
from .models import (
    Approval,
    Certificate,
    CommendationDecision,
    CqaRecommendation,
    ExternalHonour,
    HonourKind,
    Payment,
)

D = datetime.date
APPROVED_ON = D(2016, 11, 28)
DECISION_ON = D(2016, 12, 1)
CEREMONY_ON = D(2016, 12, 6)


def _at(day, hour=10, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def closed_round_awards(rnd, office, *, approving_body, approved_on, approval_number, note, decision_number,
                        decision_on, conferred_on):
    """Approve the noticed winners, publish the decision, close the round and confer the awards
    (certificates dated `conferred_on`); each record then dated in its own time. Returns the round,
    now closed."""
    ids = list(Application.objects.filter(round=rnd, state=ApplicationState.IN_PUBLIC_NOTICE).values_list("pk", flat=True))
    approval = approval_services.approval_record(
        round_id=rnd.pk, actor=office, approving_body=approving_body, approved_on=approved_on,
        document_number=approval_number, application_ids=ids, note=note)
    decision = decisions.decision_publish(round_id=rnd.pk, actor=office, document_number=decision_number,
                                          issued_on=decision_on)
    rnd = round_set_phase_for_demo(Round.objects.get(pk=rnd.pk), RoundPhase.CLOSED)
    approval_services.award_confer(round_id=rnd.pk, actor=office, conferred_on=conferred_on)
    Approval.objects.filter(pk=approval.pk).update(recorded_at=_at(approved_on, 16),
                                                   conferred_at=_at(conferred_on, 15))
    CommendationDecision.objects.filter(pk=decision.pk).update(published_at=_at(decision_on))
    Certificate.objects.filter(decision=decision).update(created_at=_at(conferred_on, 15))
    return rnd


def beijing_2016_awards(rnd, office):
    """The 2nd edition: approved 2016-11-28, decision of 2016-12-01, conferred at the ceremony of
    2016-12-06 (its certificates dated that day)."""
    return closed_round_awards(rnd, office, approving_body="北京市人民政府", approved_on=APPROVED_ON,
                               approval_number="京政字〔2016〕118号",
                               note="市政府常务会议审议通过第二届北京市人民政府质量管理奖获奖名单。",
                               decision_number="京政发〔2016〕52号", decision_on=DECISION_ON, conferred_on=CEREMONY_ON)


def hangzhou_2023_awards(rnd, office):
    """The Hangzhou 2023 round (applications/demo.py `_load_hangzhou_2023_round`): approved by
    杭州市人民政府 on 2023-12-05, decision of 2023-12-12, certificates of 2023-12-20. The document
    numbers are invented and say so."""
    return closed_round_awards(rnd, office, approving_body="杭州市人民政府", approved_on=D(2023, 12, 5),
                               approval_number="杭政函〔2023〕101号（演示）",
                               note="（演示数据）市政府审定2023年度杭州市政府质量奖获奖名单。",
                               decision_number="杭政发〔2023〕28号（演示）", decision_on=D(2023, 12, 12),
                               conferred_on=D(2023, 12, 20))


def load():
    funding.incentives_load()
    office = ensure_user("office", Role.OFFICE, "王评审办", "office@example.cn", staff=True)
    rnd = Round.objects.filter(program__code="beijing", year=2016).first()
    if rnd is not None and Certificate.objects.filter(decision__round=rnd).exists():
        _beijing_cqa_recommendation(rnd, office)
        _beijing_prizes(rnd, office)
    _hangzhou_funding(office)


def _beijing_cqa_recommendation(rnd, office):
    if CqaRecommendation.objects.filter(round=rnd).exists():
        return
    winners = Application.objects.filter(round=rnd, state=ApplicationState.AWARDED, tier__rank=1)
    recommendation = cqa.cqa_recommend(
        round_id=rnd.pk, actor=office, document_number="京质监函〔2016〕236号", sent_on=CEREMONY_ON,
        sender="北京市质量技术监督局", application_ids=list(winners.values_list("pk", flat=True)))
    CqaRecommendation.objects.filter(pk=recommendation.pk).update(recorded_at=_at(CEREMONY_ON, 17))


def _beijing_prizes(rnd, office):
    """The one-off prize of 2 million yuan per winner (second edition, 2016), approved at the
    ceremony and paid at the end of the year. The nomination carries no prize."""
    program = rnd.program
    for application in Application.objects.filter(round=rnd, state=ApplicationState.AWARDED,
                                                  tier__prize_amount__isnull=False).order_by("number"):
        if Payment.objects.filter(application=application).exists():
            continue
        payment = funding.payment_approve(program_id=program.pk, actor=office, application_id=application.pk,
                                          approved_on=CEREMONY_ON)
        funding.payment_mark_paid(payment_id=payment.pk, actor=office, paid_on=D(2016, 12, 28),
                                  reference=f"京财拨〔2016〕{application.pk:04d}")
        Payment.objects.filter(pk=payment.pk).update(created_at=_at(CEREMONY_ON, 17))


#: Hangzhou organisations of the applications demo, with the honours they received and what the
#: city's incentive table paid for each (就高不重复, Hangzhou 2025 四(四)); the last honour of the
#: second is left for the office to decide (a to-do: 1.4 million yuan due after the deduction).
HANGZHOU_HISTORY = [
    ("杭州西子智能装备有限公司", [
        (HonourKind.CULTIVATION, 2023, "杭州市卓越绩效模式培育机制评审通过", Decimal("200000"), D(2023, 12, 20)),
        (HonourKind.ZHEJIANG_AWARD, 2024, "浙政发〔2024〕示例号", None, D(2025, 3, 18)),   # 2,000,000 − 200,000
        (HonourKind.CQA_NOMINATION, 2025, "中国质量奖提名奖（第五届）", None, D(2025, 12, 10)),  # 2,000,000 − 2,000,000 = 0
    ]),
    ("杭州钱塘新材料科技股份有限公司", [
        (HonourKind.ZHEJIANG_INNOVATION, 2024, "浙江省人民政府质量管理创新奖", Decimal("600000"), D(2025, 3, 18)),
        (HonourKind.ZHEJIANG_AWARD, 2025, "浙江省人民政府质量奖", "pending", None),      # 2,000,000 − 600,000 due
    ]),
]


def _hangzhou_funding(office):
    program = AwardProgram.objects.filter(code="hangzhou").first()
    if program is None:
        return
    for name, honours in HANGZHOU_HISTORY:
        org = Organization.objects.filter(name=name).first()
        if org is None or ExternalHonour.objects.filter(organization=org).exists():
            continue
        for kind, year, reference, amount, approved_on in honours:
            honour = funding.honour_record(organization_id=org.pk, kind=kind, year=year, reference=reference,
                                           actor=office)
            ExternalHonour.objects.filter(pk=honour.pk).update(recorded_at=_at(D(year, 12, 1)))
            if amount == "pending":
                continue
            payment = funding.payment_approve(program_id=program.pk, actor=office, honour_id=honour.pk, amount=amount,
                                              approved_on=approved_on,
                                              note="就高不重复：已扣除此前同一卓越绩效项目的资助。")
            if payment.amount:
                funding.payment_mark_paid(payment_id=payment.pk, actor=office,
                                          paid_on=approved_on + datetime.timedelta(days=30),
                                          reference=f"杭财拨{approved_on:%Y%m%d}-{payment.pk}")
            Payment.objects.filter(pk=payment.pk).update(created_at=_at(approved_on))
