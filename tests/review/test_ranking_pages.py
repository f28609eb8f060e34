"""The ranking, the per-application aggregates with the leader's consensus, and the statistics
pages: who reads them, what they show, constant queries whatever the number of applications."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Item
from award_portal.audit import AuditEvent
from award_portal.roles import Role
from review import scoring
from review.models import ConsensusScore, GroupApplication, GroupMember, Scorecard
from tests.review import matrix

pytestmark = pytest.mark.django_db

READERS = {Role.OFFICE, Role.SUPERVISOR, Role.GUIDANCE, Role.COMMITTEE}
STATISTICS = {Role.OFFICE, Role.SUPERVISOR, Role.GUIDANCE}


def _lead_a(o):
    """expert_a leads group A (so the detail page and the consensus are theirs)."""
    GroupMember.objects.filter(group=o.group_a).update(is_leader=False)
    GroupMember.objects.filter(group=o.group_a, expert=o.expert_a).update(is_leader=True)
    return [o.round.pk, "material", o.app_a.pk]


def score(o, percent_of=lambda expert_index, app, item: 50, groups=None):
    """Every member of the groups scores every item of their applications and submits."""
    items = list(Item.objects.filter(category__version_id=o.round.program.criteria_id))
    for group in groups or [o.group_a, o.group_b]:
        members = list(GroupMember.objects.filter(group=group).select_related("expert").order_by("expert_id"))
        for link in GroupApplication.objects.filter(group=group).select_related("application__round__program"):
            for index, member in enumerate(members):
                card = scoring.scorecard_for(member.expert, link.application, "material")
                values = {it.pk: {"percent": percent_of(index, link.application, it)} for it in items}
                card = scoring.scorecard_save(scorecard_id=card.pk, expert=member.expert, version=card.version,
                                              items=values)
                scoring.scorecard_submit(scorecard_id=card.pk, expert=member.expert, version=card.version)


MATRIX = {
    "review-ranking": ("get", lambda o: [o.round.pk, "material"], READERS),
    "review-ranking-detail": ("get", _lead_a, READERS | {"expert_a"}),
    "review-ranking-consensus": ("post", _lead_a, {"expert_a"}),
    "review-statistics": ("get", lambda o: [o.round.pk, "material"], STATISTICS),
}


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission_matrix(client, review_objects, name):
    matrix.check(client, review_objects, name, MATRIX[name])


def _login(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"


def test_ranking_ranks_by_final_score_and_shows_every_component(client, review_objects):
    o = review_objects
    # Group A's first expert is lenient by 20 points of percentage; the others give 50 %.
    score(o, lambda i, app, item: 70 if i == 0 else 50)
    _login(client, o.users[Role.OFFICE])
    response = client.get(reverse("review-ranking", args=[o.round.pk, "material"]))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == len(o.applications)
    assert [r["rank"] for r in rows] == sorted(r["rank"] for r in rows)
    assert all(r["raw"] is not None and r["calibrated"] is not None and r["final"] is not None for r in rows)
    # 23 items × 20 points apart > the 20-point threshold? No: exactly 20 is not beyond.
    assert all(r["disagreements"] == 0 for r in rows)
    assert b'id="ranking"' in response.content


def test_statistics_show_the_lenient_expert_to_the_guidance_group(client, review_objects):
    o = review_objects
    score(o, lambda i, app, item: 80 if i == 0 else 50)
    _login(client, o.users[Role.GUIDANCE])
    response = client.get(reverse("review-statistics", args=[o.round.pk, "material"]))
    assert response.status_code == 200
    experts = response.context["experts"]
    top = experts[0]
    assert top["effect"] > 10 and top["deviation"] > 10
    lenient = GroupMember.objects.filter(group=o.group_a).order_by("expert_id").first().expert
    assert top["label"] == lenient.name  # names shown to the guidance group
    _login(client, o.users[Role.SUPERVISOR])
    response = client.get(reverse("review-statistics", args=[o.round.pk, "material"]))
    assert lenient.name not in response.content.decode()  # but not to a supervisor


def test_the_leader_records_a_consensus_that_replaces_the_aggregate(client, review_objects):
    o = review_objects
    args = _lead_a(o)
    item = Item.objects.filter(category__version_id=o.round.program.criteria_id).first()
    score(o, lambda i, app, it: (30 + 30 * i) if it.pk == item.pk else 50, groups=[o.group_a])
    _login(client, o.expert_a.user)
    response = client.get(reverse("review-ranking-detail", args=args))
    assert response.status_code == 200
    row = next(r for r in response.context["rows"] if r["item"].pk == item.pk)
    assert row["flagged"]
    assert b"consensus-form" in response.content
    assert o.expert_a.name not in [e["label"] for e in response.context["experts"]]
    before = AuditEvent.objects.count()
    response = client.post(reverse("review-ranking-consensus", args=args),
                           {"item": item.pk, "percent": 45, "reason": "组内讨论后统一为 45%"})
    assert response.status_code == 302
    assert ConsensusScore.objects.get(application=o.app_a, item=item).percent == 45
    assert AuditEvent.objects.filter(action="review.consensus_recorded").count() == 1
    assert AuditEvent.objects.count() == before + 1
    response = client.get(reverse("review-ranking-detail", args=args))
    row = next(r for r in response.context["rows"] if r["item"].pk == item.pk)
    assert row["percent"] == 45
    assert row["points"] == pytest.approx(45 * item.points / 100)
    # A percentage off the 5 % steps or without a reason is refused.
    client.post(reverse("review-ranking-consensus", args=args), {"item": item.pk, "percent": 47, "reason": "x"})
    client.post(reverse("review-ranking-consensus", args=args), {"item": item.pk, "percent": 40, "reason": " "})
    assert ConsensusScore.objects.get(application=o.app_a, item=item).percent == 45


def test_a_member_who_does_not_lead_gets_404(client, review_objects):
    o = review_objects
    _lead_a(o)
    other = GroupMember.objects.filter(group=o.group_a, is_leader=False).first().expert
    _login(client, other.user)
    assert client.get(reverse("review-ranking-detail", args=[o.round.pk, "material", o.app_a.pk])).status_code == 404
    # The leader of group A does not read group B's application.
    _login(client, o.expert_a.user)
    assert client.get(reverse("review-ranking-detail", args=[o.round.pk, "material", o.app_b.pk])).status_code == 404


def test_queries_do_not_grow_with_the_applications(client, review_objects):
    o = review_objects
    _login(client, o.users[Role.OFFICE])
    score(o, groups=[o.group_a])
    counts = []
    for groups in ([], [o.group_b]):
        if groups:
            score(o, groups=groups)
        for name in ("review-ranking", "review-statistics"):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(reverse(name, args=[o.round.pk, "material"])).status_code == 200
            counts.append((name, len(ctx.captured_queries)))
    assert Scorecard.objects.filter(status=Scorecard.Status.SUBMITTED).count() > 6
    assert counts[0][1] == counts[2][1], counts
    assert counts[1][1] == counts[3][1], counts


def test_the_demo_round_has_a_ranking_and_statistics_with_a_lenient_expert(client, capsys):
    from django.core.management import call_command

    from award_portal.models import User
    from review.models import ExpertGroup

    call_command("load_demo")
    capsys.readouterr()
    group = ExpertGroup.objects.filter(stage="material", round__program__code="langfang").first()
    rnd = group.round
    _login(client, User.objects.get(username="office"))
    response = client.get(reverse("review-ranking", args=[rnd.pk, "material"]))
    assert len(response.context["rows"]) >= 4
    response = client.get(reverse("review-statistics", args=[rnd.pk, "material"]))
    experts = response.context["experts"]
    assert experts[0]["effect"] > 5  # the lenient expert stands out
    assert ConsensusScore.objects.filter(application__round=rnd).exists()
