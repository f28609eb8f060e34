"""The monitoring pages through HTTP: flows by form, refusals that keep what was typed, English,
and bounded queries on every list."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from award_portal.roles import Role
from monitoring.models import Incident, Revocation

from .test_matrix import monitored_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user):
    return monitored_world(make_user)


def test_winner_explains_by_form_and_office_closes(client, world):
    client.force_login(world.users[Role.APPLICANT])
    url = reverse("monitoring-incident-explain", args=[world.incident.pk])
    response = client.post(url, {"explanation": "   "})
    assert response.status_code == 400
    response = client.post(url, {"explanation": "事故原因及整改情况"})
    assert response.status_code == 302
    world.incident.refresh_from_db()
    assert world.incident.status == Incident.Status.EXPLAINED
    client.force_login(world.users[Role.OFFICE])
    response = client.post(reverse("monitoring-incident-close", args=[world.incident.pk]),
                           {"finding": "no_action", "text": "已整改"})
    assert response.status_code == 302


def test_a_refused_proposal_keeps_what_was_typed_and_says_why_in_english(client, world):
    client.cookies["django_language"] = "en"
    client.force_login(world.users[Role.OFFICE])
    long_before = (timezone.localdate() - datetime.timedelta(days=900)).isoformat()
    response = client.post(reverse("monitoring-revocation-propose", args=[world.standing.pk]),
                           {"ground": "accident", "event_on": long_before, "proposal": "我的提案全文"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "outside the revocation window" in body and "我的提案全文" in body
    assert not Revocation.objects.filter(application=world.standing).exists()


def test_committee_records_its_decision_by_form(client, world):
    client.force_login(world.users[Role.COMMITTEE])
    response = client.post(reverse("monitoring-revocation-committee", args=[world.proposed.pk]),
                           {"agreed": "yes", "decided_on": timezone.localdate().isoformat(), "decision": "同意撤销"})
    assert response.status_code == 302
    world.proposed.refresh_from_db()
    assert world.proposed.status == Revocation.Status.COMMITTEE_AGREED


def test_winner_files_a_report_and_reports_an_incident(client, world):
    client.force_login(world.users[Role.APPLICANT])
    response = client.post(reverse("monitoring-report", args=[world.due.pk]), {"text": "报告正文"})
    assert response.status_code == 302
    response = client.post(reverse("monitoring-self-report", args=[world.mine.pk]),
                           {"occurred_on": timezone.localdate().isoformat(), "title": "质量事故", "description": ""})
    assert response.status_code == 400 and "质量事故" in response.content.decode()
    page = client.get(reverse("monitoring-mine")).content.decode()
    assert world.incident.title in page


@pytest.mark.parametrize("name,role", [
    ("monitoring-office", Role.OFFICE), ("monitoring-incidents", Role.OFFICE),
    ("monitoring-revocations", Role.OFFICE), ("monitoring-reports", Role.SUPERVISOR),
    ("monitoring-mine", Role.APPLICANT), ("monitoring-announcements", None),
    ("api-monitoring-incidents", Role.COMMITTEE), ("api-monitoring-revocations", Role.OFFICE),
    ("api-monitoring-reports", Role.APPLICANT), ("api-monitoring-runs", Role.OFFICE),
])
def test_lists_take_a_bounded_number_of_queries(client, world, django_assert_max_num_queries, name, role):
    if role is not None:
        client.force_login(world.users[role])
    with django_assert_max_num_queries(25):
        response = client.get(reverse(name))
    assert response.status_code == 200


def test_home_todos_for_winner_and_office(client, world):
    from award_portal.todo import todo_for

    titles = [i.title for s in todo_for(world.users[Role.APPLICANT]) for i in s["items"]]
    assert any(world.incident.title in t for t in titles)
    office_titles = [i.title for s in todo_for(world.users[Role.OFFICE]) for i in s["items"]]
    assert office_titles


def test_the_application_page_shows_the_award_panel_to_the_winner_and_readers(client, world):
    url = reverse("application-detail", args=[world.mine.pk])
    for role in (Role.APPLICANT, Role.OFFICE, Role.SUPERVISOR):
        client.force_login(world.users[role])
        body = client.get(url).content.decode()
        assert 'id="monitoring-panel"' in body and world.incident.title in body, role
    client.force_login(world.users[Role.APPLICANT])
    assert reverse("monitoring-self-report", args=[world.mine.pk]) in client.get(url).content.decode()


def test_the_rules_register_shows_monitoring_under_its_articles():
    from applications.models import AwardProgram
    from applications.program_fixtures import load_all_programs
    from applications.rules_register import program_register

    load_all_programs()
    for code, key, kind in [("beijing", "bj2020:art27", "Monitoring of winners"), ("beijing", "bj2020:art24", "Revocation"),
                            ("hangzhou", "hz2025:6.4", "Self-evaluation reports and spot checks"),
                            ("anhui", "ah2010:art26", "Revocation")]:
        from django.utils import translation

        with translation.override("en"):
            register = program_register(AwardProgram.objects.get(code=code))
        row = next(r for r in register.rows if r.article.key == key)
        assert kind in [str(m.kind) for m in row.measures], (code, key)
        assert not [m for m in register.uncited if "monitoring" in str(m.kind).lower()]
