"""Expert groups and applicant groups for a stage: the proposal, applying it, and changes by hand.

The proposal (Beijing 2020 draft art. 18–19: the office fixes expert groups and applicant groups)
is computed in two steps:

1. Applicant groups: the stage's applications sorted by industry (GB/T 4754 section, division)
   are cut into ⌈n / applications_per_group⌉ consecutive groups whose sizes differ by at most
   one — balanced load, and each group's industries few.
2. Expert groups: a min-cost flow (OR-Tools) sends each panel expert to at most one group
   through a (group, section) node of a section they know, never to a group holding an
   application of an organisation they conflict with. Rewards, in falling weight: every section
   of a group covered (a huge reward for the first expert through each (group, section) node),
   every group filled to its minimum size, partner-region experts mixed in; costs: experts beyond
   the minimum, experts with many past assignments (rotation); and, among equals, a member
   able to lead in every group. The flow's optimum is the best
   proposal under these rules; whatever it cannot cover is explained per application.

A leader is then chosen in each group (may lead, most experience, lowest id). Changes by hand go
through `membership_problem` / `placement_problem`, the same rules, and every write re-syncs the
guardian grants (`access.sync_access`) in its transaction.
"""

import math
import time
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from applications.models import Application, Round
from award_portal.audit import audit_record

from .access import sync_access
from .conflicts import conflicted_pairs
from .experts import qualification_problem, qualified_experts
from .models import Expert, ExpertGroup, GroupApplication, GroupMember, ReviewSettings, Stage

COVER_REWARD = 1_000_000
FILL_REWARD = 10_000
PARTNER_REWARD = 50
LEAD_REWARD = 60
EXTRA_COST = 100
PAST_LOAD_COST = 5


