"""The awards API: a round's approval, decision and certificates; recording the approval through it,
with refusals as JSON (409 for the notice still running, 400 for bad input)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.enums import ApplicationState
from applications.models import Application
from award_portal.roles import Role
from tests.awards.support import approval_round, conferred

pytestmark = pytest.mark.django_db
YESTERDAY = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()


def test_round_awards_shows_decision_and_certificates(client, make_user):
    office = make_user(Role.OFFICE)
    o = approval_round(n_award=1, n_nomination=1)
    decision, certificates = conferred(office, o)
    client.force_login(make_user(Role.SUPERVISOR))
    data = client.get(reverse("api-awards-round", args=[o.round.pk])).json()
    assert data["decision"]["document_number"] == decision.document_number
    assert data["decision"]["audit_hash"] == decision.audit_hash
    assert [c["status"] for c in data["certificates"]] == ["genuine", "genuine"]
    assert "code" not in data["certificates"][0]  # the code stays with the holder


def test_api_records_the_approval(client, make_user):
    o = approval_round(n_award=2, n_nomination=0)
    client.force_login(make_user(Role.OFFICE))
    url = reverse("api-awards-round", args=[o.round.pk])
    bad = client.post(url, {"approving_body": "北京市人民政府", "approved_on": "yesterday", "applications": []},
                      content_type="application/json")
    assert bad.status_code == 400
    made = client.post(url, {"approving_body": "北京市人民政府", "approved_on": YESTERDAY,
                             "applications": [a.pk for a in o.apps]}, content_type="application/json")
    assert made.status_code == 201 and len(made.json()["approved"]) == 2
    assert set(Application.objects.filter(round=o.round).values_list("state", flat=True)) == {ApplicationState.APPROVED}
    again = client.post(url, {"approving_body": "北京市人民政府", "approved_on": YESTERDAY,
                              "applications": [a.pk for a in o.apps]}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "exists"


def test_api_refuses_approval_while_the_notice_runs(client, make_user):
    o = approval_round(notice_days_ago=None)
    client.force_login(make_user(Role.OFFICE))
    client.cookies["django_language"] = "en"
    refused = client.post(reverse("api-awards-round", args=[o.round.pk]), {
        "approving_body": "北京市人民政府", "approved_on": YESTERDAY, "applications": [a.pk for a in o.apps]},
        content_type="application/json")
    assert refused.status_code == 409 and "runs until" in refused.json()["detail"]
