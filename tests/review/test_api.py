"""The review API: who may call what (the matrix), what an expert sees of their own groups and
nothing of others', conflict declarations, the draw number, replays and groups."""

import pytest
from django.urls import reverse

from award_portal.roles import Role
from review.models import Conflict, ExpertDraw, GroupMember
from tests.review import matrix

pytestmark = pytest.mark.django_db

POOL_READERS = matrix.POOL_READERS
OWN_PROFILE = {"expert_a", "expert_b", "expert_none"}

MATRIX = {
    "api-review-expert-list": ("get", None, POOL_READERS),
    "api-review-expert-detail": ("get", lambda o: [o.expert_a.pk], POOL_READERS),
    "api-review-me": ("get", None, OWN_PROFILE),
    "api-review-my-assignments": ("get", None, OWN_PROFILE),
    "api-review-my-assignment": ("get", lambda o: [o.app_a.pk], {"expert_a"}),
    "api-review-conflict-declare": ("post", lambda o: [o.app_a.pk], {"expert_a"}),
    "api-review-scorecard": ("get", lambda o: [o.app_a.pk], {"expert_a"}),
    "api-review-scorecard-submit": ("post", lambda o: [o.app_a.pk], {"expert_a"}),
    "api-review-draw-list": ("get", lambda o: [o.round.pk], POOL_READERS),
    "api-review-draw-detail": ("get", lambda o: [o.draw.pk], POOL_READERS),
    "api-review-draw-replay": ("get", lambda o: [o.draw.pk], {Role.OFFICE, Role.SUPERVISOR}),
    "api-review-draw-run": ("post", lambda o: [o.draw.pk], {Role.SUPERVISOR}),
    "api-review-group-list": ("get", lambda o: [o.round.pk, "material"], POOL_READERS),
}


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_matrix(client, review_objects, name):
    matrix.check(client, review_objects, name, MATRIX[name])


def as_user(client, user):
    client.logout()
    client.force_login(user)
    return client


def group_app_ids(group):
    return set(group.assignments.values_list("application_id", flat=True))


# --- The expert's own -----------------------------------------------------------------------


def test_an_expert_lists_exactly_the_applications_of_their_group(client, review_objects):
    o = review_objects
    body = as_user(client, o.users["expert_a"]).get(reverse("api-review-my-assignments")).json()
    rows = body["results"]
    assert {r["id"] for r in rows} == group_app_ids(o.group_a)
    row = rows[0]
    assert set(row) == {"id", "number", "title", "organization", "round", "round_name", "stage", "group"}
    assert row["stage"] == "material" and row["group"] == o.group_a.number and row["round"] == o.round.pk
    # Another group's applications, one by one: 404, as if they did not exist.
    for app_id in group_app_ids(o.group_b):
        assert client.get(reverse("api-review-my-assignment", args=[app_id])).status_code == 404
        response = client.post(reverse("api-review-conflict-declare", args=[app_id]), {"detail": "x"})
        assert response.status_code == 404
    assert Conflict.objects.count() == 0
    assert client.get(reverse("api-review-my-assignment", args=[2**62])).status_code == 404


def test_an_expert_outside_any_group_sees_nothing(client, review_objects):
    o = review_objects
    as_user(client, o.users["expert_none"])
    assert client.get(reverse("api-review-my-assignments")).json()["results"] == []
    assert client.get(reverse("api-review-my-assignment", args=[o.app_a.pk])).status_code == 404
    me = client.get(reverse("api-review-me")).json()
    assert me["id"] == o.spare.pk and me["qualified"] is True


def test_the_expert_role_without_a_profile_is_refused_with_a_translated_message(client, review_objects):
    response = as_user(client, review_objects.users[Role.EXPERT]).get(reverse("api-review-me"))
    assert response.status_code == 403
    assert response.json()["detail"] == "只有专家库中的专家才有此页面。"


def test_declaring_a_conflict_removes_access_at_once(client, review_objects):
    o = review_objects
    as_user(client, o.users["expert_a"])
    url = reverse("api-review-conflict-declare", args=[o.app_a.pk])

    blank = client.post(url, {"detail": "  "}, content_type="application/json")
    assert blank.status_code == 400
    response = client.post(url, {"detail": "曾为该单位提供咨询服务"}, content_type="application/json")

    assert response.status_code == 201, response.content
    assert response.json()["source"] == Conflict.Source.DECLARED
    assert not GroupMember.objects.filter(group=o.group_a, expert=o.expert_a).exists()
    assert client.get(reverse("api-review-my-assignment", args=[o.app_a.pk])).status_code == 404
    assert client.get(reverse("api-review-my-assignments")).json()["results"] == []
    # No longer in the group: the application is outside their groups now.
    assert client.post(url, {"detail": "again"}).status_code == 404


