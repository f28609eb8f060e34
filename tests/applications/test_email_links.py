"""E-mails carry absolute links (issue 11): built from settings.PORTAL_BASE_URL, never from a
request (Celery tasks send mail without one), so every link in a mail opens from a mail client."""

import re
import secrets

import pytest
from django.core import mail
from django.test import override_settings

from applications import registration
from applications.models import Application
from award_portal.notifications import absolute_url

from .support import make_org, make_recommender_user, make_rep, open_round, program, recommended_application

pytestmark = pytest.mark.django_db

BASE = "https://award.example.cn"
#: Anything in a mail that looks like a link: a URL with a scheme, or a path of the portal.
LINKISH = re.compile(r"[a-z][a-z0-9+.-]*://\S+|(?<![\w/.])/(?:applications|accounts|organizations|rounds|review|"
                     r"bigdata|notifications|invitations?)/\S*")


def _links(message) -> list[str]:
    bodies = [message.body] + [content for content, _type in getattr(message, "alternatives", [])]
    return [m.group(0) for body in bodies for m in LINKISH.finditer(body)]


@override_settings(PORTAL_BASE_URL=BASE)
def test_every_mail_of_a_submit_and_recommend_flow_carries_only_absolute_links(make_user, django_capture_on_commit_callbacks):
    rnd = open_round()
    org = make_org()
    rep = make_rep(make_user, org)
    make_rep(make_user, org, email="colleague@example.cn")  # a colleague hears of it by mail too
    recommender = make_recommender_user(make_user, program(), email="recommender@example.cn")
    make_user(role="office", email="office@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        application = recommended_application(rnd, org, rep, recommender)

    assert mail.outbox, "the flow sends mail (to the authority on submission, to the office on recommendation)"
    detail = f"{BASE}/applications/{application.pk}/"
    for message in mail.outbox:
        links = _links(message)
        assert links, (message.subject, message.body)
        for link in links:
            assert re.match(r"https?://", link), (message.subject, link)
            assert link.startswith(BASE + "/"), (message.subject, link)
    assert any(detail in message.body for message in mail.outbox)
    assert Application.objects.get(pk=application.pk).state == "recommended"


@override_settings(PORTAL_BASE_URL=BASE)
def test_an_invitation_mail_links_to_the_configured_address_not_the_requests(make_user, django_capture_on_commit_callbacks):
    org = make_org()
    admin = make_rep(make_user, org)
    with django_capture_on_commit_callbacks(execute=True):
        registration.invitation_create(organization_id=org.pk, actor=admin, email="new@example.cn")
    (message,) = [m for m in mail.outbox if "new@example.cn" in m.to]
    links = _links(message)
    assert links and all(link.startswith(BASE + "/invitations/") or link.startswith(BASE + "/") for link in links)


def test_absolute_url_keeps_absolute_links_and_joins_paths_once():
    with override_settings(PORTAL_BASE_URL="http://127.0.0.1:8000"):
        assert absolute_url("/applications/5/") == "http://127.0.0.1:8000/applications/5/"
        assert absolute_url("applications/5/") == "http://127.0.0.1:8000/applications/5/"
        assert absolute_url("https://elsewhere.example/x") == "https://elsewhere.example/x"
        assert absolute_url("") == ""


@pytest.mark.parametrize(("value", "message"), [
    (None, "PORTAL_BASE_URL must be set when DEBUG is off"),
    ("award.example.cn", "PORTAL_BASE_URL must be an http(s) address without a path"),
    ("ftp://award.example.cn", "PORTAL_BASE_URL must be an http(s) address without a path"),
    ("https://award.example.cn/portal", "PORTAL_BASE_URL must be an http(s) address without a path"),
])
def test_production_refuses_a_missing_or_malformed_base_url(value, message):
    from tests.award_portal.test_security_headers import _refusal, _settings_in_subprocess

    environ = {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "PORTAL_BASE_URL": value or ""}
    assert _refusal(_settings_in_subprocess(**environ)).startswith(f"RuntimeError: {message}")


def test_production_takes_a_good_base_url_and_debug_defaults_to_the_dev_server():
    from tests.award_portal.test_security_headers import _settings_in_subprocess

    assert _settings_in_subprocess(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50),
                                   PORTAL_BASE_URL="https://award.example.cn/").returncode == 0
    assert _settings_in_subprocess(DEBUG="1", PORTAL_BASE_URL="").returncode == 0
