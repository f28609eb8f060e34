"""The office's review pages: pool, expert record, draws, groups — permissions and behaviour.

Supervisors and the guidance group read every page and see no action forms; their POSTs get 403.
Only a supervisor enters the number that seeds a draw, never the office."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from award_portal.audit import AuditEvent
from award_portal.roles import Role
from review import conflicts, draws
from review.models import Conflict, DrawnExpert, Employment, Expert, ExpertDraw, ExpertGroup, GroupMember
from review.views_office import _token
from tests.review import matrix
from tests.review.matrix import OFFICE, POOL_READERS
from tests.review.support import make_expert, review_round

pytestmark = pytest.mark.django_db


def _conflict(o):
    return conflicts.conflict_set_by_office(expert_id=o.spare.pk, organization_id=o.app_a.organization_id,
                                            reason="exclusion", detail="回避", actor=o.users[Role.OFFICE])


def _drawn(o):
    draw = ExpertDraw.objects.get(pk=o.draw.pk)
    if draw.status == ExpertDraw.Status.FROZEN:
        draws.draw_run(draw_id=draw.pk, public_input="42", actor=o.users[Role.SUPERVISOR])
    return DrawnExpert.objects.filter(draw=draw).first()


MATRIX = {
    "review-pool": ("get", None, POOL_READERS),
    "review-expert-invite": ("get", None, OFFICE),
    "review-expert": ("get", lambda o: [o.spare.pk], POOL_READERS),
    "review-expert-approve": ("post", lambda o: [o.spare.pk], OFFICE),
    "review-expert-decline": ("post", lambda o: [o.spare.pk], OFFICE),
    "review-expert-training": ("post", lambda o: [o.spare.pk], OFFICE),
    "review-expert-suspend": ("post", lambda o: [o.spare.pk], OFFICE),
    "review-expert-reinstate": ("post", lambda o: [o.spare.pk], OFFICE),
    "review-expert-settings": ("post", lambda o: [o.spare.pk], OFFICE),
    "review-expert-conflict-set": ("post", lambda o: [o.spare.pk], OFFICE),
    "review-conflict-dismiss": ("post", lambda o: [_conflict(o).pk], OFFICE),
    "review-draws": ("get", lambda o: [o.round.pk], POOL_READERS),
    "review-draw-freeze": ("post", lambda o: [o.round.pk], OFFICE),
    "review-draw": ("get", lambda o: [o.draw.pk], POOL_READERS),
    "review-draw-run": ("post", lambda o: [o.draw.pk], {Role.SUPERVISOR}),
    "review-draw-replay": ("post", lambda o: [o.draw.pk], {Role.OFFICE, Role.SUPERVISOR}),
    "review-draw-replace": ("post", lambda o: [o.draw.pk], OFFICE),
    "review-drawn-respond": ("post", lambda o: [_drawn(o).pk], OFFICE),
    "review-groups": ("get", lambda o: [o.round.pk, "material"], POOL_READERS),
    "review-groups-propose": ("post", lambda o: [o.round.pk, "material"], OFFICE),
    "review-groups-apply": ("post", lambda o: [o.round.pk, "material"], OFFICE),
    "review-group-move-application": ("post", lambda o: [o.round.pk, "material"], OFFICE),
    "review-group-add-member": ("post", lambda o: [o.group_a.pk], OFFICE),
    "review-group-remove-member": ("post", lambda o: [o.group_a.pk, o.expert_a.pk], OFFICE),
    "review-group-set-leader": ("post", lambda o: [o.group_a.pk, o.expert_a.pk], OFFICE),
}


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission_matrix(client, review_objects, name):
    matrix.check(client, review_objects, name, MATRIX[name])


def _login(client, user, english=True):
    client.force_login(user)
    if english:
        client.cookies["django_language"] = "en"


def _names(response):
    return {e.name for e in response.context["experts"]}


# --- Pool ---------------------------------------------------------------------------------

def test_pool_search_and_filters(client, make_user):
    office = make_user(Role.OFFICE)
    engineer = make_expert(name="张工程", sections="CI", region="110105")
    Employment.objects.create(expert=engineer, employer="北京精密机械有限公司", started_on=datetime.date(2015, 1, 1))
    doctor = make_expert(name="李医生", sections="Q", region="120101", shared=True)
    doctor.qualifications = "卓越绩效评价师"
    doctor.save()
    fresh = make_expert(name="王新人", sections="C", region="130102", examined=False)
    suspended = make_expert(name="赵暂停", sections="C", status=Expert.Status.SUSPENDED)
    _login(client, office)
    url = reverse("review-pool")

    assert _names(client.get(url, {"q": "精密机械"})) == {"张工程"}
    assert _names(client.get(url, {"q": "评价师"})) == {"李医生"}
    assert _names(client.get(url, {"q": fresh.email})) == {"王新人"}
    assert _names(client.get(url, {"section": "I"})) == {"张工程"}
    assert _names(client.get(url, {"status": "suspended"})) == {"赵暂停"}
    assert _names(client.get(url, {"region": "12"})) == {"李医生"}
    qualified = _names(client.get(url, {"qualified": "on", "section": "C"}))
    assert qualified == {"张工程"} and suspended.name not in qualified
    page = client.get(url).content.decode()
    assert "Invite an expert" in page
    # A damaged filter shows everything instead of failing.
    assert client.get(url, {"region": "x' OR 1=1"}).status_code == 200


def test_pool_pages_keep_filters(client, make_user):
    office = make_user(Role.OFFICE)
    for i in range(30):
        make_expert(name=f"制造{i:02d}", sections="C")
    _login(client, office)
    response = client.get(reverse("review-pool"), {"section": "C"})
    assert "section=C" in response.content.decode().split('class="pagination"')[1]
    assert len(client.get(reverse("review-pool"), {"section": "C", "page": 2}).context["experts"]) == 5


def test_pool_list_query_count_is_constant(client, make_user, django_assert_max_num_queries):
    office = make_user(Role.OFFICE)
    for i in range(3):
        make_expert(name=f"甲{i}")
    _login(client, office)
    url = reverse("review-pool")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"q": "甲"})
    for i in range(40):
        expert = make_expert(name=f"甲乙{i}", shared=bool(i % 2))
        Employment.objects.create(expert=expert, employer="某公司", started_on=datetime.date(2020, 1, 1))
    with django_assert_max_num_queries(len(few)):
        response = client.get(url, {"q": "甲"})
    assert len(response.context["experts"]) == 25


def test_readers_see_no_action_forms(client, review_objects):
    o = review_objects
    for role in (Role.SUPERVISOR, Role.GUIDANCE):
        _login(client, o.users[role])
        page = client.get(reverse("review-expert", args=[o.spare.pk])).content.decode()
        assert "suspend-form" not in page and "conflict-form" not in page and o.spare.name in page
        groups = client.get(reverse("review-groups", args=[o.round.pk, "material"])).content.decode()
        assert "propose-form" not in groups and "add-member" not in groups
        response = client.post(reverse("review-expert-suspend", args=[o.spare.pk]), {"suspend-reason": "x"})
        assert response.status_code == 403
    assert Expert.objects.get(pk=o.spare.pk).status == Expert.Status.ACTIVE


# --- Expert record --------------------------------------------------------------------------

def test_suspend_without_reason_is_refused_and_nothing_changes(client, review_objects):
    o = review_objects
    _login(client, o.users[Role.OFFICE])
    member = GroupMember.objects.filter(expert=o.expert_a).count()
    response = client.post(reverse("review-expert-suspend", args=[o.expert_a.pk]),
                           {"suspend-reason": "  ", "suspend-strike": "on"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Give the written reason (art. 25 requires one)." in page
    assert 'name="suspend-strike" id="id_suspend-strike" checked' in page  # what was typed stays
    o.expert_a.refresh_from_db()
    assert o.expert_a.status == Expert.Status.ACTIVE
    assert GroupMember.objects.filter(expert=o.expert_a).count() == member

    response = client.post(reverse("review-expert-suspend", args=[o.expert_a.pk]),
                           {"suspend-reason": "收受申报组织礼品", "suspend-strike": "on"})
    assert response.status_code == 302
    o.expert_a.refresh_from_db()
    assert o.expert_a.status == Expert.Status.STRUCK
    assert not GroupMember.objects.filter(expert=o.expert_a).exists()


def test_invite_approve_train_and_conflicts(client, review_objects):
    o = review_objects
    _login(client, o.users[Role.OFFICE])
    response = client.post(reverse("review-expert-invite"), {
        "name": "钱专家", "email": "qian@example.cn", "expertise": ["C", "M"], "region_code": "110108",
        "employer": "北京某研究院"})
    expert = Expert.objects.get(email="qian@example.cn")
    assert response.status_code == 302 and expert.status == Expert.Status.APPLIED and expert.expertise == "CM"
    again = client.post(reverse("review-expert-invite"), {
        "name": "钱专家", "email": "QIAN@example.cn", "expertise": ["C"], "region_code": "110108"})
    assert again.status_code == 200 and "already exists" in again.content.decode()
    assert client.post(reverse("review-expert-approve", args=[expert.pk])).status_code == 302
    expert.refresh_from_db()
    assert expert.status == Expert.Status.ACTIVE and expert.user is not None
    client.post(reverse("review-expert-training", args=[expert.pk]), {
        "training-kind": "examination", "training-held_on": "2026-03-02", "training-title": "评审员考试",
        "training-passed": "on", "training-score": "90"})
    assert expert.training_records.filter(kind="examination", passed=True).exists()

    org = o.app_a.organization
    response = client.post(reverse("review-expert-conflict-set", args=[expert.pk]), {
        "conflict-organization": org.credit_code, "conflict-reason": "consulting", "conflict-detail": "2024年咨询"})
    assert response.status_code == 302
    conflict = Conflict.objects.get(expert=expert, organization=org)
    assert conflict.source == Conflict.Source.OFFICE
    page = client.get(reverse("review-expert", args=[expert.pk])).content.decode()
    assert "Set by the office" in page and org.name in page

    refused = client.post(reverse("review-conflict-dismiss", args=[conflict.pk]), {f"dismiss{conflict.pk}-reason": ""})
    assert refused.status_code == 200 and "Give the reason for dismissing the conflict." in refused.content.decode()
    client.post(reverse("review-conflict-dismiss", args=[conflict.pk]), {f"dismiss{conflict.pk}-reason": "同名误判"})
    conflict.refresh_from_db()
    assert not conflict.active and conflict.dismissal_reason == "同名误判"

    unknown = client.post(reverse("review-expert-conflict-set", args=[expert.pk]), {
        "conflict-organization": "不存在的公司", "conflict-reason": "other", "conflict-detail": "x"})
    assert unknown.status_code == 200 and "不存在的公司" in unknown.content.decode()


# --- Draws ----------------------------------------------------------------------------------

def test_supervisor_cannot_freeze(client, review_objects):
    o = review_objects
    before = ExpertDraw.objects.count()
    _login(client, o.users[Role.SUPERVISOR])
    response = client.post(reverse("review-draw-freeze", args=[o.round.pk]), {"stage": "material", "count": "1"})
    assert response.status_code == 403
    assert ExpertDraw.objects.count() == before
    page = client.get(reverse("review-draws", args=[o.round.pk])).content.decode()
    assert "freeze-form" not in page


def test_office_cannot_enter_the_draw_number(client, review_objects):
    o = review_objects
    _login(client, o.users[Role.OFFICE])
    page = client.get(reverse("review-draw", args=[o.draw.pk])).content.decode()
    assert "draw-run-form" not in page and o.draw.candidates_sha256 in page
    response = client.post(reverse("review-draw-run", args=[o.draw.pk]), {"public_input": "123"})
    assert response.status_code == 403
    o.draw.refresh_from_db()
    assert o.draw.status == ExpertDraw.Status.FROZEN and not o.draw.seed


def test_freeze_draw_replay_answer_and_replace(client, make_user):
    rnd, apps = review_round(make_user, n_applications=2)
    pool = [make_expert(make_user, sections="C") for _ in range(6)]
    office, supervisor = make_user(Role.OFFICE), make_user(Role.SUPERVISOR)
    _login(client, office)
    form = client.get(reverse("review-draws", args=[rnd.pk]))
    assert form.context["form"].initial["min_C"] == 1
    refused = client.post(reverse("review-draw-freeze", args=[rnd.pk]), {"stage": "material", "count": "50"})
    assert refused.status_code == 200 and "are needed" in refused.content.decode()
    assert refused.context["form"]["count"].value() == "50"
    response = client.post(reverse("review-draw-freeze", args=[rnd.pk]),
                           {"stage": "material", "count": "3", "min_C": "2"})
    draw = ExpertDraw.objects.get(round=rnd)
    assert response.status_code == 302 and draw.constraints["per_section"] == {"C": 2}
    assert len(draw.candidates) == len(pool)

    _login(client, supervisor)
    bad = client.post(reverse("review-draw-run", args=[draw.pk]), {"public_input": "abc"})
    assert bad.status_code == 200 and "Enter a number of 1 to 18 digits." in bad.content.decode()
    client.post(reverse("review-draw-run", args=[draw.pk]), {"public_input": "20260315"})
    draw.refresh_from_db()
    assert draw.status == ExpertDraw.Status.DRAWN and len(draw.result) == 3
    replay = client.post(reverse("review-draw-replay", args=[draw.pk]))
    assert replay.context["replay"]["hash_matches"] and replay.context["replay"]["result_matches"]
    assert "The replayed result is identical to the recorded one." in replay.content.decode()

    _login(client, office)
    rows = list(draw.drawn.all())
    missing_reason = client.post(reverse("review-drawn-respond", args=[rows[0].pk]), {f"r{rows[0].pk}-accept": "0"})
    assert missing_reason.status_code == 200 and "Say why you decline." in missing_reason.content.decode()
    client.post(reverse("review-drawn-respond", args=[rows[0].pk]),
                {f"r{rows[0].pk}-accept": "0", f"r{rows[0].pk}-reason": "出差"})
    client.post(reverse("review-drawn-respond", args=[rows[1].pk]), {f"r{rows[1].pk}-accept": "1"})
    assert DrawnExpert.objects.get(pk=rows[0].pk).response == "declined"
    page = client.get(reverse("review-draw", args=[draw.pk])).content.decode()
    assert "draw-replacements" in page
    response = client.post(reverse("review-draw-replace", args=[draw.pk]))
    replacement = ExpertDraw.objects.get(replaces=draw)
    assert response.status_code == 302 and replacement.constraints["count"] == 1
    assert rows[0].expert_id not in [c[0] for c in replacement.candidates]


# --- Groups ---------------------------------------------------------------------------------

def test_propose_then_apply_creates_groups(client, make_user):
    rnd, apps = review_round(make_user, n_applications=4)
    pool = [make_expert(make_user, sections="C", can_lead=(i < 2)) for i in range(7)]
    office = make_user(Role.OFFICE)
    _login(client, office)
    url = reverse("review-groups", args=[rnd.pk, "material"])
    assert "no-groups" in client.get(url).content.decode()
    response = client.post(reverse("review-groups-propose", args=[rnd.pk, "material"]), {"source": "qualified"})
    assert response.status_code == 302
    page = client.get(url)
    proposal = page.context["proposal"]
    assert proposal["coverage_pct"] == 100.0 and len(proposal["groups"]) == 2
    assert 'id="coverage">100.0%' in page.content.decode()

    stale = client.post(reverse("review-groups-apply", args=[rnd.pk, "material"]), {"token": "not-it"}, follow=True)
    assert not ExpertGroup.objects.filter(round=rnd).exists()
    assert "The proposal changed" in stale.content.decode()

    client.post(reverse("review-groups-apply", args=[rnd.pk, "material"]), {"token": proposal["token"]})
    groups = list(ExpertGroup.objects.filter(round=rnd, stage="material"))
    assert len(groups) == 2
    seated = set(GroupMember.objects.filter(group__in=groups).values_list("expert_id", flat=True))
    assert seated <= {e.pk for e in pool}
    assert all(g.members.filter(is_leader=True).count() == 1 for g in groups)
    assert sum(g.assignments.count() for g in groups) == 4
    after = client.get(url)
    assert after.context["proposal"] is None and "needs-attention" not in after.content.decode()


def test_manual_add_of_a_conflicted_expert_is_refused(client, review_objects):
    o = review_objects
    _conflict(o)
    _login(client, o.users[Role.OFFICE])
    response = client.post(reverse("review-group-add-member", args=[o.group_a.pk]),
                           {f"add{o.group_a.pk}-expert": str(o.spare.pk)})
    assert response.status_code == 200
    assert "has a conflict of interest with an applicant of this group." in response.content.decode()
    assert not GroupMember.objects.filter(group=o.group_a, expert=o.spare).exists()
    # The same expert may join the other group, whose applicants they do not conflict with.
    ok = client.post(reverse("review-group-add-member", args=[o.group_b.pk]),
                     {f"add{o.group_b.pk}-expert": str(o.spare.pk)})
    assert ok.status_code == 302
    assert GroupMember.objects.filter(group=o.group_b, expert=o.spare).exists()


def test_remove_leader_and_attention(client, review_objects):
    o = review_objects
    _login(client, o.users[Role.OFFICE])
    leader = GroupMember.objects.get(group=o.group_a, is_leader=True)
    client.post(reverse("review-group-remove-member", args=[o.group_a.pk, leader.expert_id]))
    page = client.get(reverse("review-groups", args=[o.round.pk, "material"]))
    assert o.group_a.pk in {g.pk for g in page.context["attention"]}
    assert "needs-attention" in page.content.decode()
    other = GroupMember.objects.filter(group=o.group_a).first()
    client.post(reverse("review-group-set-leader", args=[o.group_a.pk, other.expert_id]))
    assert GroupMember.objects.get(pk=other.pk).is_leader
    # Moving an application into a group: refused when a member conflicts with it.
    conflicts.conflict_set_by_office(expert_id=other.expert_id, organization_id=o.app_b.organization_id,
                                     reason="other", detail="亲属", actor=o.users[Role.OFFICE])
    refused = client.post(reverse("review-group-move-application", args=[o.round.pk, "material"]),
                          {"application": str(o.app_b.pk), "group": str(o.group_a.pk)})
    assert refused.status_code == 200 and "has a conflict of interest with" in refused.content.decode()
    assert o.app_b.review_assignments.get().group_id == o.group_b.pk


def test_round_dashboard_links_to_the_review_pages(client, review_objects):
    o = review_objects
    _login(client, o.users[Role.SUPERVISOR])
    page = client.get(reverse("round-dashboard", args=[o.round.pk])).content.decode()
    assert reverse("review-draws", args=[o.round.pk]) in page
    assert reverse("review-pool") in page  # the menu entry too


def test_office_sets_fields_sharing_and_leading(client, review_objects):
    o = review_objects
    client.force_login(o.users[Role.OFFICE])
    url = reverse("review-expert-settings", args=[o.spare.pk])
    response = client.post(url, {"settings-expertise": []})
    assert response.status_code == 200  # nothing chosen: the form says so, nothing changes
    o.spare.refresh_from_db()
    assert o.spare.expertise == "C"
    response = client.post(url, {"settings-expertise": ["C", "I"], "settings-shared": "on", "settings-can_lead": "on"})
    assert response.status_code == 302
    o.spare.refresh_from_db()
    assert (o.spare.expertise, o.spare.shared, o.spare.can_lead) == ("CI", True, True)
    assert AuditEvent.objects.filter(action="review.expert_settings", object_id=str(o.spare.pk)).exists()
