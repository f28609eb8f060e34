"""Organisations register themselves once, by their credit code; colleagues join by invitation."""

import datetime
import random
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from applications import uscc
from applications.models import Invitation, Membership, Organization
from applications.registration import invitation_accept
from award_portal.audit import AuditEvent, audit_events_for
from award_portal.notifications import Notification
from award_portal.roles import has_role

from .support import english, make_org, make_rep

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "Zhiliang-2026-jiang"


def english_active():
    from django.utils import translation

    return translation.override("en")


def valid_code(seed="registration"):
    return uscc.generate(random.Random(seed), region="110105")


def mistyped(code):
    """The same code with a wrong check digit."""
    wrong = next(c for c in uscc.CHARSET if c != code[-1])
    return code[:-1] + wrong


def registration(code, *, name="北京首善精密仪器有限公司", username="shoushan"):
    return {
        "org-credit_code": code, "org-name": name, "org-name_en": "Shoushan Precision Instruments Co., Ltd.",
        "org-registered_on": "2012-05-18", "org-legal_form": "company", "org-address": "北京市朝阳区酒仙桥路10号",
        "org-industry_section": "C", "org-industry_division": "4011", "org-contact_name": "王质量",
        "org-contact_phone": "010-84560000", "org-contact_email": "quality@shoushan.example.cn",
        "user-username": username, "user-full_name": "王质量", "user-email": "wang@shoushan.example.cn",
        "user-password": PASSWORD,
    }


@pytest.fixture
def client_en(client):
    return english(client)


def logged_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


# ------------------------------------------------------------------ self-registration

def test_registration_creates_the_organisation_its_administrator_and_logs_in(client_en):
    code = valid_code()

    response = client_en.post(reverse("organization-register"), registration(code.lower()))

    assert response.status_code == 302
    assert response["Location"] == reverse("application-start")
    org = Organization.objects.get()
    assert (org.credit_code, org.name, org.region_code, org.industry_section) == (
        code, "北京首善精密仪器有限公司", "110105", "C")
    user = User.objects.get(username="shoushan")
    assert (user.full_name, user.email, user.language) == ("王质量", "wang@shoushan.example.cn", "en")
    assert user.check_password(PASSWORD)
    assert has_role(user, "applicant")
    assert list(Membership.objects.values_list("user", "organization", "role")) == [
        (user.pk, org.pk, Membership.Role.ADMIN)]
    assert logged_in_user(client_en) == user
    event = audit_events_for(org).get(action="organization.register")
    assert (event.actor_id, event.after) == (user.pk, {"credit_code": code, "name": "北京首善精密仪器有限公司"})
    start = client_en.get(response["Location"])
    assert [str(m) for m in start.context["messages"]] == [
        "北京首善精密仪器有限公司 is registered. You can now apply."]
    assert [m.organization for m in start.context["memberships"]] == [org]


def test_invalid_check_digit_shows_the_reason(client_en):
    code = mistyped(valid_code())

    response = client_en.post(reverse("organization-register"), registration(code))

    assert response.status_code == 200
    expected = f"The check digit should be {valid_code()[-1]}, not {code[-1]}: the code is probably mistyped."
    assert response.context["org_form"].errors["credit_code"] == [expected]
    assert escape(expected) in response.content.decode()
    assert not Organization.objects.exists()
    assert not User.objects.filter(username="shoushan").exists()
    assert logged_in_user(client_en) is None


def test_the_same_code_twice_names_the_existing_organisation_and_how_to_join(client_en):
    code = valid_code()
    client_en.post(reverse("organization-register"), registration(code))
    client_en.logout()
    english(client_en)
    users_before = User.objects.count()

    response = client_en.post(reverse("organization-register"),
                              registration(f" {code} ", name="另一家公司", username="someone-else"))

    assert response.status_code == 200
    [message] = response.context["org_form"].errors["credit_code"]
    assert message == ("北京首善精密仪器有限公司 is already registered with this code. Ask its administrator to "
                       "invite you (Organisation → Invite a colleague) instead of registering it again.")
    assert escape(message) in response.content.decode()
    assert list(Organization.objects.values_list("name", flat=True)) == ["北京首善精密仪器有限公司"]
    assert User.objects.count() == users_before
    assert logged_in_user(client_en) is None


