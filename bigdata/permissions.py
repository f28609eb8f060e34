"""Who may see and do what with big data: the one set of predicates that views, the API, the
application panel, templates and services ask.

The policy:

* the review office and supervisors read everything: sources, imports with their rejected rows,
  every organisation's records, runs, flags and scores;
* the expert technical guidance group and the award committee read the screening results: runs,
  flags with their evidence, scores, and the big-data panel of the applications they may read
  (the group reviews the expert groups' reports, the committee examines the results: Beijing
  2020 draft art. 8 and 11);
* an expert sees the big-data panel only of an application assigned to them (Beijing 2020 draft
  art. 18–19: groups score "依据评审标准和大数据反馈数据"); the review app registers who
  reviews what (`register_reviewer_check`: `review.access.can_review`), so without it no expert
  sees any big data;
* only the office imports, starts and resumes runs and decides flags (supervisors change
  nothing), and nobody decides a flag of a run that a newer run of the same program has
  superseded: the newer run carries the decisions forward, so a decision on the old one would
  be lost.
"""

from award_portal.roles import Role, can_read_everything, has_role, is_office

from .models import Run


def can_read_bigdata(user) -> bool:
    """Sources, imports, every organisation's records, and everything below."""
    return can_read_everything(user)


def can_read_screening(user) -> bool:
    """Runs, flags with their evidence, scores."""
    return can_read_bigdata(user) or has_role(user, Role.GUIDANCE, Role.COMMITTEE)


def can_open_import(user, batch) -> bool:
    return can_read_bigdata(user)


def can_open_records(user, organization) -> bool:
    """The page listing all of an organisation's public records."""
    return can_read_bigdata(user)


def can_open_run(user, run) -> bool:
    return can_read_screening(user)


def can_open_flag(user, flag) -> bool:
    return can_read_screening(user)


#: Checks (user, application) -> bool of the apps that assign reviewers (review.access.can_review).
REVIEWER_CHECKS: list = []


def register_reviewer_check(check) -> None:
    if check not in REVIEWER_CHECKS:
        REVIEWER_CHECKS.append(check)


def is_assigned_expert(user, application) -> bool:
    """An expert who reviews the application now (their group, stage, signature, no conflict)."""
    if not has_role(user, Role.EXPERT):
        return False
    return any(check(user, application) for check in REVIEWER_CHECKS)


def can_see_bigdata_panel(user, application) -> bool:
    return can_read_screening(user) or is_assigned_expert(user, application)


def can_import(user) -> bool:
    return is_office(user)


def can_run(user) -> bool:
    """Start or resume screening and evaluation runs."""
    return is_office(user)


def can_decide(user) -> bool:
    """Confirm or dismiss flags (in general; `can_decide_flag` for one flag)."""
    return is_office(user)


def superseding_run(run) -> Run | None:
    """The newest run of the same program and kind after this one, if any."""
    return (Run.objects.filter(program_id=run.program_id, kind=run.kind, version__gt=run.version)
            .order_by("-version").first())


def is_superseded(run) -> bool:
    return superseding_run(run) is not None


def can_decide_flag(user, flag) -> bool:
    return can_decide(user) and not is_superseded(flag.run)
