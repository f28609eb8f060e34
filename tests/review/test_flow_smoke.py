"""The review core end to end: draw, answer, proposal, groups, access, conflict after assignment."""

import pytest

from review import access, assignment, conflicts, draws
from review.models import Conflict, DrawnExpert, GroupMember
from tests.review.support import make_expert, review_round, sign

pytestmark = pytest.mark.django_db


def test_draw_propose_apply_and_access(make_user):
    rnd, apps = review_round(make_user, n_applications=4)
    experts = [make_expert(make_user, sections="C", can_lead=(i == 0)) for i in range(8)]
    make_expert(make_user, sections="C", examined=False)  # never a candidate
    office = make_user("office")
    supervisor = make_user("supervisor")

    draw = draws.draw_freeze(round_id=rnd.pk, stage="material", actor=office, count=6)
    assert len(draw.candidates) == 8
    draw = draws.draw_run(draw_id=draw.pk, public_input="4711", actor=supervisor)
    assert len(draw.result) == 6
    replay = draws.draw_replay(draw)
    assert replay["hash_matches"] and replay["result_matches"]
    for row in draw.drawn.all():
        draws.drawn_respond(drawn_id=row.pk, accept=True, actor=row.expert.user)

    proposal = assignment.propose(rnd, "material")
    assert proposal.coverage_pct == 100.0
    assert len(proposal.groups) == 2
    assignment.groups_apply(round_id=rnd.pk, stage="material", proposal=proposal.as_dict(), actor=office)

    member = GroupMember.objects.filter(group__round=rnd).select_related("expert__user", "group").first()
    user = member.expert.user
    assert list(access.reviewable_applications(user)) == []  # not signed yet
    sign(member.expert, rnd)
    mine = set(access.reviewable_applications(user).values_list("pk", flat=True))
    group_apps = set(member.group.assignments.values_list("application_id", flat=True))
    assert mine == group_apps and len(mine) == 2

    target = next(a for a in apps if a.pk in mine)
    conflicts.conflict_declare(expert=member.expert, organization_id=target.organization_id, detail="曾任顾问")
    assert access.reviewable_applications(user).count() == 0
    assert not GroupMember.objects.filter(pk=member.pk).exists()
    assert Conflict.objects.filter(expert=member.expert).count() == 1
    assert member.group in assignment.groups_needing_attention(rnd.pk) or member.group.members.count() >= 3


def test_conflicted_expert_is_refused_by_hand(make_user):
    rnd, apps = review_round(make_user, n_applications=2)
    office = make_user("office")
    members = [make_expert(make_user) for _ in range(3)]
    proposal = assignment.propose(rnd, "material", expert_ids=[e.pk for e in members])
    groups = assignment.groups_apply(round_id=rnd.pk, stage="material", proposal=proposal.as_dict(), actor=office)
    outsider = make_expert(make_user)
    conflicts.conflict_set_by_office(expert_id=outsider.pk, organization_id=apps[0].organization_id,
                                     reason="exclusion", detail="回避", actor=office)
    with pytest.raises(assignment.AssignmentError):
        assignment.group_add_member(group_id=groups[0].pk, expert_id=outsider.pk, actor=office)
    assert DrawnExpert.objects.count() == 0