def test_weak_password_is_refused_and_nothing_is_created(client_en):
    response = client_en.post(reverse("organization-register"),
                              {**registration(valid_code()), "user-password": "12345678"})

    assert response.status_code == 200
    assert "user-password" not in response.context["account_form"].cleaned_data
    assert response.context["account_form"].errors["password"]
    assert not Organization.objects.exists()


# ------------------------------------------------------------------ invitations

@pytest.fixture
def org():
    return make_org(name="北京邀请测试有限公司")


@pytest.fixture
def admin(make_user, org):
    return make_rep(make_user, org, role=Membership.Role.ADMIN, full_name="李管理", language="en")


def invite(client, org, email, capture):
    with capture(execute=True):
        return client.post(reverse("organization-detail", args=[org.pk]), {"email": email}, follow=True)


def test_invitation_is_mailed_accepted_once_and_creates_a_member(
        client_en, org, admin, django_capture_on_commit_callbacks):
    client_en.force_login(admin)

    response = invite(client_en, org, "colleague@example.cn", django_capture_on_commit_callbacks)

    assert [str(m) for m in response.context["messages"]] == ["Invitation sent to colleague@example.cn."]
    invitation = Invitation.objects.get()
    assert (invitation.organization, invitation.email, invitation.invited_by, invitation.accepted_at) == (
        org, "colleague@example.cn", admin, None)
    [message] = mail.outbox
    assert message.to == ["colleague@example.cn"]
    assert "北京邀请测试有限公司" in message.subject
    link = reverse("invitation-accept", args=[invitation.token])
    assert re.search(r"https?://testserver" + re.escape(link), message.body)
    assert audit_events_for(org).filter(action="organization.invite").get().after == {"email": "colleague@example.cn"}

    client_en.logout()
    english(client_en)
    assert client_en.get(link).status_code == 200
    accepted = client_en.post(link, {"username": "colleague", "full_name": "陈同事", "email": "ignored@example.cn",
                                     "password": PASSWORD})

    assert accepted.status_code == 302
    assert accepted["Location"] == reverse("application-list")
    colleague = User.objects.get(username="colleague")
    assert (colleague.full_name, colleague.email) == ("陈同事", "colleague@example.cn")  # the invited address
    assert has_role(colleague, "applicant")
    assert Membership.objects.get(user=colleague).organization == org
    assert Membership.objects.get(user=colleague).role == Membership.Role.MEMBER
    invitation.refresh_from_db()
    assert (invitation.accepted_by, invitation.accepted_at is not None) == (colleague, True)
    assert logged_in_user(client_en) == colleague
    assert Notification.objects.filter(user=admin, subject="陈同事 joined 北京邀请测试有限公司").exists()

    # The link works once.
    client_en.logout()
    users = User.objects.count()
    assert client_en.get(link).status_code == 404
    reused = client_en.post(link, {"username": "intruder", "full_name": "X", "email": "x@example.cn",
                                   "password": PASSWORD})
    assert reused.status_code == 404
    assert User.objects.count() == users
    with pytest.raises(ValidationError):
        invitation_accept(token=invitation.token, username="intruder", password=PASSWORD, full_name="X")


def test_unknown_token_is_refused(client_en):
    assert client_en.get(reverse("invitation-accept", args=["not-a-token"])).status_code == 404


def test_a_member_who_is_not_administrator_cannot_invite(client_en, make_user, org, admin):
    member = make_rep(make_user, org, role=Membership.Role.MEMBER)
    client_en.force_login(member)
    events = AuditEvent.objects.count()

    page = client_en.get(reverse("organization-detail", args=[org.pk]))
    response = client_en.post(reverse("organization-detail", args=[org.pk]), {"email": "friend@example.cn"})

    assert page.status_code == 200 and page.context["is_admin"] is False
    assert response.status_code == 403
    assert not Invitation.objects.exists()
    assert mail.outbox == []
    assert AuditEvent.objects.count() == events


def test_outsiders_do_not_see_the_organisation(client_en, make_user, org, admin):
    outsider = make_rep(make_user, make_org())
    client_en.force_login(outsider)

    assert client_en.get(reverse("organization-detail", args=[org.pk])).status_code == 404
    assert client_en.post(reverse("organization-detail", args=[org.pk]), {"email": "x@example.cn"}).status_code == 404
    assert not Invitation.objects.exists()


