"""Expert groups at scale: `assignment.propose` + `groups_apply`, the whole thing, database included.

Set-up (not measured) builds, with bulk_create, a round in material review of one program:
experts in the pool (examined, active, with accounts; fields of expertise weighted toward
manufacturing C, a share of them from partner regions and shared), applications in material
review of organisations of varied industries, and declared conflicts. Measured: the proposal
(reading the database, the min-cost flow) and applying it (groups, members checked by the same
rules as a change by hand, guardian grants, audit). Before printing, the result is checked: no
member conflicts with an application of their group, every member is qualified, every
application sits in exactly one group.

Scales (experts × applications, declared conflicts):
  full:  1,000 × 500, 50  → assignment_s, _coverage_pct, _load_spread;  5,000 × 2,000, 250 → assignment_large_s
  small: 200 × 100, 10    → the same names;                             1,000 × 400, 50 → assignment_large_s
"""

import datetime
import os
import random
import time

SCALES = {
    "small": ((200, 100, 10), (1_000, 400, 50)),
    "medium": ((1_000, 500, 50), (2_000, 1_000, 100)),
    "full": ((1_000, 500, 50), (5_000, 2_000, 250)),
}

# GB/T 4754 sections and weights: manufacturing first, as in the award's applicants.
SECTIONS = "CIFGEDJMLKNQ"
SECTION_WEIGHTS = [40, 10, 7, 7, 7, 5, 5, 5, 4, 4, 3, 3]


def bench(name, value, unit):
    print(f"BENCH {name} {value} {unit}", flush=True)


def info(message):
    print(f"# {message}", flush=True)


def _setup_django(fresh):
    import django

    if fresh:
        from .bigdata_bench import recreate_database

        recreate_database(os.environ["DATABASE_URL"])
    django.setup()
    if fresh:
        from django.core.management import call_command

        from applications.program_fixtures import load_all_programs

        call_command("migrate", verbosity=0)
        load_all_programs()


def build(n_experts, n_apps, n_conflicts, *, tag, seed=12):
    """The data of one run: returns (round, office user, expert ids)."""
    from django.contrib.auth.models import Group

    from applications import uscc
    from applications.enums import ApplicationState, LegalForm, RoundPhase
    from applications.models import Application, AwardProgram, Organization, Round
    from award_portal.models import User
    from award_portal.roles import Role
    from review.models import Conflict, Expert, ReviewSettings, TrainingRecord

    rng = random.Random(seed)
    program = AwardProgram.objects.get(code="beijing")
    ReviewSettings.objects.update_or_create(program=program, defaults={
        "min_group_size": 3, "max_group_size": 5, "applications_per_group": 5, "partner_regions": "12,13"})
    edition = 100 + (Round.objects.filter(program=program).order_by("-edition").values_list("edition", flat=True)
                     .first() or 0)
    # Biennial: a year of its own, far from any other round.
    year = 2100 + 2 * edition
    rnd = Round.objects.create(program=program, edition=edition, year=year, name_zh=f"基准测试{tag}",
                               name_en=f"Benchmark {tag}", phase=RoundPhase.MATERIAL_REVIEW,
                               application_deadline=datetime.datetime(year, 3, 31, 9, tzinfo=datetime.UTC))
    office, _created = User.objects.get_or_create(username="bench-office", defaults={"full_name": "基准评审办"})
    office.groups.add(Group.objects.get_or_create(name=str(Role.OFFICE))[0])

    codes = set(Organization.objects.values_list("credit_code", flat=True))
    orgs = []
    while len(orgs) < n_apps:
        code = uscc.generate(rng, region=rng.choice(["110105", "110108", "110115", "110101"]))
        if code in codes:
            continue
        codes.add(code)
        section = rng.choices(SECTIONS, SECTION_WEIGHTS)[0]
        orgs.append(Organization(credit_code=code, region_code=code[2:8], name=f"基准组织{tag}-{len(orgs)}",
                                 registered_on=datetime.date(2005, 1, 1), legal_form=LegalForm.COMPANY,
                                 industry_section=section,
                                 industry_division=f"{rng.randint(13, 43)}{rng.randint(10, 99)}" if section == "C" else ""))
    orgs = Organization.objects.bulk_create(orgs, batch_size=2000)
    Application.objects.bulk_create(
        [Application(round=rnd, organization=org, number=f"B{rnd.pk}-{i:05d}", state=ApplicationState.IN_MATERIAL_REVIEW)
         for i, org in enumerate(orgs)], batch_size=2000)

    users = User.objects.bulk_create([User(username=f"bench-{tag}-expert-{i}", password="!") for i in range(n_experts)],
                                     batch_size=2000)
    experts = []
    for i, user in enumerate(users):
        k = rng.choices([1, 2, 3], [45, 40, 15])[0]
        sections = {rng.choices(SECTIONS, SECTION_WEIGHTS)[0] for _ in range(k)}
        roll = rng.random()
        region, shared = ("110108", False)
        if roll < 0.08:
            region, shared = rng.choice(["120104", "130102"]), True   # partner regions, shared
        elif roll < 0.10:
            region, shared = rng.choice(["120104", "130102"]), False  # partner regions, not shared: never eligible
        experts.append(Expert(user=user, name=f"专家{tag}-{i}", email=f"bench-{tag}-{i}@example.cn",
                              expertise="".join(sorted(sections)), region_code=region, shared=shared,
                              status=Expert.Status.ACTIVE, can_lead=rng.random() < 0.3))
    experts = Expert.objects.bulk_create(experts, batch_size=2000)
    TrainingRecord.objects.bulk_create(
        [TrainingRecord(expert=e, kind=TrainingRecord.Kind.EXAMINATION, held_on=datetime.date(2026, 3, 1),
                        title="评审员资格考试", passed=True, score=80) for e in experts], batch_size=2000)
    pairs = set()
    while len(pairs) < n_conflicts:
        pairs.add((rng.choice(experts).pk, rng.choice(orgs).pk))
    Conflict.objects.bulk_create([Conflict(expert_id=e, organization_id=o, source=Conflict.Source.DECLARED,
                                           reason=Conflict.Reason.OTHER, detail="基准测试申报的利益冲突")
                                  for e, o in pairs], batch_size=2000)
    return rnd, office, [e.pk for e in experts]