# --- Draws ----------------------------------------------------------------------------------


def test_the_supervisor_runs_the_draw_and_anyone_allowed_can_replay_it(client, review_objects):
    o = review_objects
    run = reverse("api-review-draw-run", args=[o.draw.pk])

    office = as_user(client, o.users[Role.OFFICE]).post(run, {"public_input": "4711"})
    assert office.status_code == 403
    assert ExpertDraw.objects.get(pk=o.draw.pk).status == ExpertDraw.Status.FROZEN

    as_user(client, o.users[Role.SUPERVISOR])
    bad = client.post(run, {"public_input": "12ab"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "input"
    assert bad.json()["detail"] == "请输入1至18位数字。"
    made = client.post(run, {"public_input": "4711"}, content_type="application/json")
    assert made.status_code == 200, made.content
    body = made.json()
    assert body["status"] == "drawn" and len(body["result"]) == 1 and body["public_input"] == "4711"
    assert body["seed"] and body["algorithm"] and body["candidates_sha256"]
    assert [d["expert"] for d in body["drawn"]] == body["result"]

    again = client.post(run, {"public_input": "4711"}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "state"

    replay = as_user(client, o.users[Role.OFFICE]).get(reverse("api-review-draw-replay", args=[o.draw.pk])).json()
    assert replay["hash_matches"] and replay["result_matches"] and replay["result"] == body["result"]

    detail = client.get(reverse("api-review-draw-detail", args=[o.draw.pk])).json()
    for key in ("constraints", "candidates", "candidates_sha256", "public_input", "seed", "algorithm", "result"):
        assert detail[key] == body[key]
    listed = client.get(reverse("api-review-draw-list", args=[o.round.pk])).json()["results"]
    assert [d["id"] for d in listed] == [o.draw.pk] and listed[0]["candidates_count"] == len(detail["candidates"])


def test_a_tampered_candidate_list_is_refused_and_shown_by_the_replay(client, review_objects):
    o = review_objects
    ExpertDraw.objects.filter(pk=o.draw.pk).update(candidates=o.draw.candidates[:-1] or [[1, "C", "11"]])
    as_user(client, o.users[Role.SUPERVISOR])

    response = client.post(reverse("api-review-draw-run", args=[o.draw.pk]), {"public_input": "1"})

    assert response.status_code == 409 and response.json()["code"] == "tampered"
    assert client.get(reverse("api-review-draw-replay", args=[o.draw.pk])).json()["hash_matches"] is False


def test_draws_of_an_unknown_round_or_draw_are_404(client, review_objects):
    as_user(client, review_objects.users[Role.OFFICE])
    assert client.get(reverse("api-review-draw-list", args=[2**62])).status_code == 404
    assert client.get(reverse("api-review-draw-detail", args=[2**62])).status_code == 404
    assert client.get(reverse("api-review-expert-detail", args=[2**62])).status_code == 404


# --- Groups and the pool --------------------------------------------------------------------


def test_groups_of_a_stage(client, review_objects):
    o = review_objects
    as_user(client, o.users[Role.GUIDANCE])
    groups = client.get(reverse("api-review-group-list", args=[o.round.pk, "material"])).json()
    assert [g["number"] for g in groups] == [1, 2]
    for group in groups:
        assert sum(m["is_leader"] for m in group["members"]) == 1
        assert len(group["members"]) == 3 and len(group["applications"]) == 2
    assert client.get(reverse("api-review-group-list", args=[o.round.pk, "site"])).json() == []
    bad = client.get(reverse("api-review-group-list", args=[o.round.pk, "nonsense"]))
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"


def test_pool_search_and_filters(client, review_objects):
    o = review_objects
    as_user(client, o.users[Role.SUPERVISOR])
    url = reverse("api-review-expert-list")
    everyone = client.get(url).json()
    assert everyone["count"] == len(o.pool) + 1
    assert client.get(url, {"section": "C", "qualified": "true"}).json()["count"] == len(o.pool) + 1
    assert client.get(url, {"section": "F"}).json()["count"] == 0
    assert client.get(url, {"q": o.expert_a.name}).json()["results"][0]["id"] == o.expert_a.pk
    assert client.get(url, {"section": "CC"}).status_code == 400
    assert client.get(url, {"status": "nonsense"}).status_code == 400
    detail = client.get(reverse("api-review-expert-detail", args=[o.expert_a.pk])).json()
    assert detail["qualified"] and detail["training_records"][0]["passed"]