class AssignmentError(Exception):
    def __init__(self, message, code="invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


def settings_for(program) -> ReviewSettings:
    row = ReviewSettings.objects.filter(program=program).first()
    return row or ReviewSettings(program=program)


@dataclass
class AppInfo:
    pk: int
    organization_id: int
    section: str
    division: str = ""
    label: str = ""


@dataclass
class ExpertInfo:
    pk: int
    sections: str
    province: str
    partner: bool = False
    can_lead: bool = False
    past: int = 0


@dataclass
class Proposal:
    groups: list = field(default_factory=list)  # [{"applications": [...], "members": [...], "leader": id}]
    uncovered: list = field(default_factory=list)  # [{"application": id, "section": s, "reason": text}]
    warnings: list = field(default_factory=list)
    seconds: float = 0.0

    @property
    def coverage_pct(self) -> float:
        total = sum(len(g["applications"]) for g in self.groups)
        if not total:
            return 100.0
        return round(100.0 * (total - len({u["application"] for u in self.uncovered})) / total, 2)

    @property
    def load_spread(self) -> int:
        sizes = [len(g["applications"]) for g in self.groups]
        return (max(sizes) - min(sizes)) if sizes else 0

    def as_dict(self) -> dict:
        return {"groups": self.groups, "uncovered": self.uncovered, "warnings": self.warnings,
                "coverage_pct": self.coverage_pct, "load_spread": self.load_spread,
                "seconds": round(self.seconds, 3)}


def applicant_groups(apps: list[AppInfo], per_group: int) -> list[list[AppInfo]]:
    if not apps:
        return []
    ordered = sorted(apps, key=lambda a: (a.section, a.division, a.pk))
    k = math.ceil(len(ordered) / max(1, per_group))
    base, extra = divmod(len(ordered), k)
    out, start = [], 0
    for i in range(k):
        size = base + (1 if i < extra else 0)
        out.append(ordered[start:start + size])
        start += size
    return out


def solve(apps: list[AppInfo], experts: list[ExpertInfo], conflicts: set[tuple[int, int]], *,
          min_size: int, max_size: int, per_group: int) -> Proposal:
    """The pure optimisation: no database. `conflicts` holds (expert id, organization id)."""
    from ortools.graph.python import min_cost_flow

    started = time.perf_counter()
    proposal = Proposal()
    app_groups = applicant_groups(apps, per_group)
    if not app_groups:
        proposal.seconds = time.perf_counter() - started
        return proposal
    n_groups = len(app_groups)
    group_sections = [sorted({a.section for a in g if a.section}) for g in app_groups]
    group_orgs = [{a.organization_id for a in g} for g in app_groups]
    conflicted_orgs: dict[int, set[int]] = {}
    for expert_id, org_id in conflicts:
        conflicted_orgs.setdefault(expert_id, set()).add(org_id)
    groups_of_section: dict[str, list[int]] = {}
    for gi, sections in enumerate(group_sections):
        for s in sections:
            groups_of_section.setdefault(s, []).append(gi)

    # Node numbering: 0 source, 1 sink, experts, (group, section) nodes, groups.
    source, sink = 0, 1
    expert_node = {e.pk: 2 + i for i, e in enumerate(experts)}
    next_node = 2 + len(experts)
    gs_node: dict[tuple[int, str], int] = {}
    for gi, sections in enumerate(group_sections):
        for s in sections:
            gs_node[(gi, s)] = next_node
            next_node += 1
    group_node = [next_node + gi for gi in range(n_groups)]
    # One (group, lead) node per group: the first expert able to lead who enters through it earns
    # LEAD_REWARD — less than an extra member costs, so it only decides who fills a place.
    lead_node = [next_node + n_groups + gi for gi in range(n_groups)]
    lead_arcs_done: set[int] = set()

    tails, heads, caps, costs = [], [], [], []

    def arc(t, h, cap, cost):
        tails.append(t)
        heads.append(h)
        caps.append(cap)
        costs.append(cost)

    arc(source, sink, len(experts), 0)
    arcs_of_expert: dict[int, list[tuple[int, int, str]]] = {}
    for e in experts:
        arc(source, expert_node[e.pk], 1, 0)
        blocked = conflicted_orgs.get(e.pk, set())
        cost = PAST_LOAD_COST * e.past - (PARTNER_REWARD if e.partner else 0)
        for s in set(e.sections):
            for gi in groups_of_section.get(s, ()):
                if blocked and blocked & group_orgs[gi]:
                    continue
                arcs_of_expert.setdefault(e.pk, []).append((len(tails), gi, s))
                arc(expert_node[e.pk], gs_node[(gi, s)], 1, cost)
                if e.can_lead and gi not in lead_arcs_done:
                    lead_arcs_done.add(gi)
                    arcs_of_expert[e.pk].append((len(tails), gi, None))
                    arc(expert_node[e.pk], lead_node[gi], 1, cost)
        lead_arcs_done.clear()
    for gi in range(n_groups):
        arc(lead_node[gi], group_node[gi], 1, -LEAD_REWARD)
    for (gi, _s), node in gs_node.items():
        arc(node, group_node[gi], 1, -COVER_REWARD)
        arc(node, group_node[gi], max_size, 0)
    for gi in range(n_groups):
        arc(group_node[gi], sink, min_size, -FILL_REWARD)
        arc(group_node[gi], sink, max(0, max_size - min_size), EXTRA_COST)

    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    flow.set_node_supply(source, len(experts))
    flow.set_node_supply(sink, -len(experts))
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise AssignmentError(_("The assignment could not be computed (solver status %(s)s).") % {"s": status})

    members: list[list[int]] = [[] for _ in range(n_groups)]
    covered: list[set[str]] = [set() for _ in range(n_groups)]
    for expert_id, arcs in arcs_of_expert.items():
        for index, gi, s in arcs:
            if flow.flow(index) > 0:
                members[gi].append(expert_id)
                if s is not None:
                    covered[gi].add(s)
    info = {e.pk: e for e in experts}
    # An expert enters the flow through one (group, section) node but knows all their sections:
    # a group covers every section of its applications that one of its members knows.
    for gi, group_members in enumerate(members):
        for expert_id in group_members:
            covered[gi] |= set(info[expert_id].sections) & set(group_sections[gi])
    used = {e for m in members for e in m}
    for gi, group_apps in enumerate(app_groups):
        leader = None
        if members[gi]:
            leader = sorted(members[gi], key=lambda e: (not info[e].can_lead, -info[e].past, e))[0]
            if not info[leader].can_lead:
                proposal.warnings.append(_("Group %(n)s has no member qualified to lead; %(id)s leads for now.") % {
                    "n": gi + 1, "id": leader})
        if len(members[gi]) < min_size:
            proposal.warnings.append(_("Group %(n)s has %(k)s expert(s); the program asks for at least %(min)s.") % {
                "n": gi + 1, "k": len(members[gi]), "min": min_size})
        proposal.groups.append({"applications": [a.pk for a in group_apps], "members": sorted(members[gi]),
                                "leader": leader})
        for a in group_apps:
            if a.section and a.section not in covered[gi]:
                proposal.uncovered.append({"application": a.pk, "section": a.section,
                                           "reason": _explain(a, gi, group_orgs, experts, conflicted_orgs, used)})
    proposal.seconds = time.perf_counter() - started
    return proposal


def _explain(app: AppInfo, gi: int, group_orgs, experts, conflicted_orgs, used) -> str:
    knowing = [e for e in experts if app.section in e.sections]
    if not knowing:
        return _("No expert of the panel knows industry section %(s)s.") % {"s": app.section}
    own = [e for e in knowing if app.organization_id in conflicted_orgs.get(e.pk, ())]
    others = [e for e in knowing if e not in own and conflicted_orgs.get(e.pk, set()) & group_orgs[gi]]
    free = [e for e in knowing if e not in own and e not in others and e.pk not in used]
    return _("%(n)s panel expert(s) know section %(s)s: %(own)s conflict with this applicant, %(others)s with "
             "another applicant of its group, the rest (%(busy)s) are needed in other groups. Draw more experts "
             "of this field or move the application.") % {
        "n": len(knowing), "s": app.section, "own": len(own), "others": len(others),
        "busy": len(knowing) - len(own) - len(others) - len(free)}


# --- Reading the database into the solver ---------------------------------------------------

def stage_apps(rnd: Round, stage: str) -> list[AppInfo]:
    from .draws import stage_applications

    rows = stage_applications(rnd.pk, stage).values_list(
        "pk", "organization_id", "organization__industry_section", "organization__industry_division",
        "organization__name")
    return [AppInfo(pk, org, section or "", division or "", name) for pk, org, section, division, name in rows]


def expert_infos(expert_ids, program) -> list[ExpertInfo]:
    review = settings_for(program)
    home = program.region_code[:2]
    past = dict(GroupMember.objects.filter(expert_id__in=list(expert_ids)).values("expert_id")
                .annotate(n=Count("pk")).values_list("expert_id", "n"))
    rows = qualified_experts().filter(pk__in=list(expert_ids)).values_list("pk", "expertise", "region_code",
                                                                            "shared", "can_lead")
    out = []
    for pk, expertise, region, shared, can_lead in rows.order_by("pk"):
        province = region[:2]
        if province != home and not (shared and province in review.partner_prefixes):
            continue
        out.append(ExpertInfo(pk, expertise, province, province != home, can_lead, past.get(pk, 0)))
    return out


def propose(rnd: Round, stage: str, expert_ids=None) -> Proposal:
    """The proposal for a stage, from the panel drawn for it (or the given experts)."""
    from .draws import panel_expert_ids

    review = settings_for(rnd.program)
    if expert_ids is None:
        expert_ids = panel_expert_ids(rnd.pk, stage)
    apps = stage_apps(rnd, stage)
    experts = expert_infos(expert_ids, rnd.program)
    conflicts = conflicted_pairs([e.pk for e in experts], {a.organization_id for a in apps})
    return solve(apps, experts, conflicts, min_size=review.min_group_size, max_size=review.max_group_size,
                 per_group=review.applications_per_group)


# --- Writing groups -------------------------------------------------------------------------

def _stage_groups(round_id, stage):
    return ExpertGroup.objects.filter(round_id=round_id, stage=stage)


@transaction.atomic
def groups_apply(*, round_id: int, stage: str, proposal: dict, actor) -> list[ExpertGroup]:
    """Replace the stage's groups by a proposal (as computed, or edited), checking every rule.

    The rules are those of `membership_problem`, checked for the whole proposal in a handful of
    queries (a proposal of 100 groups is applied in well under a second)."""
    rnd = Round.objects.select_for_update().select_related("program").get(pk=round_id)
    if stage not in Stage.values:
        raise AssignmentError(_("Unknown review stage."))
    specs = proposal.get("groups", [])
    apps = {a.pk: a for a in stage_apps(rnd, stage)}
    problem = proposal_problem(rnd, specs, apps)
    if problem:
        raise AssignmentError(problem, "rule")
    old_groups = list(_stage_groups(rnd.pk, stage))
    old_experts = set(GroupMember.objects.filter(group__in=old_groups).values_list("expert_id", flat=True))
    old_apps = set(GroupApplication.objects.filter(group__in=old_groups).values_list("application_id", flat=True))
    GroupMember.objects.filter(group__in=old_groups).delete()
    GroupApplication.objects.filter(group__in=old_groups).delete()
    ExpertGroup.objects.filter(pk__in=[g.pk for g in old_groups]).delete()
    created = ExpertGroup.objects.bulk_create(
        [ExpertGroup(round=rnd, stage=stage, number=n) for n in range(1, len(specs) + 1)])
    if any(g.pk is None for g in created):  # databases that return no ids from bulk inserts
        created = list(_stage_groups(rnd.pk, stage).order_by("number"))
    links, members = [], []
    for group, spec in zip(created, specs, strict=True):
        links += [GroupApplication(group=group, application_id=a, stage=stage) for a in spec.get("applications", [])]
        members += [GroupMember(group=group, expert_id=e, is_leader=(e == spec.get("leader")))
                    for e in spec.get("members", [])]
    GroupApplication.objects.bulk_create(links, batch_size=2000)
    GroupMember.objects.bulk_create(members, batch_size=2000)
    new_experts = {m.expert_id for m in members}
    new_apps = {link.application_id for link in links}
    sync_access(expert_ids=old_experts | new_experts, application_ids=old_apps | new_apps)
    audit_record(action="review.groups_applied", obj=rnd, actor=actor,
                 after={"stage": stage, "groups": [{"applications": s.get("applications", []),
                                                    "members": s.get("members", []), "leader": s.get("leader")}
                                                   for s in specs]})
    return created


# The rules a group's members follow, shared by a whole proposal and by one change by hand.

def _region_problem(expert: Expert, review: ReviewSettings, home: str) -> str | None:
    if expert.province != home and not (expert.shared and expert.province in review.partner_prefixes):
        return _("%(name)s is not from this program's region or a partner region sharing experts.") % {
            "name": expert.name}
    return None


def _full_message(review: ReviewSettings) -> str:
    return _("The group already has %(max)s experts, the program's maximum.") % {"max": review.max_group_size}


def _conflict_message(expert: Expert) -> str:
    return _("%(name)s has a conflict of interest with an applicant of this group.") % {"name": expert.name}


def _elsewhere_message(expert: Expert, group_label) -> str:
    return _("%(name)s already sits in %(group)s of this stage.") % {"name": expert.name, "group": group_label}


def proposal_problem(rnd: Round, specs: list, apps: dict) -> str | None:
    """The first rule a whole proposal breaks, or None (the rules of `membership_problem`)."""
    review = settings_for(rnd.program)
    home = rnd.program.region_code[:2]
    seen_apps, seen_experts = set(), set()
    member_ids = {e for spec in specs for e in spec.get("members", [])}
    experts = {e.pk: e for e in Expert.objects.filter(pk__in=member_ids)}
    qualified = set(qualified_experts().filter(pk__in=member_ids).values_list("pk", flat=True))
    clashes = conflicted_pairs(member_ids, {a.organization_id for a in apps.values()})
    for number, spec in enumerate(specs, start=1):
        group_apps = spec.get("applications", [])
        group_members = spec.get("members", [])
        for app_id in group_apps:
            if app_id not in apps:
                return _("Application %(id)s is not in this stage.") % {"id": app_id}
            if app_id in seen_apps:
                return _("Application %(id)s is in two groups.") % {"id": app_id}
            seen_apps.add(app_id)
        if len(group_members) > review.max_group_size:
            return _full_message(review)
        leader = spec.get("leader")
        if leader is not None and leader not in group_members:
            return _("Only a member of the group can lead it.")
        orgs = {apps[a].organization_id for a in group_apps}
        for expert_id in group_members:
            expert = experts.get(expert_id)
            if expert is None:
                return _("No such expert.")
            if expert_id not in qualified:
                return qualification_problem(expert) or _("%(name)s may not review.") % {"name": expert.name}
            if any((expert_id, org) in clashes for org in orgs):
                return _conflict_message(expert)
            if expert_id in seen_experts:
                return _elsewhere_message(expert, _("Group %(number)s") % {"number": number})
            seen_experts.add(expert_id)
            if problem := _region_problem(expert, review, home):
                return problem
    return None


def membership_problem(expert: Expert, group: ExpertGroup) -> str | None:
    """Why `expert` may not sit in `group`, or None: the rules the proposal follows."""
    problem = qualification_problem(expert)
    if problem:
        return problem
    orgs = set(GroupApplication.objects.filter(group=group).values_list("application__organization_id", flat=True))
    clash = conflicted_pairs([expert.pk], orgs)
    if clash:
        return _conflict_message(expert)
    other = GroupMember.objects.filter(expert=expert, group__round_id=group.round_id, group__stage=group.stage) \
        .exclude(group=group).select_related("group").first()
    if other is not None:
        return _elsewhere_message(expert, other.group)
    review = settings_for(group.round.program)
    if GroupMember.objects.filter(group=group).exclude(expert=expert).count() >= review.max_group_size:
        return _full_message(review)
    return _region_problem(expert, review, group.round.program.region_code[:2])


def placement_problem(application: Application, group: ExpertGroup) -> str | None:
    """Why `application` may not be reviewed by `group`, or None."""
    members = list(GroupMember.objects.filter(group=group).select_related("expert"))
    if conflicted_pairs([m.expert_id for m in members], [application.organization_id]):
        return _("A member of this group has a conflict of interest with %(org)s.") % {
            "org": application.organization.name}
    section = application.organization.industry_section
    if section and not any(section in m.expert.expertise for m in members):
        return _("No member of this group knows industry section %(s)s; add one first.") % {"s": section}
    return None


def _lock_group(group_id) -> ExpertGroup:
    group = ExpertGroup.objects.select_for_update().select_related("round__program").filter(pk=group_id).first()
    if group is None:
        raise AssignmentError(_("No such group."), "missing")
    return group


@transaction.atomic
def group_add_member(*, group_id: int, expert_id: int, actor, leader: bool = False) -> GroupMember:
    group = _lock_group(group_id)
    expert = Expert.objects.select_for_update().get(pk=expert_id)
    problem = membership_problem(expert, group)
    if problem:
        raise AssignmentError(problem, "rule")
    if leader:
        GroupMember.objects.filter(group=group, is_leader=True).update(is_leader=False)
    member, _created = GroupMember.objects.update_or_create(group=group, expert=expert,
                                                            defaults={"is_leader": leader})
    sync_access(expert_ids=[expert.pk], application_ids=_group_app_ids(group))
    audit_record(action="review.member_added", obj=group.round, actor=actor,
                 after={"group": group.number, "stage": group.stage, "expert": expert.pk, "leader": leader})
    return member


@transaction.atomic
def group_remove_member(*, group_id: int, expert_id: int, actor, reason: str = "") -> None:
    group = _lock_group(group_id)
    deleted, _rows = GroupMember.objects.filter(group=group, expert_id=expert_id).delete()
    if not deleted:
        raise AssignmentError(_("This expert is not in the group."), "missing")
    sync_access(expert_ids=[expert_id], application_ids=_group_app_ids(group))
    audit_record(action="review.member_removed", obj=group.round, actor=actor,
                 after={"group": group.number, "stage": group.stage, "expert": expert_id, "reason": reason})


@transaction.atomic
def group_set_leader(*, group_id: int, expert_id: int, actor) -> None:
    group = _lock_group(group_id)
    if not GroupMember.objects.filter(group=group, expert_id=expert_id).exists():
        raise AssignmentError(_("Only a member of the group can lead it."), "rule")
    GroupMember.objects.filter(group=group, is_leader=True).update(is_leader=False)
    GroupMember.objects.filter(group=group, expert_id=expert_id).update(is_leader=True)
    audit_record(action="review.leader_set", obj=group.round, actor=actor,
                 after={"group": group.number, "stage": group.stage, "expert": expert_id})


@transaction.atomic
def group_move_application(*, application_id: int, group_id: int, actor) -> GroupApplication:
    group = _lock_group(group_id)
    application = Application.objects.select_for_update().select_related("organization").get(pk=application_id)
    link = GroupApplication.objects.select_for_update().filter(application=application, stage=group.stage).first()
    if link is None:
        raise AssignmentError(_("This application is not in a group of this stage."), "missing")
    problem = placement_problem(application, group)
    if problem:
        raise AssignmentError(problem, "rule")
    old_group = link.group
    link.group = group
    link.save()
    sync_access(application_ids=[application.pk])
    audit_record(action="review.application_moved", obj=application, actor=actor,
                 after={"stage": group.stage, "from": old_group.number, "to": group.number})
    return link


def _group_app_ids(group) -> list[int]:
    return list(GroupApplication.objects.filter(group=group).values_list("application_id", flat=True))


def conflict_takes_effect(expert_id: int, organization_id: int) -> list[ExpertGroup]:
    """A new conflict: the expert leaves every group reviewing that organisation, at once."""
    groups = list(ExpertGroup.objects.filter(members__expert_id=expert_id,
                                             assignments__application__organization_id=organization_id).distinct())
    if not groups:
        return []
    GroupMember.objects.filter(expert_id=expert_id, group__in=groups).delete()
    app_ids = list(GroupApplication.objects.filter(group__in=groups).values_list("application_id", flat=True))
    sync_access(expert_ids=[expert_id], application_ids=app_ids)
    for group in groups:
        audit_record(action="review.member_removed", obj=group.round,
                     after={"group": group.number, "stage": group.stage, "expert": expert_id,
                            "reason": "conflict of interest"})
    return groups


def expert_leave_all_groups(expert: Expert, *, actor, reason: str) -> None:
    """Suspension or striking: out of every group of rounds still under way, access revoked."""
    from applications.enums import RoundPhase

    groups = list(ExpertGroup.objects.filter(members__expert=expert).exclude(round__phase=RoundPhase.CLOSED))
    GroupMember.objects.filter(expert=expert, group__in=groups).delete()
    sync_access(expert_ids=[expert.pk])
    for group in groups:
        audit_record(action="review.member_removed", obj=group.round, actor=actor,
                     after={"group": group.number, "stage": group.stage, "expert": expert.pk, "reason": reason})


def groups_needing_attention(round_id: int | None = None):
    """Groups of rounds under way with fewer members than the minimum or no leader: the office's
    to-do (a conflict or a suspension took someone out)."""
    from applications.enums import RoundPhase

    qs = ExpertGroup.objects.exclude(round__phase=RoundPhase.CLOSED).select_related("round__program")
    if round_id is not None:
        qs = qs.filter(round_id=round_id)
    qs = qs.annotate(n=Count("members", distinct=True),
                     leaders=Count("members", filter=Q(members__is_leader=True), distinct=True))
    out, sizes = [], {}
    for group in qs:
        program = group.round.program
        if program.pk not in sizes:  # one settings read per program, not per group
            sizes[program.pk] = settings_for(program).min_group_size
        if group.n < sizes[program.pk] or not group.leaders:
            out.append(group)
    return out