def measure(rnd, office, expert_ids):
    """propose + groups_apply, timed together; then the checks. Returns (seconds, proposal)."""
    from review import assignment

    t0 = time.perf_counter()
    proposal = assignment.propose(rnd, "material", expert_ids=expert_ids)
    groups = assignment.groups_apply(round_id=rnd.pk, stage="material", proposal=proposal.as_dict(), actor=office)
    seconds = time.perf_counter() - t0
    check(rnd, groups)
    info(f"{len(expert_ids):,} experts, {sum(len(g['applications']) for g in proposal.groups):,} applications: "
         f"{len(groups)} groups, {sum(len(g['members']) for g in proposal.groups)} members, solver "
         f"{proposal.seconds:.2f} s of {seconds:.2f} s; {len(proposal.uncovered)} uncovered, "
         f"{len(proposal.warnings)} warnings")
    return seconds, proposal


def check(rnd, groups):
    from django.db.models import Exists, OuterRef

    from review.draws import stage_applications
    from review.experts import qualified_experts
    from review.models import Conflict, GroupApplication, GroupMember

    conflicted = (GroupMember.objects.filter(group__in=groups)
                  .filter(Exists(GroupApplication.objects.filter(group_id=OuterRef("group_id")).filter(
                      Exists(Conflict.objects.filter(expert_id=OuterRef(OuterRef("expert_id")),
                                                     organization_id=OuterRef("application__organization_id"),
                                                     dismissed_at__isnull=True))))))
    assert not conflicted.exists(), "a member conflicts with an application of their group"
    members = GroupMember.objects.filter(group__in=groups)
    assert not members.exclude(expert__in=qualified_experts()).exists(), "an unqualified expert was assigned"
    assert members.count() == members.values("expert_id").distinct().count(), "an expert sits in two groups"
    placed = GroupApplication.objects.filter(group__in=groups)
    assert placed.count() == stage_applications(rnd.pk, "material").count() == placed.values(
        "application_id").distinct().count(), "every application in exactly one group"


def run(*, scale, fresh=False):
    _setup_django(fresh)
    (n_e, n_a, n_c), (l_e, l_a, l_c) = SCALES[scale]
    rnd, office, experts = build(n_e, n_a, n_c, tag=f"{scale}-base")
    info(f"review: built {n_e:,} experts, {n_a:,} applications, {n_c} declared conflicts")
    seconds, proposal = measure(rnd, office, experts)
    bench("assignment_s", round(seconds, 2), "s")
    bench("assignment_coverage_pct", proposal.coverage_pct, "%")
    bench("assignment_load_spread", proposal.load_spread, "applications")
    rnd, office, experts = build(l_e, l_a, l_c, tag=f"{scale}-large", seed=13)
    info(f"review: built {l_e:,} experts, {l_a:,} applications, {l_c} declared conflicts")
    seconds, proposal = measure(rnd, office, experts)
    bench("assignment_large_s", round(seconds, 2), "s")
    info(f"large: coverage {proposal.coverage_pct} %, load spread {proposal.load_spread}")
