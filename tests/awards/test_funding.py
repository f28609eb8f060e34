"""Funding: prizes per tier and Hangzhou's incentive table under 就高不重复 (Hangzhou 2025 四(一),
四(三), 四(四)), with the measures' own worked examples. Amounts in yuan, Decimal."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from applications.enums import ApplicationState
from applications.models import AwardProgram
from applications.program_fixtures import load_all_programs
from award_portal.audit import AuditEvent
from award_portal.roles import Role
from awards import funding
from awards.errors import AwardsError
from awards.models import HonourKind, Payment
from tests.applications.factories import make_application, make_org, make_round
from tests.awards.support import approval_round, conferred, member

pytestmark = pytest.mark.django_db
K = HonourKind
M = Decimal("1000000")
DAY = datetime.date(2025, 6, 1)


@pytest.fixture
def office(make_user):
    return make_user(Role.OFFICE)


@pytest.fixture
def hangzhou():
    load_all_programs()
    funding.incentives_load()
    return AwardProgram.objects.get(code="hangzhou")


@pytest.fixture
def org():
    return make_org(region="330106")


def winner(program, org, tier_code):
    """An awarded application of `org` in a past round of `program` (test setup)."""
    tier = program.tiers.get(code=tier_code)
    rnd = make_round(program, phase="closed", deadline=datetime.datetime(2024, 3, 1, tzinfo=datetime.UTC))
    return make_application(rnd, org, state=ApplicationState.AWARDED, tier=tier)


def honour(office, org, kind, year=2025):
    return funding.honour_record(organization_id=org.pk, kind=kind, year=year, actor=office)


def pay_app(office, program, application, amount=None):
    return funding.payment_approve(program_id=program.pk, actor=office, application_id=application.pk,
                                   amount=amount, approved_on=DAY)


def pay_honour(office, program, h, amount=None):
    return funding.payment_approve(program_id=program.pk, actor=office, honour_id=h.pk, amount=amount,
                                   approved_on=DAY)


def test_hangzhou_quality_award_then_zhejiang_award_pays_the_difference(office, hangzhou, org):
    """四(四): 0.6M for the Hangzhou 质量奖, then the Zhejiang award (≤ 2M) → 1.4M more."""
    first = pay_app(office, hangzhou, winner(hangzhou, org, "quality"))
    assert (first.entitlement, first.deducted, first.amount) == (Decimal("600000.00"), 0, Decimal("600000.00"))

    second = pay_honour(office, hangzhou, honour(office, org, K.ZHEJIANG_AWARD))

    assert (second.entitlement, second.deducted, second.amount) == (2 * M, Decimal("600000"), Decimal("1400000"))
    assert funding.line_total(hangzhou, org, "excellence_model") == 2 * M


def test_zhejiang_award_then_hangzhou_quality_award_pays_nothing_more(office, hangzhou, org):
    pay_honour(office, hangzhou, honour(office, org, K.ZHEJIANG_AWARD))

    later = funding.entitlement_for(program=hangzhou, application=winner(hangzhou, org, "quality"))

    assert (later.value, later.deducted, later.due) == (Decimal("600000"), Decimal("600000"), 0)
    with pytest.raises(AwardsError) as refused:
        pay_app(office, hangzhou, later.application, amount="100000")
    assert refused.value.code == "input" and "就高不重复" in refused.value.message
    zero = pay_app(office, hangzhou, later.application)
    assert zero.amount == 0 and zero.deducted == Decimal("600000")


def test_innovation_award_then_quality_award_deducts_the_earlier_grant(office, hangzhou, org):
    """四(四): 往届已获得“创新奖”的组织，应扣除已资助金额后进行兑付: 0.3M, then 0.6M → 0.3M."""
    pay_app(office, hangzhou, winner(hangzhou, org, "innovation"))
    later = pay_app(office, hangzhou, winner(hangzhou, org, "quality"))
    assert (later.deducted, later.amount) == (Decimal("300000"), Decimal("300000"))


def test_cultivation_zhejiang_then_china_quality_award_totals_the_highest(office, hangzhou, org):
    """0.2M cultivation, the Zhejiang award (2M − 0.2M), the China Quality Award (5M − 2M): 5M in all."""
    amounts = [pay_honour(office, hangzhou, honour(office, org, kind, year)).amount
               for kind, year in [(K.CULTIVATION, 2022), (K.ZHEJIANG_AWARD, 2023), (K.CQA, 2025)]]
    assert amounts == [Decimal("200000"), Decimal("1800000"), Decimal("3000000")]
    assert funding.line_total(hangzhou, org, "excellence_model") == 5 * M


def test_a_lower_grant_under_a_ceiling_is_deducted_as_paid(office, hangzhou, org):
    """不高于: the office may grant less (by the investment); the deduction is what was paid."""
    pay_app(office, hangzhou, winner(hangzhou, org, "quality"), amount="450000.00")
    later = pay_honour(office, hangzhou, honour(office, org, K.ZHEJIANG_INNOVATION))
    assert (later.deducted, later.amount) == (Decimal("450000"), Decimal("150000"))


def test_a_recovered_payment_no_longer_counts(office, hangzhou, org):
    first = pay_app(office, hangzhou, winner(hangzhou, org, "quality"))
    funding.payment_mark_paid(payment_id=first.pk, actor=office, paid_on=DAY)
    funding.payment_recover(payment_id=first.pk, actor=office, reason="获奖两年内发生重大质量事故，撤销奖项（六(五)）")
    later = pay_honour(office, hangzhou, honour(office, org, K.ZHEJIANG_AWARD))
    assert (later.deducted, later.amount) == (0, 2 * M)
    assert list(AuditEvent.objects.filter(object_id=str(first.pk), object_type="awards.payment")
                .values_list("action", flat=True)) == ["awards.payment_approved", "awards.payment_paid",
                                                       "awards.payment_recovered"]


def test_each_honour_or_award_is_paid_once(office, hangzhou, org):
    h = honour(office, org, K.CQA_NOMINATION)
    pay_honour(office, hangzhou, h)
    with pytest.raises(AwardsError) as refused:
        pay_honour(office, hangzhou, h)
    assert refused.value.code == "exists"


def test_status_changes_are_checked(office, hangzhou, org):
    payment = pay_honour(office, hangzhou, honour(office, org, K.CULTIVATION))
    with pytest.raises(AwardsError):
        funding.payment_mark_paid(payment_id=payment.pk, actor=office, paid_on=DAY - datetime.timedelta(days=1))
    with pytest.raises(AwardsError):
        funding.payment_recover(payment_id=payment.pk, actor=office, reason=" ")
    funding.payment_recover(payment_id=payment.pk, actor=office, reason="收回")
    with pytest.raises(AwardsError):
        funding.payment_mark_paid(payment_id=payment.pk, actor=office)
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.RECOVERED


def test_an_organisation_outside_the_region_gets_nothing_from_hangzhou(office, hangzhou):
    outsider = make_org(region="110108")
    ent = funding.entitlement_for(program=hangzhou, honour=honour(office, outsider, K.ZHEJIANG_AWARD))
    assert ent.problem


@pytest.mark.parametrize("amount", ["abc", "-5", "NaN", "1e400"])
def test_bad_amounts_are_refused_with_a_message(office, hangzhou, org, amount):
    with pytest.raises(AwardsError) as refused:
        pay_honour(office, hangzhou, honour(office, org, K.CQA), amount=amount)
    assert refused.value.code == "input"
    assert not Payment.objects.exists()


def test_a_fixed_prize_is_paid_in_full(office):
    o = approval_round(n_award=1, n_nomination=1)
    conferred(office, o)
    o.apps = [type(a).objects.get(pk=a.pk) for a in o.apps]
    ent = funding.entitlement_for(program=o.program, application=o.apps[0])
    assert (ent.value, ent.is_cap, ent.line, ent.due) == (2 * M, False, "", 2 * M)
    with pytest.raises(AwardsError):
        pay_app(office, o.program, o.apps[0], amount="1000000")
    assert pay_app(office, o.program, o.apps[0]).amount == 2 * M
    assert funding.entitlement_for(program=o.program, application=o.apps[1]).problem  # nomination: no prize


def test_ledger_page_approves_and_keeps_the_typed_amount_on_refusal(client, office, hangzhou, org):
    h = honour(office, org, K.ZHEJIANG_INNOVATION)
    client.force_login(office)
    page = client.get(reverse("awards-funding")).content.decode()
    assert f'data-key="h{h.pk}"' in page and "600000.00" in page

    refused = client.post(reverse("awards-payment-approve"), {"program": hangzhou.pk, "honour": h.pk,
                                                              "amount": "700000", "note": "按投入核定"})
    assert refused.status_code == 400
    assert 'value="700000"' in refused.content.decode() and "按投入核定" in refused.content.decode()

    done = client.post(reverse("awards-payment-approve"), {"program": hangzhou.pk, "honour": h.pk, "amount": "500000"})
    assert done.status_code == 302 and Payment.objects.get().amount == Decimal("500000")
    payment = Payment.objects.get()
    assert client.post(reverse("awards-payment-status", args=[payment.pk]),
                       {"status": "paid", "on": payment.approved_on.isoformat(), "reference": "杭财拨001"}).status_code == 302
    assert Payment.objects.get().status == Payment.Status.PAID


def test_applicant_sees_own_payments_only(client, make_user, office, hangzhou, org):
    pay_honour(office, hangzhou, honour(office, org, K.CULTIVATION))
    other = make_org(region="330106")
    pay_honour(office, hangzhou, honour(office, other, K.CULTIVATION))
    application = make_application(make_round(hangzhou), org)
    client.force_login(member(make_user, application))
    data = client.get(reverse("api-awards-mine")).json()
    assert [p["organization"] for p in data["payments"]] == [org.name]


def test_api_approves_a_payment_and_maps_refusals(client, office, hangzhou, org):
    h = honour(office, org, K.CQA)
    client.force_login(office)
    url = reverse("api-awards-payments")
    too_much = client.post(url, {"program": hangzhou.pk, "honour": h.pk, "amount": "6000000"},
                           content_type="application/json")
    assert too_much.status_code == 400 and too_much.json()["code"] == "input"
    made = client.post(url, {"program": hangzhou.pk, "honour": h.pk}, content_type="application/json")
    assert made.status_code == 201 and made.json()["amount"] == "5000000.00"
    again = client.post(url, {"program": hangzhou.pk, "honour": h.pk}, content_type="application/json")
    assert again.status_code == 409
