"""Roles, the menu each role sees, who may open the audit trail, and the language switch."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from award_portal import demo
from award_portal.audit import audit_record
from award_portal.navigation import items_for
from award_portal.roles import Role, can_read_everything, primary_role, user_roles

pytestmark = pytest.mark.django_db

#: The foundation's own menu entries; apps add more, which these tests leave alone.
FOUNDATION_NAV = {"home", "audit-trail", "calendar"}
READERS = {Role.OFFICE, Role.SUPERVISOR}
OUTSIDERS = sorted(set(Role) - READERS)


def nav_names(response) -> list[str]:
    return re.findall(r'data-nav="([^"]+)"', response.content.decode())


def foundation_nav(response) -> set[str]:
    return set(nav_names(response)) & FOUNDATION_NAV


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


@pytest.fixture
def demo_users():
    # The role groups come from a data migration; make sure they are there however the
    # database was prepared.
    for role in Role:
        Group.objects.get_or_create(name=str(role))
    return demo.load()


# --- Logging in through the form ------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_login_form_each_role_sees_its_own_navigation(client, demo_users, role):
    response = client.post("/accounts/login/", {"username": str(role), "password": demo.DEMO_PASSWORD})

    assert (response.status_code, response.url) == (302, "/")
    assert client.session["_auth_user_id"] == str(demo_users[str(role)].pk)
    home = client.get("/")
    assert home.status_code == 200
    assert f'data-roles="{role}"' in home.content.decode()
    expected = {"home", "audit-trail", "calendar"} if role in READERS else {"home"}
    assert foundation_nav(home) == expected


def test_login_form_with_csrf_enforced(demo_users):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)

    response = client.post("/accounts/login/", {
        "username": "office", "password": demo.DEMO_PASSWORD, "csrfmiddlewaretoken": token,
    })

    assert (response.status_code, response.url) == (302, "/")


def test_login_form_wrong_password_refused(client, demo_users):
    response = client.post("/accounts/login/", {"username": "office", "password": "wrong"})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_logout_returns_to_anonymous_home(client, demo_users):
    client.force_login(demo_users["office"])

    response = client.post("/accounts/logout/")

    assert (response.status_code, response.url) == (302, "/")
    assert "_auth_user_id" not in client.session


# --- Anonymous visitors ---------------------------------------------------------------------


def test_home_anonymous_sees_public_navigation(client):
    response = client.get("/")

    assert response.status_code == 200
    assert foundation_nav(response) == {"home"}
    assert 'href="/accounts/login/"' in response.content.decode()


@pytest.mark.parametrize("path", ["/audit/", "/calendar/"])
def test_protected_pages_anonymous_redirected_to_login(client, path):
    response = client.get(path)

    assert (response.status_code, response.url) == (302, f"/accounts/login/?next={path}")


# --- The audit trail page -------------------------------------------------------------------


@pytest.mark.parametrize("role", OUTSIDERS)
def test_audit_trail_forbidden_to_other_roles(client, make_user, role):
    client.force_login(make_user(role=role))

    assert client.get("/audit/").status_code == 403


@pytest.mark.parametrize("role", sorted(READERS))
def test_audit_trail_readers_see_entries(client, make_user, role):
    audit_record(action="application.submitted", object_repr="杭州某某制造有限公司")
    audit_record(action="expert.assigned", object_repr="陈专家")
    client.force_login(make_user(role=role))

    response = client.get("/audit/")

    assert response.status_code == 200
    # The log-in and the group grants are in the trail too (auth.*, privilege.*).
    assert [e.action for e in response.context["page"] if e.action in ("expert.assigned", "application.submitted")] == [
        "expert.assigned", "application.submitted"]
    assert "杭州某某制造有限公司" in response.content.decode()


def test_audit_trail_search_filters_entries(client, make_user):
    audit_record(action="application.submitted", object_repr="杭州某某制造有限公司")
    audit_record(action="expert.assigned", object_repr="陈专家")
    client.force_login(make_user(role=Role.SUPERVISOR))

    by_action = client.get("/audit/", {"q": "expert"})
    by_object = client.get("/audit/", {"q": "杭州"})

    assert [e.action for e in by_action.context["page"]] == ["expert.assigned"]
    assert [e.action for e in by_object.context["page"]] == ["application.submitted"]


def test_audit_trail_superuser_allowed(client, make_user):
    client.force_login(make_user(is_superuser=True, is_staff=True))

    assert client.get("/audit/").status_code == 200


def test_audit_trail_query_count_independent_of_entries(client, make_user):
    actor = make_user(role=Role.OFFICE)
    client.force_login(make_user(role=Role.SUPERVISOR))

    def entries_and_queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/audit/", {"q": "test.entry"})  # not the log-in's own entries
        return len(response.context["page"]), len(captured)

    audit_record(action="test.entry", actor=actor)
    entries_one, queries_one = entries_and_queries()
    audit_record(action="test.entry", actor=actor)
    audit_record(action="test.entry", actor=actor)
    entries_three, queries_three = entries_and_queries()

    assert (entries_one, entries_three) == (1, 3)
    assert queries_one == queries_three


# --- Role predicates and the menu -----------------------------------------------------------


def test_primary_role_is_the_most_powerful_held(make_user):
    user = make_user(role=Role.APPLICANT)
    user.groups.add(Group.objects.get(name=str(Role.OFFICE)))

    assert primary_role(user) == "office"


def test_user_roles_ignore_groups_that_are_not_roles(make_user):
    user = make_user(role=Role.EXPERT)
    user.groups.add(Group.objects.create(name="newsletter"))

    assert user_roles(user) == frozenset({"expert"})


def test_role_predicates_for_anonymous():
    anonymous = AnonymousUser()

    assert (user_roles(anonymous), primary_role(anonymous), can_read_everything(anonymous)) == (
        frozenset(), None, False,
    )


def test_navigation_superuser_sees_every_item(make_user):
    names = {item["name"] for item in items_for(make_user(is_superuser=True))}

    assert FOUNDATION_NAV <= names


# --- Language -------------------------------------------------------------------------------


def test_default_language_is_simplified_chinese(client):
    assert html_lang(client.get("/")) == "zh-hans"


def test_language_switch_to_english_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)

    assert response.redirect_chain == [("/", 302)]
    assert html_lang(response) == "en"
    assert html_lang(client.get("/")) == "en"

    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"}, follow=True)

    assert html_lang(response) == "zh-hans"
