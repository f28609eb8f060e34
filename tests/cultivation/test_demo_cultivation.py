"""The demo shows the capability: Langfang's campaign with the seed's figures (applied read from
the Langfang round's applications), courses with attendance and one still to record, the demo
applicant's enrolments, and a Hangzhou cultivation grant in the ledger."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from applications.models import Membership
from award_portal.audit import AuditEvent
from cultivation import grants, selectors
from cultivation.demo import LANGFANG_CAMPAIGN
from cultivation.models import Campaign, Enrolment

pytestmark = pytest.mark.django_db


def test_demo_campaign_courses_and_grant(client):
    call_command("load_demo")
    campaign = Campaign.objects.get(name_zh=LANGFANG_CAMPAIGN)
    figures = selectors.campaign_progress(campaign)
    assert (figures["tracked"], figures["adopting"], figures["cultivated"]) == (1211, 1211, 103)
    assert figures["applied"] == 6 and figures["adopting_pct"] == 121.1
    assert AuditEvent.objects.filter(action="cultivation.register_imported").count() == 1
    assert Enrolment.objects.filter(attendance="attended").count() >= 10
    office = campaign.created_by
    assert selectors.office_todo(office)   # the exchange meeting's attendance is open
    [payment] = [p for p in grants.grants() if p.organization.name == "杭州云栖数据服务有限公司"]
    assert payment.amount == 180000 and payment.status == "paid"

    client.force_login(office)
    assert client.get(reverse("cultivation-campaign", args=[campaign.pk])).status_code == 200
    assert client.get(reverse("cultivation-campaign", args=[campaign.pk]) + "?page=25").status_code == 200
    assert client.get(reverse("cultivation-grants")).status_code == 200
    applicant = Membership.objects.get(user__username="applicant").user
    client.force_login(applicant)
    html = client.get(reverse("cultivation-mine")).content.decode()
    assert "北京市人民政府质量管理奖申报培训（线上）" in html

    call_command("load_demo")   # idempotent
    assert Campaign.objects.filter(name_zh=LANGFANG_CAMPAIGN).count() == 1
    assert len([p for p in grants.grants() if p.organization.name == "杭州云栖数据服务有限公司"]) == 1
