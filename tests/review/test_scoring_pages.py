"""The scoring pages: who reaches them (matrix), what the page shows, autosave with a version
check, the locked view, the leader's reopening and a constant number of queries."""

import pytest
from django.urls import reverse

from award_portal.audit import AuditEvent
from review import scoring
from review.models import GroupMember, Scorecard
from review.views_scoring import forget_stored_pages
from tests.review import matrix

pytestmark = pytest.mark.django_db


def submitted_card(o):
    """A submitted scorecard of expert_a on app_a, with expert_a made the leader of group A."""
    GroupMember.objects.filter(group=o.group_a).update(is_leader=False)
    GroupMember.objects.filter(group=o.group_a, expert=o.expert_a).update(is_leader=True)
    card = scoring.scorecard_for(o.expert_a, o.app_a)
    if card.status != Scorecard.Status.SUBMITTED:
        card = scoring.scorecard_save(scorecard_id=card.pk, expert=o.expert_a, version=card.version,
                                      items={r.item_id: {"percent": 50} for r in scoring.item_scores(card)})
        card = scoring.scorecard_submit(scorecard_id=card.pk, expert=o.expert_a, version=card.version)
    return card.pk


MATRIX = {
    "review-scorecard": ("get", lambda o: [o.app_a.pk], {"expert_a"}),
    "review-scorecard-autosave": ("post", lambda o: [o.app_a.pk], {"expert_a"}),
    "review-scorecard-reopen": ("post", lambda o: [submitted_card(o)], {"expert_a"}),
}


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_matrix(client, review_objects, name):
    matrix.check(client, review_objects, name, MATRIX[name])


def login(client, user):
    client.logout()
    client.force_login(user)
    return client


def test_the_page_shows_every_item_with_bands_and_links(client, review_objects):
    o = review_objects
    response = login(client, o.users["expert_a"]).get(reverse("review-scorecard", args=[o.app_a.pk]))
    assert response.status_code == 200
    card = Scorecard.objects.get(application=o.app_a, expert=o.expert_a)
    html = response.content.decode()
    for row in scoring.item_scores(card):
        assert f'name="p-{row.item_id}"' in html and f'name="s-{row.item_id}"' in html
    assert reverse("review-application-read", args=[o.app_a.pk]) in html
    assert reverse("review-scorecard-autosave", args=[o.app_a.pk]) in html
    assert "data-bands=" in html and "data-confirm=" in html and "<script>" not in html
    assert "js/scorecard.js" in html
    # The organisation's big-data feedback beside the form (the panel the office sees too).
    assert 'id="bigdata-feedback"' in html
    other = login(client, o.users["expert_a"]).get(reverse("review-scorecard", args=[o.app_b.pk]))
    assert other.status_code == 404


