"""Authentication and sessions (award_portal/accounts.py): lockout, audit of auth events,
password rules, the second factor, session expiry.

The suite runs with the lockout and the second factor off (settings_test); the tests here
switch them on with override_settings.
"""

import base64
import datetime
import hashlib
import hmac
import struct
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from award_portal.accounts import SESSION_SEEN, SESSION_STARTED
from award_portal.audit import AuditEvent
from award_portal.demo import DEMO_PASSWORD
from tests.applications.support import english

pytestmark = pytest.mark.django_db
User = get_user_model()
LIMIT = 3
lockout_on = override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=LIMIT,
                               AXES_COOLOFF_TIME=datetime.timedelta(minutes=30))
otp_on = override_settings(OTP_REQUIRED=True)


def actions(since=0):
    return list(AuditEvent.objects.filter(pk__gt=since).values_list("action", flat=True))


def last_event_id():
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def login_post(client, username, password, url=None, **extra):
    return client.post(url or reverse("login"), {"username": username, "password": password}, **extra)


def logged_in_id(client):
    return client.session.get("_auth_user_id")


def move_attempts_back(minutes):
    """Move the clock of the recorded failures back, as if `minutes` had passed."""
    for attempt in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=attempt.pk).update(
            attempt_time=attempt.attempt_time - datetime.timedelta(minutes=minutes))


# ------------------------------------------------------------------ lockout

@lockout_on
def test_lockout_after_the_limit_names_when_it_lifts_and_lifts_after_the_cool_off(client, make_user):
    user = make_user("applicant", username="zhang")
    english(client)
    first = last_event_id()

    for _ in range(LIMIT - 1):
        response = login_post(client, "zhang", "wrong-password-1")
        assert response.status_code == 200
    locked = login_post(client, "zhang", "wrong-password-1")

    assert locked.status_code == 429
    text = locked.content.decode()
    assert "locked until" in text and "30 minutes after the last failed attempt" in text
    # The right password does not open a locked account.
    still_locked = login_post(client, "zhang", DEMO_PASSWORD)
    assert still_locked.status_code == 429
    assert logged_in_id(client) is None
    # The lockout is recorded (by axes' signal) before the failure that caused it, and again
    # for every attempt while it holds.
    assert actions(first) == ["auth.login_failed"] * (LIMIT - 1) + ["auth.lockout", "auth.login_failed"] * 2
    failed = AuditEvent.objects.filter(pk__gt=first, action="auth.login_failed").first()
    assert (failed.after, failed.actor_id, failed.ip) == ({"username": "zhang"}, None, "127.0.0.1")
    assert "wrong-password" not in str(list(AuditEvent.objects.filter(pk__gt=first).values()))

    move_attempts_back(31)
    response = login_post(client, "zhang", DEMO_PASSWORD)

    assert response.status_code == 302
    assert logged_in_id(client) == str(user.pk)
    assert actions(first)[-1] == "auth.login"


@lockout_on
def test_lockout_message_in_chinese_by_default(client, make_user):
    make_user(username="li")
    for _ in range(LIMIT):
        response = login_post(client, "li", "wrong-password-1")

    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


@lockout_on
def test_lockout_holds_per_client_address_across_account_names(client, make_user):
    make_user(username="target")
    for n in range(LIMIT):
        login_post(client, f"guess-{n}", "wrong-password-1", REMOTE_ADDR="10.0.0.9")

    from_same_address = login_post(client, "target", DEMO_PASSWORD, REMOTE_ADDR="10.0.0.9")
    from_elsewhere = login_post(client, "target", DEMO_PASSWORD, REMOTE_ADDR="10.0.0.10")

    assert from_same_address.status_code == 429
    assert from_elsewhere.status_code == 302


@lockout_on
def test_admin_login_is_locked_too(client, make_user):
    make_user(username="root", is_staff=True, is_superuser=True)
    url = reverse("admin:login")
    for _ in range(LIMIT):
        response = login_post(client, "root", "wrong-password-1", url=url)

    assert response.status_code == 429
    assert login_post(client, "root", DEMO_PASSWORD, url=url).status_code == 429


@lockout_on
def test_api_basic_authentication_is_locked_with_the_message(client, make_user):
    make_user("applicant", username="api-user")
    wrong = "Basic " + base64.b64encode(b"api-user:wrong-password-1").decode()
    right = "Basic " + base64.b64encode(f"api-user:{DEMO_PASSWORD}".encode()).decode()
    url = reverse("api-application-list")
    english(client)

    assert client.get(url, HTTP_AUTHORIZATION=right).status_code == 200
    for _ in range(LIMIT):
        client.get(url, HTTP_AUTHORIZATION=wrong)
    response = client.get(url, HTTP_AUTHORIZATION=right)

    assert response.status_code in (401, 403)
    assert "locked until" in response.json()["detail"]


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=2)
def test_failure_limit_is_a_setting(client, make_user):
    make_user(username="wang")
    assert login_post(client, "wang", "wrong-password-1").status_code == 200
    assert login_post(client, "wang", "wrong-password-1").status_code == 429


