"""The scoring page served from its stored copy (issue 13's throughput): what it costs, and that
nothing it shows is ever served stale past a change — a save, a submission in the group, a lost
access, a new notification, a message, the language — and that its CSRF token is the request's."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from award_portal.notifications import notify
from review import access, scoring, views_scoring
from review.models import Conflict, GroupMember, Scorecard
from review.views_scoring import forget_stored_pages

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def expert_client(o, *, csrf=False):
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(o.users["expert_a"])
    return client


def card_of(o):
    return scoring.scorecard_for(o.expert_a, o.app_a)


def stored_page(o, **kwargs):
    """expert_a's client and scorecard URL of app_a, the page viewed once (so it is stored)."""
    card_of(o)
    client, url = expert_client(o, **kwargs), reverse("review-scorecard", args=[o.app_a.pk])
    client.get(url)
    return client, url


def test_a_second_view_is_served_from_the_stored_page_with_three_statements_at_most(review_objects):
    o = review_objects
    card_of(o)
    client, url = expert_client(o), reverse("review-scorecard", args=[o.app_a.pk])
    cache.clear()
    forget_stored_pages()
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as second:
        again = client.get(url)
    assert again.status_code == 200
    # The session (without a shared cache), the account with its roles, the page state.
    assert len(second.captured_queries) <= 3 < len(first.captured_queries)
    assert f'name="version" value="{card_of(o).version}"' in again.content.decode()


def test_each_view_gets_its_own_csrf_token_and_a_save_from_a_stored_page_passes_the_check(review_objects):
    o = review_objects
    card = card_of(o)
    client, url = expert_client(o, csrf=True), reverse("review-scorecard", args=[o.app_a.pk])
    cache.clear()
    forget_stored_pages()
    first, second = client.get(url).content.decode(), client.get(url).content.decode()
    tokens = TOKEN.findall(second)
    assert tokens and views_scoring.CSRF_PLACEHOLDER not in second
    assert TOKEN.findall(first)[0] != tokens[0]  # masked afresh for each response
    item = scoring.item_scores(card)[0]
    response = client.post(url, {"csrfmiddlewaretoken": tokens[0], "version": card.version,
                                 f"p-{item.item_id}": "40", "action": "save"})
    assert response.status_code == 302
    assert scoring.item_scores(Scorecard.objects.get(pk=card.pk))[0].percent == 40


def test_the_page_follows_a_save_and_shows_its_message_once(review_objects):
    o = review_objects
    card = card_of(o)
    client, url = expert_client(o), reverse("review-scorecard", args=[o.app_a.pk])
    client.get(url)
    client.get(url)
    item = scoring.item_scores(card)[0]
    client.post(url, {"version": card.version, f"p-{item.item_id}": "45", f"s-{item.item_id}": "存后可见",
                      "action": "save", "csrfmiddlewaretoken": "x"})
    after = client.get(url).content.decode()
    assert "存后可见" in after and 'class="messages"' in after
    assert 'class="messages"' not in client.get(url).content.decode()


def test_the_leader_sees_a_submission_in_the_group_at_once(review_objects):
    o = review_objects
    GroupMember.objects.filter(group=o.group_a).update(is_leader=False)
    GroupMember.objects.filter(group=o.group_a, expert=o.expert_a).update(is_leader=True)
    card_of(o)
    other = GroupMember.objects.filter(group=o.group_a).exclude(expert=o.expert_a).first().expert
    theirs = scoring.scorecard_for(other, o.app_a)
    client, url = expert_client(o), reverse("review-scorecard", args=[o.app_a.pk])
    before = client.get(url).content.decode()
    assert f'data-scorecard="{theirs.pk}"' in before and "scorecard-reopen" not in before
    theirs = scoring.scorecard_save(scorecard_id=theirs.pk, expert=other, version=theirs.version,
                                    items={r.item_id: {"percent": 50} for r in scoring.item_scores(theirs)})
    scoring.scorecard_submit(scorecard_id=theirs.pk, expert=other, version=theirs.version)
    assert "scorecard-reopen" in client.get(url).content.decode()


def test_a_new_notification_and_another_language_are_never_served_from_the_stored_page(review_objects):
    o = review_objects
    client, url = stored_page(o)
    assert 'class="badge unread"' not in client.get(url).content.decode()
    notify(o.users["expert_a"], lambda: ("测试通知", "正文"), email=False)
    assert 'class="badge unread">1<' in client.get(url).content.decode()
    client.cookies["django_language"] = "en"
    assert "Scorecard" in client.get(url).content.decode()


def test_a_lost_access_answers_404_though_the_page_is_stored(review_objects):
    o = review_objects
    client, url = stored_page(o)
    assert client.get(url).status_code == 200
    Conflict.objects.create(expert=o.expert_a, organization=o.app_a.organization, source=Conflict.Source.OFFICE,
                            reason=Conflict.Reason.EXCLUSION, detail="缓存测试")
    assert client.get(url).status_code == 404


def test_a_stored_page_is_never_served_to_another_session(review_objects):
    o = review_objects
    card_of(o)
    url = reverse("review-scorecard", args=[o.app_a.pk])
    expert_client(o).get(url)
    stranger = Client()
    stranger.force_login(o.users["expert_b"])
    assert stranger.get(url).status_code == 404


def test_the_page_state_agrees_with_the_access_check_for_every_user_and_application(review_objects):
    o = review_objects
    for application in o.applications:
        for expert in [m.expert for g in o.groups for m in g.members.select_related("expert__user")]:
            if access.expert_can_review(expert, application):
                scoring.scorecard_for(expert, application)
    users = [m.expert.user for g in o.groups for m in g.members.select_related("expert__user")] + list(o.users.values())
    seen = 0
    for user in users:
        for application in o.applications:
            state = access.scoring_page_state(user, application.pk)
            assert (state is not None) == access.can_review(user, application)
            if state is not None:
                own = Scorecard.objects.get(application=application, expert__user=user, stage=state["stage"])
                assert state["card"] == (own.pk, own.expert_id, own.version, own.status)
                seen += 1
    assert seen


def test_the_watermark_on_a_stored_page_carries_the_time_of_each_request(review_objects, monkeypatch):
    o = review_objects
    client, url = stored_page(o)
    monkeypatch.setattr(views_scoring, "watermark_time", lambda when=None: "2031-01-02 03:04")
    html = client.get(url).content.decode()
    assert html.count(f"{o.expert_a.name} · 2031-01-02 03:04") == 13  # the data attribute and 12 cells
    assert views_scoring.TIME_PLACEHOLDER not in html
