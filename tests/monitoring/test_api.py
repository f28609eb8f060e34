"""The monitoring API: a revocation from proposal to announcement, refusals as JSON with their codes."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.enums import ApplicationState
from award_portal.roles import Role

from .test_matrix import monitored_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user):
    return monitored_world(make_user)


def test_revocation_through_the_api(client, world):
    today = timezone.localdate()
    client.force_login(world.users[Role.OFFICE])
    refused = client.post(reverse("api-monitoring-revocation-propose"), {
        "application": world.standing.pk, "ground": "accident",
        "event_on": (today - datetime.timedelta(days=900)).isoformat(), "proposal": "p"},
        content_type="application/json")
    assert refused.status_code == 409 and refused.json()["code"] == "window"
    created = client.post(reverse("api-monitoring-revocation-propose"), {
        "application": world.standing.pk, "ground": "accident", "event_on": today.isoformat(), "proposal": "重大事故"},
        content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    client.force_login(world.users[Role.COMMITTEE])
    assert client.post(reverse("api-monitoring-revocation-committee", args=[pk]),
                       {"agreed": True, "decision": "同意"}, content_type="application/json").status_code == 200
    assert client.post(reverse("api-monitoring-revocation-approve", args=[pk]), {
        "approving_body": "市政府", "approved_on": today.isoformat(), "announcement": "公告"},
        content_type="application/json").status_code == 403
    client.force_login(world.users[Role.OFFICE])
    bad = client.post(reverse("api-monitoring-revocation-approve", args=[pk]), {"approving_body": "市政府"},
                      content_type="application/json")
    assert bad.status_code == 400
    done = client.post(reverse("api-monitoring-revocation-approve", args=[pk]), {
        "approving_body": "市政府", "approved_on": today.isoformat(), "announcement": "公告"},
        content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "revoked" and done.json()["audit_hash"]
    world.standing.refresh_from_db()
    assert world.standing.state == ApplicationState.REVOKED


def test_winner_reports_and_explains_through_the_api(client, world):
    client.force_login(world.users[Role.APPLICANT])
    response = client.post(reverse("api-monitoring-incident-report"), {
        "application": world.mine.pk, "occurred_on": timezone.localdate().isoformat(), "title": "质量事故",
        "description": "经过"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["source"] == "self_report"
    other = client.post(reverse("api-monitoring-incident-report"), {
        "application": world.standing.pk, "occurred_on": timezone.localdate().isoformat(), "title": "t",
        "description": "d"}, content_type="application/json")
    assert other.status_code == 403
    mine = client.get(reverse("api-monitoring-incidents")).json()
    rows = mine["results"] if isinstance(mine, dict) else mine
    assert {r["application"] for r in rows} == {world.mine.pk}