# ------------------------------------------------------------------ audit of auth events

def test_login_logout_and_password_change_are_audited(client, make_user):
    user = make_user("applicant", username="zhao")
    first = last_event_id()

    login_post(client, "zhao", DEMO_PASSWORD)
    client.post(reverse("password_change"), {"old_password": DEMO_PASSWORD, "new_password1": "Xin-Mima-2026!",
                                             "new_password2": "Xin-Mima-2026!"})
    client.post(reverse("logout"))

    assert actions(first) == ["auth.login", "auth.password_change", "auth.logout"]
    change = AuditEvent.objects.get(pk__gt=first, action="auth.password_change")
    assert (change.actor_id, change.object_id, change.after) == (user.pk, str(user.pk),
                                                                  {"username": "zhao", "by": "self"})
    user.refresh_from_db()
    assert user.check_password("Xin-Mima-2026!")


def test_failed_login_is_audited_with_the_name_tried(client):
    first = last_event_id()

    response = login_post(client, "nobody", "Secret-guess-1")

    assert response.status_code == 200
    [event] = AuditEvent.objects.filter(pk__gt=first)
    assert (event.action, event.after, event.actor_id, event.object_repr) == (
        "auth.login_failed", {"username": "nobody"}, None, "nobody")
    assert "Secret-guess-1" not in str(event.before) + str(event.after)


# ------------------------------------------------------------------ password rules

def test_password_change_refuses_a_password_like_the_user_name(client, make_user):
    make_user("applicant", username="qualitymanager")
    english(client)
    client.post(reverse("login"), {"username": "qualitymanager", "password": DEMO_PASSWORD})

    response = client.post(reverse("password_change"), {
        "old_password": DEMO_PASSWORD, "new_password1": "Qualitymanager1", "new_password2": "Qualitymanager1"})

    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"] == ["The password is too similar to the username."]


def test_password_without_enough_kinds_of_character_is_refused(client, make_user):
    make_user("applicant", username="kind")
    english(client)
    client.post(reverse("login"), {"username": "kind", "password": DEMO_PASSWORD})

    response = client.post(reverse("password_change"), {
        "old_password": DEMO_PASSWORD, "new_password1": "zhiliangjiang", "new_password2": "zhiliangjiang"})

    assert response.context["form"].errors["new_password2"] == [
        "Your password must mix at least 3 kinds of character: lower-case letters, upper-case letters, "
        "digits, other signs."]


# ------------------------------------------------------------------ second factor