def test_the_page_runs_a_constant_number_of_queries(client, review_objects, django_assert_max_num_queries):
    o = review_objects
    login(client, o.users["expert_a"])
    url = reverse("review-scorecard", args=[o.app_a.pk])
    client.get(url)  # creates the scorecard
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from django.core.cache import cache

    cache.clear()  # the items rendered afresh, not from the cache of an unchanged scorecard
    forget_stored_pages()
    with CaptureQueriesContext(connection) as full:
        client.get(url)
    # Half the items removed: the same number of queries.
    cache.clear()
    forget_stored_pages()
    card = Scorecard.objects.get(application=o.app_a, expert=o.expert_a)
    ids = list(card.item_scores.values_list("pk", flat=True))
    card.item_scores.filter(pk__in=ids[: len(ids) // 2]).delete()
    with django_assert_max_num_queries(len(full.captured_queries)):
        with CaptureQueriesContext(connection) as half:
            client.get(url)
    assert len(half.captured_queries) == len(full.captured_queries)
    assert len(full.captured_queries) < 40


def test_an_unchanged_scorecard_is_served_from_the_cache_but_never_past_a_save_or_a_lost_access(
        client, review_objects):
    from django.core.cache import cache

    from review.models import Conflict

    o = review_objects
    login(client, o.users["expert_a"])
    url = reverse("review-scorecard", args=[o.app_a.pk])
    cache.clear()
    client.get(url)
    card = Scorecard.objects.get(application=o.app_a, expert=o.expert_a)
    item = scoring.item_scores(card)[0]
    assert client.get(url).status_code == 200
    # A save (here through the service, as the API or another tab would) shows on the next view.
    scoring.scorecard_save(scorecard_id=card.pk, expert=o.expert_a, version=card.version,
                           items={item.item_id: {"percent": 35, "strengths": "缓存之后的新优势"}})
    html = client.get(url).content.decode()
    assert "缓存之后的新优势" in html and '<option value="35" selected>' in html
    # A conflict found now takes the page away at once, cached items or not.
    Conflict.objects.create(expert=o.expert_a, organization=o.app_a.organization, source=Conflict.Source.OFFICE,
                            reason=Conflict.Reason.EXCLUSION, detail="缓存测试")
    assert client.get(url).status_code == 404


def test_the_compiled_access_check_agrees_with_the_queryset_for_every_user_and_application(review_objects):
    from review import access

    o = review_objects
    users = [m.expert.user for g in o.groups for m in g.members.select_related("expert__user")
             if m.expert.user is not None] + list(o.users.values())
    assert users
    checked = 0
    for user in users:
        listed = set(access.reviewable_applications(user).values_list("pk", flat=True))
        for application in o.applications:
            assert access.can_review(user, application) == (application.pk in listed)
            checked += 1
    assert checked and any(access.can_review(u, a) for u in users for a in o.applications)


def post_autosave(client, o, data):
    return client.post(reverse("review-scorecard-autosave", args=[o.app_a.pk]), data)


def test_autosave_saves_and_refuses_a_stale_version_with_both_values(client, review_objects):
    o = review_objects
    login(client, o.users["expert_a"])
    card = scoring.scorecard_for(o.expert_a, o.app_a)
    item = scoring.item_scores(card)[0].item_id
    response = post_autosave(client, o, {"version": card.version, f"p-{item}": "45", f"s-{item}": "Clear approach"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["ok"] and body["version"] == card.version + 1
    assert body["totals"]["overall"] != "0"
    stale = post_autosave(client, o, {"version": card.version, f"p-{item}": "80", f"s-{item}": "Other tab"})
    assert stale.status_code == 409
    body = stale.json()
    assert body["code"] == "stale" and body["stored"][f"p-{item}"] == "45"
    assert body["stored"][f"s-{item}"] == "Clear approach" and body["version"] == card.version + 1
    assert card.item_scores.get(item_id=item).percent == 45
    bad = post_autosave(client, o, {"version": card.version + 1, f"p-{item}": "42"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"


def test_a_stale_page_save_shows_the_conflict_and_keeps_the_users_text(client, review_objects):
    o = review_objects
    login(client, o.users["expert_a"])
    card = scoring.scorecard_for(o.expert_a, o.app_a)
    item = scoring.item_scores(card)[0].item_id
    scoring.scorecard_save(scorecard_id=card.pk, expert=o.expert_a, version=card.version,
                           items={item: {"strengths": "Saved elsewhere"}})
    response = client.post(reverse("review-scorecard", args=[o.app_a.pk]),
                           {"version": card.version, f"s-{item}": "Typed here", "action": "save"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Typed here" in html and "Saved elsewhere" in html and 'class="draft-conflict"' in html


def test_a_locked_scorecard_refuses_page_and_autosave_writes_and_shows_read_only(client, review_objects):
    o = review_objects
    card_id = submitted_card(o)
    card = Scorecard.objects.get(pk=card_id)
    item = scoring.item_scores(card)[0].item_id
    login(client, o.users["expert_a"])
    response = post_autosave(client, o, {"version": card.version, f"p-{item}": "100"})
    assert response.status_code == 409 and response.json()["code"] == "locked"
    response = client.post(reverse("review-scorecard", args=[o.app_a.pk]),
                           {"version": card.version, f"p-{item}": "100", "action": "save"})
    assert response.status_code == 409
    assert card.item_scores.get(item_id=item).percent == 50
    page = client.get(reverse("review-scorecard", args=[o.app_a.pk])).content.decode()
    assert "disabled" in page and "readonly" in page and 'value="submit"' not in page


def test_the_page_submits_and_the_leader_reopens_with_a_reason(client, review_objects):
    o = review_objects
    login(client, o.users["expert_a"])
    card = scoring.scorecard_for(o.expert_a, o.app_a)
    data = {"version": card.version, "action": "submit", "overall_comment": "Good"}
    data.update({f"p-{r.item_id}": "65" for r in scoring.item_scores(card)})
    response = client.post(reverse("review-scorecard", args=[o.app_a.pk]), data)
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.status == Scorecard.Status.SUBMITTED
    submitted_card(o)  # makes expert_a the leader
    page = client.get(reverse("review-scorecard", args=[o.app_a.pk])).content.decode()
    assert reverse("review-scorecard-reopen", args=[card.pk]) in page
    client.post(reverse("review-scorecard-reopen", args=[card.pk]), {"reason": ""})
    card.refresh_from_db()
    assert card.status == Scorecard.Status.SUBMITTED
    client.post(reverse("review-scorecard-reopen", args=[card.pk]), {"reason": "Re-check 4.7"})
    card.refresh_from_db()
    assert card.status == Scorecard.Status.DRAFT
    assert AuditEvent.objects.filter(action="review.scorecard_reopened").count() == 1
    # Another group's expert cannot reopen it (404).
    login(client, o.users["expert_b"])
    assert client.post(reverse("review-scorecard-reopen", args=[card.pk]), {"reason": "x"}).status_code == 404


# --- API ------------------------------------------------------------------------------------


def test_the_api_reads_saves_with_a_version_check_submits_and_refuses_a_locked_scorecard(client, review_objects):
    o = review_objects
    login(client, o.users["expert_a"])
    url = reverse("api-review-scorecard", args=[o.app_a.pk])
    body = client.get(url).json()
    assert body["status"] == "draft" and body["items"] and body["total"] == "0.00"
    version, first = body["version"], body["items"][0]
    saved = client.put(url, {"version": version, "items": {str(first["item"]): {"percent": 100, "strengths": "A"}}},
                       content_type="application/json")
    assert saved.status_code == 200, saved.content
    assert saved.json()["items"][0]["points"] == f"{first['max_points']}.00"
    stale = client.put(url, {"version": version, "items": {str(first["item"]): {"percent": 10}}},
                       content_type="application/json")
    assert stale.status_code == 409 and stale.json()["code"] == "stale"
    assert stale.json()["current"]["values"][f"p-{first['item']}"] == "100"
    bad = client.put(url, {"version": version + 1, "items": {str(first["item"]): {"percent": 33}}},
                     content_type="application/json")
    assert bad.status_code == 400
    items = {str(i["item"]): {"percent": 50} for i in body["items"]}
    current = client.put(url, {"version": version + 1, "items": items}, content_type="application/json").json()
    submit = reverse("api-review-scorecard-submit", args=[o.app_a.pk])
    assert client.post(submit, {"version": version}, content_type="application/json").status_code == 409
    done = client.post(submit, {"version": current["version"]}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "submitted"
    locked = client.put(url, {"version": done.json()["version"], "items": {str(first["item"]): {"percent": 5}}},
                        content_type="application/json")
    assert locked.status_code == 409 and locked.json()["code"] == "locked"
    # Another group's expert: 404 for the scorecard and its submission.
    login(client, o.users["expert_b"])
    assert client.get(url).status_code == 404
    assert client.put(url, {"version": 1}, content_type="application/json").status_code == 404
    assert client.post(submit, {"version": 1}, content_type="application/json").status_code == 404
