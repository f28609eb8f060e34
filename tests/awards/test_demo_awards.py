"""The demo shows the awards part to every role: the closed Beijing 2016 round approved, decided
(表彰决定 with its trail head) and conferred at the 2016-12-06 ceremony through the services, ten
certificates that verify, the recommendation to the China Quality Award, the prizes, and a Hangzhou
funding history under 就高不重复."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from applications.enums import ApplicationState
from applications.models import Application, Round, StateChange
from award_portal.audit import AuditEvent
from awards.models import Approval, Certificate, CommendationDecision, CqaRecommendation, Payment

pytestmark = pytest.mark.django_db


def test_demo_has_an_approved_round_with_certificates_that_verify(client):
    call_command("load_demo")
    call_command("load_demo")  # idempotent
    rnd = Round.objects.get(program__code="beijing", year=2016)
    approval = Approval.objects.get(round=rnd)
    decision = CommendationDecision.objects.get(round=rnd)
    assert approval.approved_on == datetime.date(2016, 11, 28) and approval.conferred_on == datetime.date(2016, 12, 6)
    assert decision.issued_on.year == 2016 and decision.published_at.date() == datetime.date(2016, 12, 1)
    assert AuditEvent.objects.get(pk=decision.audit_event_id).hash == decision.audit_hash
    certificates = list(Certificate.objects.filter(decision=decision))
    assert len(certificates) == 10 and {c.issued_on for c in certificates} == {datetime.date(2016, 12, 6)}
    awards = StateChange.objects.filter(application__round=rnd, action="award")
    assert {c.created_at.date() for c in awards} == {datetime.date(2016, 12, 6)}
    assert Application.objects.filter(round=rnd, state=ApplicationState.AWARDED).count() == 10

    cache.clear()
    page = client.get(reverse("awards-certificate-verify", args=[certificates[0].code])).content.decode()
    assert 'data-verdict="genuine"' in page and certificates[0].organization_name in page

    recommendation = CqaRecommendation.objects.get(round=rnd)
    assert recommendation.applications.count() == 5
    prizes = Payment.objects.filter(program=rnd.program, status=Payment.Status.PAID)
    assert prizes.count() == 5 and {p.amount for p in prizes} == {Decimal("2000000.00")}
    # The awards demo's own Hangzhou examples (the cultivation demo adds a grant of its own).
    hangzhou = Payment.objects.filter(program__code="hangzhou", organization__name__in=[
        "杭州西子智能装备有限公司", "杭州钱塘新材料科技股份有限公司"]).order_by("organization__name", "approved_on", "id")
    assert [(p.organization.name, p.deducted, p.amount) for p in hangzhou] == [
        ("杭州西子智能装备有限公司", 0, Decimal("200000")),
        ("杭州西子智能装备有限公司", Decimal("200000"), Decimal("1800000")),
        ("杭州西子智能装备有限公司", Decimal("2000000"), 0),
        ("杭州钱塘新材料科技股份有限公司", 0, Decimal("600000")),
    ]
