"""The rules of groups and assignment: property-based over random pools (the pure `solve` and, with
a small pool in the database, `propose`), and the same rules refused by hand."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from review import assignment, conflicts
from review.assignment import AppInfo, AssignmentError, ExpertInfo
from review.models import Conflict, Expert, GroupMember
from tests.review.support import make_expert, review_round

SECTIONS = "CFI"

# --- Random pools ---------------------------------------------------------------------------


@st.composite
def pools(draw):
    n_orgs = draw(st.integers(1, 8))
    apps = [AppInfo(pk=100 + i, organization_id=draw(st.integers(1, n_orgs)), section=draw(st.sampled_from(SECTIONS)))
            for i in range(draw(st.integers(0, 12)))]
    experts = []
    for i in range(draw(st.integers(0, 16))):
        sections = "".join(sorted(draw(st.sets(st.sampled_from(SECTIONS), min_size=1))))
        partner = draw(st.booleans())
        experts.append(ExpertInfo(pk=1 + i, sections=sections, province="12" if partner else "11", partner=partner,
                                  can_lead=draw(st.booleans()), past=draw(st.integers(0, 3))))
    pairs = draw(st.sets(st.tuples(st.integers(1, max(1, len(experts))), st.integers(1, n_orgs)), max_size=20))
    min_size = draw(st.integers(1, 3))
    max_size = draw(st.integers(min_size, 5))
    per_group = draw(st.integers(1, 4))
    return apps, experts, pairs, min_size, max_size, per_group


def check_proposal(proposal, apps, experts, pairs, max_size):
    """The rules every proposal keeps, whatever the pool."""
    info = {e.pk: e for e in experts}
    org_of = {a.pk: a.organization_id for a in apps}
    section_of = {a.pk: a.section for a in apps}
    placed = [a for g in proposal.groups for a in g["applications"]]
    assert sorted(placed) == sorted(org_of), "every application in exactly one group"
    seated = [e for g in proposal.groups for e in g["members"]]
    assert len(seated) == len(set(seated)), "an expert sits in one group of the stage"
    assert set(seated) <= set(info)
    sizes = [len(g["applications"]) for g in proposal.groups]
    assert not sizes or max(sizes) - min(sizes) <= 1
    assert proposal.load_spread <= 1
    uncovered = {u["application"]: u for u in proposal.uncovered}
    for group in proposal.groups:
        orgs = {org_of[a] for a in group["applications"]}
        assert len(group["members"]) <= max_size
        for expert_id in group["members"]:
            assert not any((expert_id, org) in pairs for org in orgs), "a conflicted expert in a group"
        if group["members"]:
            assert group["leader"] in group["members"]
        else:
            assert group["leader"] is None
        known = {s for e in group["members"] for s in info[e].sections}
        for app in group["applications"]:
            if section_of[app] in known:
                assert app not in uncovered
            else:
                assert uncovered[app]["reason"], "an uncovered application is explained"
                # Optimality: no free expert who knows the field and conflicts with nobody of the
                # group was left out while the group had room.
                if len(group["members"]) < max_size:
                    free = [e for e in experts if e.pk not in seated and section_of[app] in e.sections
                            and not any((e.pk, org) in pairs for org in orgs)]
                    assert not free, (app, free)
    if proposal.coverage_pct < 100:
        assert proposal.uncovered and all(u["reason"] for u in proposal.uncovered)
    else:
        assert proposal.uncovered == []


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(pools())
# One expert who knows both fields of the group covers both (found by the DB property below: the
# flow routes an expert through one (group, section) node only, and `solve` reported the other
# field uncovered).
@example(([AppInfo(1, 10, "C"), AppInfo(2, 11, "F")], [ExpertInfo(1, "CF", "11", can_lead=True)], set(), 1, 3, 2))
def test_solve_keeps_the_rules_on_random_pools(pool):
    apps, experts, pairs, min_size, max_size, per_group = pool
    proposal = assignment.solve(apps, experts, set(pairs), min_size=min_size, max_size=max_size, per_group=per_group)
    check_proposal(proposal, apps, experts, set(pairs), max_size)


def test_solve_explains_a_field_nobody_knows():
    apps = [AppInfo(1, 10, "F"), AppInfo(2, 11, "C")]
    experts = [ExpertInfo(i, "C", "11", can_lead=True) for i in range(1, 4)]
    proposal = assignment.solve(apps, experts, set(), min_size=3, max_size=5, per_group=2)
    assert proposal.coverage_pct == 50.0
    assert [u["application"] for u in proposal.uncovered] == [1]
    assert "F" in proposal.uncovered[0]["reason"]


# --- propose() over a small pool in the database --------------------------------------------

REGIONS = ["110105", "110108", "120101", "130102", "310101"]  # Beijing ×2, Tianjin, Hebei (partners), Shanghai
STATUSES = [Expert.Status.ACTIVE] * 4 + [Expert.Status.SUSPENDED, Expert.Status.STRUCK, Expert.Status.APPLIED]

expert_specs = st.lists(st.fixed_dictionaries({
    "sections": st.sets(st.sampled_from(SECTIONS), min_size=1).map(lambda s: "".join(sorted(s))),
    "region": st.sampled_from(REGIONS),
    "shared": st.booleans(),
    "examined": st.booleans(),
    "status": st.sampled_from(STATUSES),
    "can_lead": st.booleans(),
    "conflicts": st.sets(st.integers(0, 3), max_size=2),
}), min_size=0, max_size=10)


def qualified_for(expert, partners=("12", "13")) -> bool:
    examined = expert.training_records.filter(kind="examination", passed=True).exists()
    region_ok = expert.province == "11" or (expert.shared and expert.province in partners)
    return expert.status == Expert.Status.ACTIVE and examined and region_ok


@pytest.mark.django_db
def test_propose_never_uses_a_conflicted_or_unqualified_expert(make_user):
    rnd, apps = review_round(make_user, n_applications=4, sections="CFIC")
    org_ids = [a.organization_id for a in apps]

    @settings(max_examples=25, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(expert_specs)
    def run(specs):
        with transaction.atomic():
            pool = []
            for spec in specs:
                expert = make_expert(sections=spec["sections"], region=spec["region"], shared=spec["shared"],
                                     examined=spec["examined"], status=spec["status"], can_lead=spec["can_lead"])
                for index in spec["conflicts"]:
                    Conflict.objects.create(expert=expert, organization_id=org_ids[index],
                                            source=Conflict.Source.OFFICE, reason=Conflict.Reason.OTHER)
                pool.append(expert)
            proposal = assignment.propose(rnd, "material", expert_ids=[e.pk for e in pool])
            pairs = conflicts.conflicted_pairs([e.pk for e in pool])
            good = {e.pk for e in pool if qualified_for(e)}
            infos = [ExpertInfo(e.pk, e.expertise, e.province) for e in pool if e.pk in good]
            app_infos = [AppInfo(a.pk, a.organization_id, a.organization.industry_section) for a in apps]
            seated = {m for g in proposal.groups for m in g["members"]}
            assert seated <= good, "an unqualified expert was proposed"
            check_proposal(proposal, app_infos, infos, pairs, max_size=5)
            transaction.set_rollback(True)

    run()


# --- By hand: the same rules --------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["conflicted", "unexamined", "suspended", "struck", "foreign", "partner_not_shared"])
def test_group_add_member_refuses(review_objects, make_user, kind):
    o = review_objects
    office = o.users["office"]
    if kind == "conflicted":
        expert = make_expert(make_user)
        conflicts.conflict_set_by_office(expert_id=expert.pk, organization_id=o.app_a.organization_id,
                                         reason="exclusion", detail="回避", actor=office)
    elif kind == "unexamined":
        expert = make_expert(make_user, examined=False)
    elif kind in ("suspended", "struck"):
        expert = make_expert(make_user, status=kind)
    elif kind == "foreign":
        expert = make_expert(make_user, region="310101", shared=True)
    else:
        expert = make_expert(make_user, region="120101", shared=False)
    with pytest.raises(AssignmentError):
        assignment.group_add_member(group_id=o.group_a.pk, expert_id=expert.pk, actor=office)
    assert not GroupMember.objects.filter(expert=expert).exists()


@pytest.mark.django_db
def test_group_add_member_accepts_a_shared_partner_expert(review_objects, make_user):
    o = review_objects
    expert = make_expert(make_user, region="120101", shared=True)
    assignment.group_add_member(group_id=o.group_a.pk, expert_id=expert.pk, actor=o.users["office"])
    assert GroupMember.objects.filter(expert=expert, group=o.group_a).exists()


@pytest.mark.django_db
def test_group_add_member_refuses_an_expert_of_another_group_of_the_stage(review_objects):
    o = review_objects
    with pytest.raises(AssignmentError) as refused:
        assignment.group_add_member(group_id=o.group_b.pk, expert_id=o.expert_a.pk, actor=o.users["office"])
    assert refused.value.code == "rule"
    assert list(GroupMember.objects.filter(expert=o.expert_a).values_list("group_id", flat=True)) == [o.group_a.pk]


@pytest.mark.django_db
def test_group_add_member_refuses_beyond_the_maximum(review_objects, make_user):
    o = review_objects
    for _ in range(2):
        assignment.group_add_member(group_id=o.group_a.pk, expert_id=make_expert(make_user).pk,
                                    actor=o.users["office"])
    with pytest.raises(AssignmentError):
        assignment.group_add_member(group_id=o.group_a.pk, expert_id=make_expert(make_user).pk,
                                    actor=o.users["office"])
    assert o.group_a.members.count() == 5


@pytest.mark.django_db
def test_group_move_application_refuses_a_group_with_a_conflicted_member(review_objects):
    o = review_objects
    office = o.users["office"]
    conflicts.conflict_set_by_office(expert_id=o.expert_b.pk, organization_id=o.app_a.organization_id,
                                     reason="consulting", detail="咨询", actor=office)
    assert GroupMember.objects.filter(group=o.group_b, expert=o.expert_b).exists()  # B does not review A's org
    with pytest.raises(AssignmentError) as refused:
        assignment.group_move_application(application_id=o.app_a.pk, group_id=o.group_b.pk, actor=office)
    assert refused.value.code == "rule"
    assert o.app_a.review_assignments.get(stage="material").group_id == o.group_a.pk


@pytest.mark.django_db
def test_group_move_application_refuses_a_group_without_the_industry(make_user):
    rnd, apps = review_round(make_user, n_applications=4, sections="CF")
    office = make_user("office")
    pool = [make_expert(make_user, sections="C", can_lead=True) for _ in range(3)]
    pool += [make_expert(make_user, sections="F", can_lead=True) for _ in range(3)]
    proposal = assignment.propose(rnd, "material", expert_ids=[e.pk for e in pool]).as_dict()
    groups = assignment.groups_apply(round_id=rnd.pk, stage="material", proposal=proposal, actor=office)
    f_app = next(a for a in apps if a.organization.industry_section == "F")
    f_group = f_app.review_assignments.get(stage="material").group
    other = next(g for g in groups if g.pk != f_group.pk)
    if any("F" in m.expert.expertise for m in other.members.select_related("expert")):
        pytest.skip("the proposal put an F expert in both groups")
    with pytest.raises(AssignmentError) as refused:
        assignment.group_move_application(application_id=f_app.pk, group_id=other.pk, actor=office)
    assert "F" in refused.value.message
    # Once the group has an expert who knows F the move is allowed.
    assignment.group_add_member(group_id=other.pk, expert_id=make_expert(make_user, sections="F").pk, actor=office)
    assignment.group_move_application(application_id=f_app.pk, group_id=other.pk, actor=office)
    assert f_app.review_assignments.get(stage="material").group_id == other.pk
