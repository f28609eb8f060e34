"""Fixtures for the review app: a round in material review with two groups formed."""

import pytest

from award_portal.roles import Role
from review import assignment, draws
from review.models import GroupMember
from tests.review.support import make_expert, review_round, sign


@pytest.fixture
def review_objects(make_user):
    """A Beijing round in material review, 4 applications in 2 groups of 3 signed experts each,
    an unassigned pool expert, a frozen draw, and one user per role.

    `o.users` keys: every Role, plus "expert_a" (group 1), "expert_b" (group 2), "expert_none"
    (in the pool, no group). `o.app_a` is reviewed by group 1, `o.app_b` by group 2."""
    rnd, apps = review_round(make_user, n_applications=4)
    office = make_user(Role.OFFICE)
    pool = [make_expert(make_user, sections="C", can_lead=True) for _ in range(6)]
    proposal = assignment.propose(rnd, "material", expert_ids=[e.pk for e in pool])
    groups = assignment.groups_apply(round_id=rnd.pk, stage="material", proposal=proposal.as_dict(), actor=office)
    for expert in pool:
        sign(expert, rnd)
    spare = make_expert(make_user, sections="C")
    sign(spare, rnd)

    class Objects:
        pass

    o = Objects()
    o.round, o.applications, o.groups, o.pool, o.spare = rnd, apps, groups, pool, spare
    o.group_a, o.group_b = groups[0], groups[1]
    o.app_a = o.group_a.assignments.first().application
    o.app_b = o.group_b.assignments.first().application
    o.expert_a = GroupMember.objects.filter(group=o.group_a).first().expert
    o.expert_b = GroupMember.objects.filter(group=o.group_b).first().expert
    o.draw = draws.draw_freeze(round_id=rnd.pk, stage="site", actor=office, count=1, per_section={})
    o.users = {role: make_user(role) for role in Role}
    o.users[Role.OFFICE] = office
    o.users["expert_a"] = o.expert_a.user
    o.users["expert_b"] = o.expert_b.user
    o.users["expert_none"] = spare.user
    return o
