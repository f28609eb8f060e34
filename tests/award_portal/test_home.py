"""The home page per role: each user lands on exactly their pending work (award_portal.todo and
the applications app's provider), nothing of other organisations or authorities, and the page
costs the same number of queries with one or three items."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.enums import ApplicationState, RoundPhase
from applications.models import Application
from award_portal.todo import PROVIDERS, TodoItem, register_todo, todo_for
from tests.applications.support import (
    advance,
    authority,
    draft,
    english,
    make_org,
    make_recommender_user,
    make_rep,
    open_round,
    put_in_state,
    recommended_application,
    submitted_application,
)

pytestmark = pytest.mark.django_db


def todo_urls(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'data-todo="([^"]+)"', response.content.decode())


def detail(application) -> str:
    return reverse("application-detail", args=[application.pk])


@pytest.fixture
def rnd():
    return open_round()


@pytest.fixture
def org():
    return make_org()


@pytest.fixture
def rep(make_user, org):
    return make_rep(make_user, org)


@pytest.fixture
def recommender(make_user, rnd):
    return make_recommender_user(make_user, rnd.program)


# --- the applicant ---------------------------------------------------------------------------


def test_home_applicant_lists_its_applications_and_open_rounds_only(client, make_user, rnd, org, rep):
    mine = draft(rnd, org, rep)
    other_org = make_org()
    other = draft(rnd, other_org, make_rep(make_user, other_org))
    later = open_round("anhui")
    finished = put_in_state(draft(later, org, rep), ApplicationState.WITHDRAWN)
    fresh = open_round("hangzhou")
    client.force_login(rep)

    urls = todo_urls(client.get("/"))

    assert urls == [detail(mine), reverse("application-start")]
    assert detail(other) not in urls and detail(finished) not in urls
    assert fresh.name_zh in client.get("/").content.decode()


def test_home_applicant_sees_feedback_of_a_returned_application(client, rnd, org, rep):
    application = put_in_state(draft(rnd, org, rep), ApplicationState.RETURNED)
    Application.objects.filter(pk=application.pk).update(feedback="请补充近三年纳税证明。")
    client.force_login(rep)

    body = client.get("/").content.decode()

    assert "请补充近三年纳税证明。" in body
    assert todo_urls(client.get("/"))[0] == detail(application)


def test_home_applicant_overdue_draft_is_marked(client, rnd, org, rep):
    application = draft(rnd, org, rep)
    type(rnd).objects.filter(pk=rnd.pk).update(application_deadline=timezone.now() - datetime.timedelta(days=3))
    client.force_login(rep)

    body = client.get("/").content.decode()

    assert f'class="todo-item overdue" data-todo="{detail(application)}"' in body


# --- the recommender -------------------------------------------------------------------------


def test_home_recommender_lists_only_applications_awaiting_it(client, make_user, rnd, org, rep, recommender):
    waiting = submitted_application(rnd, org, rep)
    org2 = make_org()
    rep2 = make_rep(make_user, org2)
    done = recommended_application(rnd, org2, rep2, recommender)
    org3 = make_org()
    still_draft = draft(rnd, org3, make_rep(make_user, org3))
    org4 = make_org()
    elsewhere = submitted_application(rnd, org4, make_rep(make_user, org4))
    other_authority = rnd.program.recommenders.exclude(pk=authority(rnd.program).pk).first()
    Application.objects.filter(pk=elsewhere.pk).update(recommender=other_authority)
    client.force_login(recommender)

    assert todo_urls(client.get("/")) == [detail(waiting)]
    listed = client.get(reverse("application-list") + "?awaiting=recommendation").content.decode()
    assert waiting.number in listed
    for application in (done, still_draft, elsewhere):
        assert application.number not in listed


def test_recommender_menu_points_at_the_awaiting_list(client, recommender):
    client.force_login(recommender)

    body = client.get("/").content.decode()

    assert 'href="/applications/?awaiting=recommendation"' in body


# --- the office ------------------------------------------------------------------------------


def test_home_office_lists_rounds_in_progress_with_what_is_due(client, make_user, rnd, org, rep, recommender):
    recommended_application(rnd, org, rep, recommender)
    advance(rnd, RoundPhase.RECOMMENDATION)
    advance(rnd, RoundPhase.ELIGIBILITY)
    type(rnd).objects.filter(pk=rnd.pk).update(eligibility_deadline=datetime.date(2020, 1, 10))
    closed = open_round("anhui")
    type(closed).objects.filter(pk=closed.pk).update(phase=RoundPhase.CLOSED)
    office = make_user(role="office")
    client.force_login(office)

    body = client.get("/").content.decode()

    dashboard = reverse("round-dashboard", args=[rnd.pk])
    assert todo_urls(client.get("/")) == [dashboard]
    assert f'class="todo-item overdue" data-todo="{dashboard}"' in body
    assert "1 application to decide in this phase" in english(client).get("/").content.decode()


def test_home_roles_without_work_see_nothing_waiting(client, make_user, rnd, org, rep):
    submitted_application(rnd, org, rep)
    for role in ("expert", "committee", "supervisor"):
        client.force_login(make_user(role=role))
        assert todo_urls(client.get("/")) == []


def test_home_anonymous_visitor_has_no_todo(client, rnd):
    assert todo_urls(client.get("/")) == []


# --- the registry ----------------------------------------------------------------------------


def test_register_todo_adds_a_provider_once(make_user):
    def provider(user):
        return [TodoItem(title="打分", url="/review/1/", section="待打分", order=40)]

    try:
        register_todo(provider)
        register_todo(provider)
        assert PROVIDERS.count(provider) == 1
        sections = todo_for(make_user(role="expert"))
        assert [s["title"] for s in sections] == ["待打分"]
    finally:
        PROVIDERS.remove(provider)


# --- query counts ----------------------------------------------------------------------------


def home_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    return len(ctx)


def test_home_query_count_is_bounded_for_the_recommender(client, make_user, rnd, recommender):
    client.force_login(recommender)

    def add():
        o = make_org()
        submitted_application(rnd, o, make_rep(make_user, o))

    add()
    one = home_queries(client)
    add()
    add()
    assert home_queries(client) == one


def test_home_query_count_is_bounded_for_the_applicant(client, make_user, org, rep):
    client.force_login(rep)
    draft(open_round(), org, rep)
    one = home_queries(client)
    draft(open_round("anhui"), org, rep)
    draft(open_round("hangzhou"), org, rep)
    assert home_queries(client) == one


def test_home_query_count_is_bounded_for_the_office(client, make_user):
    client.force_login(make_user(role="office"))
    open_round()
    one = home_queries(client)
    open_round("anhui")
    open_round("hangzhou")
    assert home_queries(client) == one