def test_invalid_email_is_refused(client_en, org, admin, django_capture_on_commit_callbacks):
    client_en.force_login(admin)

    response = invite(client_en, org, "not-an-address", django_capture_on_commit_callbacks)

    assert [str(m) for m in response.context["messages"]] == ["Enter a valid email address."]
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_an_organisation_without_code_gets_one_clear_error():
    org = Organization(credit_code="", name="无代码公司", registered_on="2012-05-18")

    with english_active():
        with pytest.raises(ValidationError) as caught:
            org.full_clean()
        assert caught.value.message_dict["credit_code"] == ["This field cannot be blank."]


# ------------------------------------------------------------------ password rules, expiry

def test_registration_refuses_a_password_like_the_user_name_with_the_reason(client_en):
    response = client_en.post(reverse("organization-register"),
                              {**registration(valid_code(), username="shoushan2026"),
                               "user-password": "Shoushan2026"})

    assert response.status_code == 200
    assert response.context["account_form"].errors["password"] == ["The password is too similar to the username."]
    assert not Organization.objects.exists()
    assert not User.objects.filter(username="shoushan2026").exists()


def test_registration_service_runs_the_rules_with_the_user():
    from applications.registration import organization_register

    with pytest.raises(ValidationError) as caught, english_active():
        organization_register(org_form_data={}, username="wangzhiliang", password="Wangzhiliang!",
                              full_name="王质量", email="wang@example.cn")

    assert caught.value.message_dict["password"] == ["The password is too similar to the username."]
    assert not User.objects.filter(username="wangzhiliang").exists()


def test_invitation_refuses_a_password_like_the_invited_address(
        client_en, org, admin, django_capture_on_commit_callbacks):
    client_en.force_login(admin)
    invite(client_en, org, "chenxiaoming@example.cn", django_capture_on_commit_callbacks)
    client_en.logout()
    english(client_en)
    link = reverse("invitation-accept", args=[Invitation.objects.get().token])

    response = client_en.post(link, {"username": "colleague", "full_name": "陈同事", "email": "other@example.cn",
                                     "password": "Chenxiaoming1"})

    assert response.status_code == 200
    assert response.context["form"].errors["password"] == ["The password is too similar to the email address."]
    assert not User.objects.filter(username="colleague").exists()
    with pytest.raises(ValidationError) as caught, english_active():
        invitation_accept(token=Invitation.objects.get().token, username="chenxiaoming", password="Chenxiaoming1",
                          full_name="陈同事")
    assert caught.value.message_dict["password"] == ["The password is too similar to the username."]


def test_expired_invitation_says_so_and_the_administrator_invites_again(
        client_en, org, admin, settings, django_capture_on_commit_callbacks):
    settings.INVITATION_VALID_DAYS = 7
    client_en.force_login(admin)
    invite(client_en, org, "late@example.cn", django_capture_on_commit_callbacks)
    old = Invitation.objects.get()
    Invitation.objects.filter(pk=old.pk).update(created_at=old.created_at - datetime.timedelta(days=7, minutes=1))
    page = client_en.get(reverse("organization-detail", args=[org.pk]))
    assert "late@example.cn (expired: send the invitation again)" in page.content.decode()
    client_en.logout()
    english(client_en)
    link = reverse("invitation-accept", args=[old.token])

    shown = client_en.get(link)
    posted = client_en.post(link, {"username": "late", "full_name": "迟到", "email": "late@example.cn",
                                   "password": PASSWORD})

    assert (shown.status_code, posted.status_code) == (410, 410)
    message = shown.context["message"]
    assert message.startswith("This invitation expired on ")
    assert message.endswith("Ask 李管理 to invite you again from the page of 北京邀请测试有限公司.")
    assert escape(message) in shown.content.decode()
    assert not User.objects.filter(username="late").exists()
    with pytest.raises(ValidationError):
        invitation_accept(token=old.token, username="late", password=PASSWORD, full_name="迟到")

    client_en.force_login(admin)
    invite(client_en, org, "late@example.cn", django_capture_on_commit_callbacks)
    client_en.logout()
    english(client_en)
    fresh = Invitation.objects.exclude(pk=old.pk).get()
    accepted = client_en.post(reverse("invitation-accept", args=[fresh.token]),
                              {"username": "late", "full_name": "迟到", "email": "late@example.cn",
                               "password": PASSWORD})

    assert accepted.status_code == 302
    assert Membership.objects.filter(user__username="late", organization=org).exists()