def totp_at(key: bytes, when: float, step: int = 30) -> str:
    """RFC 6238 (HMAC-SHA1, 6 digits), computed here rather than by the library under test."""
    digest = hmac.new(key, struct.pack(">Q", int(when) // step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def code_for(device) -> str:
    return totp_at(device.bin_key, time.time())


def wrong_code(device_key: bytes) -> str:
    now = time.time()
    near = {totp_at(device_key, now + d * 30) for d in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in near)


@otp_on
def test_privileged_user_enrols_and_is_then_let_through(client, make_user):
    office = make_user("office", username="office-2fa")
    english(client)
    first = last_event_id()
    login_post(client, "office-2fa", DEMO_PASSWORD)

    blocked = client.get(reverse("audit-trail"))
    assert blocked.status_code == 302
    assert blocked["Location"] == reverse("otp-setup") + "?next=%2Faudit%2F"
    page = client.get(blocked["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "http" not in html.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org/2000/svg", "")  # inline, nothing fetched
    key = bytes.fromhex(client.session["otp_setup_key"])

    wrong = client.post(reverse("otp-setup"), {"token": wrong_code(key), "next": "/audit/"})
    assert wrong.status_code == 200 and wrong.context["form"].errors["token"]
    done = client.post(reverse("otp-setup"), {"token": totp_at(key, time.time()), "next": "/audit/"})

    assert done.status_code == 302 and done["Location"] == "/audit/"
    device = TOTPDevice.objects.get(user=office)
    assert device.confirmed and device.bin_key == key
    assert client.get(reverse("audit-trail")).status_code == 200
    assert actions(first) == ["auth.login", "auth.otp_enrol_failed", "auth.otp_enrol"]


@otp_on
def test_enrolled_user_verifies_after_the_password(client, make_user):
    office = make_user("supervisor", username="sup-2fa")
    device = TOTPDevice.objects.create(user=office, name="TOTP", confirmed=True)
    english(client)
    first = last_event_id()

    login_post(client, "sup-2fa", DEMO_PASSWORD)
    blocked = client.get(reverse("home"))
    assert blocked["Location"] == reverse("otp-verify") + "?next=%2F"
    # The enrolment page does not let an unverified user add a second device.
    assert client.get(reverse("otp-setup"))["Location"].startswith(reverse("otp-verify"))
    bad = client.post(reverse("otp-verify"), {"token": "12345x", "next": "/"})
    assert bad.context["form"].errors["token"] == ["Enter the six digits shown by the authenticator app."]
    wrong = client.post(reverse("otp-verify"), {"token": wrong_code(device.bin_key), "next": "/"})
    assert wrong.status_code == 200
    device.refresh_from_db()
    device.throttling_failure_timestamp = None  # the throttle is django-otp's; not what is tested here
    device.save()

    ok = client.post(reverse("otp-verify"), {"token": code_for(device), "next": "/audit/"})

    assert ok.status_code == 302 and ok["Location"] == "/audit/"
    assert client.get(reverse("audit-trail")).status_code == 200
    assert actions(first) == ["auth.login", "auth.otp_failed", "auth.otp_verify"]


@otp_on
def test_admin_requires_the_second_factor(client, make_user):
    make_user(username="root-2fa", is_staff=True, is_superuser=True)
    login_post(client, "root-2fa", DEMO_PASSWORD, url=reverse("admin:login"))

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp-setup"))


@otp_on
def test_api_refuses_unverified_sessions_and_basic_auth_of_privileged_users(client, make_user):
    make_user("office", username="office-api")
    login_post(client, "office-api", DEMO_PASSWORD)
    assert client.get(reverse("api-application-list")).status_code == 403
    client.logout()
    basic = "Basic " + base64.b64encode(f"office-api:{DEMO_PASSWORD}".encode()).decode()
    assert client.get(reverse("api-application-list"), HTTP_AUTHORIZATION=basic).status_code in (401, 403)


@otp_on
def test_applicants_need_no_second_factor(client, make_user):
    make_user("applicant", username="plain")
    login_post(client, "plain", DEMO_PASSWORD)

    assert client.get(reverse("application-list")).status_code == 200
    assert client.get(reverse("otp-setup")).status_code == 403


def test_second_factor_off_lets_office_through(client, make_user):
    make_user("office", username="office-off")
    login_post(client, "office-off", DEMO_PASSWORD)

    assert client.get(reverse("audit-trail")).status_code == 200


# ------------------------------------------------------------------ session lifetime

def set_session_clock(client, *, started_ago=None, seen_ago=None):
    session = client.session
    now = timezone.now().timestamp()
    if started_ago is not None:
        session[SESSION_STARTED] = now - started_ago.total_seconds()
    if seen_ago is not None:
        session[SESSION_SEEN] = now - seen_ago.total_seconds()
    session.save()


@override_settings(SESSION_IDLE_MINUTES=30)
def test_session_ends_after_the_idle_time(client, make_user):
    make_user("applicant", username="idle")
    english(client)
    login_post(client, "idle", DEMO_PASSWORD)
    first = last_event_id()

    set_session_clock(client, seen_ago=datetime.timedelta(minutes=29))
    assert client.get(reverse("application-list")).status_code == 200
    set_session_clock(client, seen_ago=datetime.timedelta(minutes=31))
    response = client.get(reverse("application-list"), follow=True)

    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert logged_in_id(client) is None
    assert [str(m) for m in response.context["messages"]] == [
        "You were logged out after 30 minutes without activity. Please log in again."]
    event = AuditEvent.objects.get(pk__gt=first)
    assert (event.action, event.after) == ("auth.session_expired", {"username": "idle", "reason": "idle"})


@override_settings(SESSION_ABSOLUTE_HOURS=12)
def test_session_ends_after_its_absolute_lifetime_despite_activity(client, make_user):
    make_user("applicant", username="busy")
    english(client)
    login_post(client, "busy", DEMO_PASSWORD)

    set_session_clock(client, started_ago=datetime.timedelta(hours=11, minutes=59), seen_ago=datetime.timedelta())
    assert client.get(reverse("application-list")).status_code == 200
    set_session_clock(client, started_ago=datetime.timedelta(hours=12, minutes=1), seen_ago=datetime.timedelta())
    response = client.get(reverse("application-list"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert AuditEvent.objects.filter(action="auth.session_expired", after__reason="absolute").count() == 1


def test_session_cookie_never_outlives_the_absolute_lifetime(settings):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_ABSOLUTE_HOURS * 3600
