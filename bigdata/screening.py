"""Screening runs: a round's applicants (or, for a run without a round, every organisation)
against a program's screening rules, as set-based SQL.

The organisations a run screens are fixed when it is created: for a round, its `RunSubject`
rows (organisations with an application in the round that is neither a draft nor withdrawn,
`APPLICANT_EXCLUDED_STATES`); the chunks' organisation ranges span only them, and the chunk's
statement joins them, so an organisation that did not apply in the round gets no flag from the
run and does not count as covered (`screening_for`).

A run is split into chunks by record type (the rules of a chunk read only the partitions of
its record types, so the chunks share out the reading instead of repeating it) and, for very
large populations, by organisation-id range. Each chunk is independent and idempotent: it
deletes whatever an earlier attempt left for its rules and range, then writes, in one
transaction, the flags (one INSERT … SELECT … GROUP BY over the records), their evidence (one
INSERT … SELECT joining flags back to the records) and the office's earlier decisions carried
over (one UPDATE): a dismissed or confirmed flag keeps its decision in a re-run unless a record
appears in its evidence that the earlier flag did not have.

The SQL is the same on PostgreSQL and SQLite: rules are resolved per run into `RunRule` rows
(window as a date, one row per grade, or per part of a grade as a LIKE pattern, one more for
the amount when a rule is met by grade or amount), so no date arithmetic or JSON happens in SQL.
The rows of one rule are alternatives: a record meeting two of them (a penalty both 吊销 and
above the amount) is one hit, so such chunks collect distinct hits. Rules of kind "key_figures"
compare applications' declared figures with records (key_figures.py) in the same chunk and
transaction, with the same flags, evidence and carry-over.
"""

import datetime
import time

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.eligibility import add_years
from applications.models import Organization
from award_portal.audit import audit_record

from . import key_figures
from .models import Flag, ImportBatch, RecordType, Run, RunChunk, RunRule, RunSubject, ScreeningRule
from .permissions import can_decide, superseding_run

# Evaluation chunks: organisation ranges (settings override).
CHUNK_ORGS = int(getattr(settings, "BIGDATA_CHUNK_ORGS", 50_000))
# Screening chunks: groups of record types of about equal record counts (one per worker
# process), times organisation ranges only beyond this many organisations. Records are not
# stored in organisation order across a file, so every organisation range reads every page of
# its partitions: splitting by organisations multiplies the reading, splitting by type divides it.
SCREENING_TYPE_GROUPS = int(getattr(settings, "BIGDATA_SCREENING_TYPE_GROUPS", 2))
SCREENING_CHUNK_ORGS = int(getattr(settings, "BIGDATA_SCREENING_CHUNK_ORGS", 1_000_000))

#: Applications that do not make their organisation an applicant of the round (not yet, or no
#: longer): the same as those whose key figures are not declared.
APPLICANT_EXCLUDED_STATES = key_figures.NOT_DECLARED

RULE_CONDITIONS = """
      AND r.source_id IN ({sources})
      AND (rr.grade IS NULL OR r.grade = rr.grade)
      AND (rr.grade_part IS NULL OR r.grade LIKE rr.grade_part)
      AND (rr.since IS NULL OR r.occurred_on >= rr.since)
      AND r.occurred_on <= %(ref)s
      AND (NOT rr.only_current OR r.removed_on IS NULL OR r.removed_on > %(ref)s)
      AND r.severity >= rr.min_severity
      AND (rr.amount_min IS NULL OR r.amount_10k >= rr.amount_min)
"""

# One pass over the records of the chunk's organisations (only the partitions of the sources
# the rules read) collects the matching records; flags and evidence are then built from that
# small table.
HITS_SQL = """
    CREATE TEMP TABLE screening_hits AS
    SELECT {distinct} r.id AS record_id, r.organization_id, rr.rule_id, rr.outcome, rr.min_count, r.occurred_on
    FROM bigdata_publicrecord r
    JOIN bigdata_runrule rr ON rr.run_id = %(run)s AND rr.record_type = r.record_type AND rr.kind = 'records'{subjects}
    WHERE r.organization_id BETWEEN %(lo)s AND %(hi)s AND rr.record_type IN ({types})""" + RULE_CONDITIONS

FLAGS_SQL = """
    INSERT INTO bigdata_flag (run_id, organization_id, rule_id, outcome, record_count, first_on, last_on,
                              decision, decision_reason)
    SELECT %(run)s, organization_id, rule_id, outcome, COUNT(*), MIN(occurred_on), MAX(occurred_on), 'pending', ''
    FROM screening_hits
    GROUP BY organization_id, rule_id, outcome
    HAVING COUNT(*) >= MAX(min_count)
"""

EVIDENCE_SQL = """
    INSERT INTO bigdata_flagevidence (flag_id, record_id)
    SELECT f.id, h.record_id
    FROM screening_hits h
    JOIN bigdata_flag f ON f.run_id = %(run)s AND f.organization_id = h.organization_id AND f.rule_id = h.rule_id
"""

CARRY_OVER_SQL = """
    UPDATE bigdata_flag
    SET decision = o.decision, decision_reason = o.decision_reason, decided_by_id = o.decided_by_id,
        decided_at = o.decided_at, carried_from_id = o.id
    FROM bigdata_flag o
    WHERE bigdata_flag.run_id = %(run)s AND bigdata_flag.organization_id BETWEEN %(lo)s AND %(hi)s
      AND bigdata_flag.rule_id IN ({chunk_rules})
      AND o.run_id = %(prev)s AND o.organization_id = bigdata_flag.organization_id
      AND o.rule_id = bigdata_flag.rule_id AND o.decision <> 'pending'
      AND NOT EXISTS (
          SELECT 1 FROM bigdata_flagevidence ne WHERE ne.flag_id = bigdata_flag.id
          AND NOT EXISTS (SELECT 1 FROM bigdata_flagevidence oe
                          WHERE oe.flag_id = o.id AND oe.record_id = ne.record_id))
"""

# A run of a round reads only the records of its subjects (the round's applicants).
SUBJECTS_JOIN = """
    JOIN bigdata_runsubject s ON s.run_id = %(run)s AND s.organization_id = r.organization_id"""

SUBJECTS_SQL = """
    INSERT INTO bigdata_runsubject (run_id, organization_id)
    SELECT %s, a.organization_id FROM applications_application a
    WHERE a.round_id = %s AND a.state NOT IN ({excluded})
"""

CHUNK_RULES_SQL = "SELECT rule_id FROM bigdata_runrule WHERE run_id = %(run)s AND record_type IN ({types})"

CLEAR_SQL = [
    """DELETE FROM bigdata_flagevidence WHERE flag_id IN (
           SELECT id FROM bigdata_flag WHERE run_id = %(run)s AND organization_id BETWEEN %(lo)s AND %(hi)s
           AND rule_id IN ({chunk_rules}))""",
    """DELETE FROM bigdata_flag WHERE run_id = %(run)s AND organization_id BETWEEN %(lo)s AND %(hi)s
           AND rule_id IN ({chunk_rules})""",
]

REMATCH_SQL = {
    "postgresql": """
        UPDATE bigdata_publicrecord r SET organization_id = o.id, match_method = 'code'
        FROM applications_organization o
        WHERE r.organization_id IS NULL AND r.credit_code = o.credit_code""",
    "sqlite": """
        UPDATE bigdata_publicrecord SET organization_id = o.id, match_method = 'code'
        FROM applications_organization o
        WHERE bigdata_publicrecord.organization_id IS NULL
          AND bigdata_publicrecord.credit_code = o.credit_code""",
}


def org_ranges(chunk_orgs: int = CHUNK_ORGS, run: Run | None = None) -> list[tuple[int, int]]:
    """Organisation-id ranges of about `chunk_orgs` organisations each, covering the organisations
    `run` screens (its subjects, for a run of a round) or, without a run or for a run of every
    organisation, all of them. No organisations: no ranges."""
    if run is not None and not run.all_organizations:
        ids = list(RunSubject.objects.filter(run=run).order_by("organization_id")
                   .values_list("organization_id", flat=True))
    else:
        ids = list(Organization.objects.order_by("id").values_list("id", flat=True))
    ranges = []
    for start in range(0, len(ids), chunk_orgs):
        part = ids[start:start + chunk_orgs]
        ranges.append((part[0], part[-1]))
    return ranges


def type_groups(record_types, groups: int) -> list[list[str]]:
    """The record types in at most `groups` groups of about equal record counts (the largest
    type first into the lightest group), each group sorted."""
    imported = (ImportBatch.objects.filter(status=ImportBatch.Status.IMPORTED, source__record_type__in=record_types)
                .values("source__record_type").annotate(n=Sum("rows_imported")))
    counts = {row["source__record_type"]: row["n"] for row in imported}
    bins = [[0, []] for _ in range(max(1, min(groups, len(record_types))))]
    for record_type in sorted(record_types, key=lambda t: (-(counts.get(t) or 0), t)):
        lightest = min(bins, key=lambda b: b[0])
        lightest[0] += counts.get(record_type) or 0
        lightest[1].append(record_type)
    return [sorted(types) for _, types in bins if types]


def _record_subjects(run) -> int:
    """The run's subjects: its round's applicants, in one INSERT … SELECT."""
    excluded = ", ".join(["%s"] * len(APPLICANT_EXCLUDED_STATES))
    with connection.cursor() as cursor:
        cursor.execute(SUBJECTS_SQL.format(excluded=excluded),
                       [run.pk, run.round_id, *[str(state) for state in APPLICANT_EXCLUDED_STATES]])
        added = cursor.rowcount
        if connection.vendor == "postgresql" and added:
            # Fresh statistics, or the planner guesses the join of the chunks' statement (a nested
            # loop over the records of a partition, eight times slower at 200,000 records).
            cursor.execute("ANALYZE bigdata_runsubject")
    return added


@transaction.atomic
def run_create(*, program, reference_date: datetime.date | None = None, actor=None, round=None,  # noqa: A002
               chunk_orgs: int | None = None, groups: int = SCREENING_TYPE_GROUPS, kind=Run.Kind.SCREENING) -> Run:
    """Create a run, its resolved rules and its chunks (nothing is computed yet).

    A screening run of a `round` (of `program`) screens the round's applicants as of now (its
    subjects); a round with none gives a run of no organisation, which completes with no flag.
    Without a round, and for an evaluation run, every organisation registered now.

    The program's latest run of the kind is locked first: a decision on one of its flags
    (flag_decide locks the same row) is then either committed before the new run exists, so the
    new run carries it over, or refused because the new run supersedes it."""
    if round is not None and round.program_id != program.pk:
        raise ValidationError(_("The round belongs to another program."), code="invalid")
    reference_date = reference_date or timezone.localdate()
    latest = Run.objects.select_for_update().filter(kind=kind, program=program).order_by("-version").first()
    screening_round = round if kind == Run.Kind.SCREENING else None
    run = Run.objects.create(kind=kind, program=program, version=(latest.version if latest else 0) + 1,
                             reference_date=reference_date, started_by=actor, round=screening_round,
                             all_organizations=screening_round is None)
    if screening_round is not None:
        organizations = _record_subjects(run)
    else:
        organizations = Organization.objects.count()
    if kind == Run.Kind.SCREENING:
        rules = _resolve_rules(run, program, reference_date)
        RunRule.objects.bulk_create(rules)
        slices = type_groups(sorted({r.record_type for r in rules}), groups) or [[]]
        ranges = org_ranges(chunk_orgs or SCREENING_CHUNK_ORGS, run)
    else:
        slices, ranges = [[]], org_ranges(chunk_orgs or CHUNK_ORGS, run)
    # No organisation to screen: one empty range, so the run still goes through its chunks and
    # its fan-in and completes (with no flag) like any other.
    ranges = ranges or [(0, -1)]
    chunks = [(lo, hi, types) for lo, hi in ranges for types in slices]
    RunChunk.objects.bulk_create([RunChunk(run=run, index=i, org_from=lo, org_to=hi, record_types=types)
                                  for i, (lo, hi, types) in enumerate(chunks)])
    run.chunks_total = len(chunks)
    run.organizations = organizations
    run.save(update_fields=["chunks_total", "organizations"])
    audit_record(action=f"bigdata.{kind}_run_created", obj=run, actor=actor,
                 after={"program": program.code, "round": screening_round.pk if screening_round else None,
                        "version": run.version, "reference_date": reference_date,
                        "organizations": organizations, "chunks": len(chunks)})
    return run


def _resolve_rules(run, program, reference_date) -> list[RunRule]:
    rows = []
    for rule in program.screening_rules.filter(active=True):
        since = add_years(reference_date, -rule.window_years) if rule.window_years else None
        common = {"run": run, "rule": rule, "kind": rule.kind, "record_type": rule.record_type,
                  "outcome": rule.outcome, "since": since, "only_current": rule.only_current,
                  "min_severity": rule.min_severity, "min_count": rule.min_count}
        if rule.kind == ScreeningRule.Kind.KEY_FIGURES:
            rows.append(RunRule(**common))
            continue
        for grade in (rule.grades or [None]):
            # With grade_or_amount a grade row and the amount row are alternatives, else the
            # amount is one more condition of every row.
            amount_min = None if rule.grade_or_amount and grade is not None else rule.amount_min_10k
            if grade is not None and rule.grade_contains:
                rows.append(RunRule(**common, grade_part=f"%{grade}%", amount_min=amount_min))
            else:
                rows.append(RunRule(**common, grade=grade, amount_min=amount_min))
        if rule.grade_or_amount and rule.grades:
            rows.append(RunRule(**common, amount_min=rule.amount_min_10k))
    return rows


def rematch_records() -> int:
    """Records that arrived before their organisation registered: match them now by code."""
    with connection.cursor() as cursor:
        cursor.execute(REMATCH_SQL["postgresql" if connection.vendor == "postgresql" else "sqlite"])
        return cursor.rowcount


def previous_run(run: Run) -> Run | None:
    return (Run.objects.filter(kind=run.kind, program=run.program, status=Run.Status.SUCCEEDED,
                               version__lt=run.version).order_by("-version").first())


def sources_sql(record_types) -> str:
    """The ids of the sources holding these record types, as a literal SQL list.

    Records are partitioned by source in PostgreSQL: naming the sources lets the planner skip
    every partition no rule reads (complaints, media …) at plan time.
    """
    from .models import RecordSource

    ids = sorted(RecordSource.objects.filter(record_type__in=set(record_types)).values_list("id", flat=True))
    return ", ".join(str(int(i)) for i in ids) or "NULL"


def types_sql(record_types) -> str:
    """Record types as a literal SQL list (they are the fixed `RecordType` values)."""
    unknown = set(record_types) - set(RecordType.values)
    if unknown:
        raise ValueError(f"unknown record types {sorted(unknown)}")
    return ", ".join(f"'{t}'" for t in sorted(record_types)) or "NULL"


def _overlapping(rows) -> bool:
    """Whether a record may meet two rows of one rule (parts of grades, or grade or amount)."""
    any_grade, some_grade = set(), set()
    for row in rows:
        if row["grade_part"] is not None:
            return True
        (any_grade if row["grade"] is None else some_grade).add(row["rule_id"])
    return bool(any_grade & some_grade)


def screen_chunk(*, chunk_id: int) -> int:
    """Compute one chunk (idempotent: a retry replaces what a failed attempt left)."""
    started = time.perf_counter()
    # Counted outside the chunk's transaction, so that failed attempts are counted too.
    RunChunk.objects.filter(pk=chunk_id).update(attempts=F("attempts") + 1)
    chunk = RunChunk.objects.select_related("run").get(pk=chunk_id)
    if chunk.status == RunChunk.Status.DONE:
        return 0
    run = chunk.run
    prev = previous_run(run)
    params = {"run": run.pk, "lo": chunk.org_from, "hi": chunk.org_to, "ref": run.reference_date,
              "prev": prev.pk if prev else -1}
    record_types = chunk.record_types or sorted(set(run.run_rules.values_list("record_type", flat=True)))
    chunk_rules = CHUNK_RULES_SQL.format(types=types_sql(record_types))
    run_rules = list(run.run_rules.filter(record_type__in=record_types).values("rule_id", "kind", "record_type",
                                                                               "grade", "grade_part"))
    plain = [row for row in run_rules if row["kind"] == ScreeningRule.Kind.RECORDS]
    plain_types = sorted({row["record_type"] for row in plain})
    figure_rules = list(run.run_rules.filter(record_type__in=record_types, kind=ScreeningRule.Kind.KEY_FIGURES)
                        .select_related("rule"))
    figure_rule_ids = [r.rule_id for r in figure_rules]
    with transaction.atomic():
        # A redelivered task waits here for the first delivery and then finds the chunk done.
        if RunChunk.objects.select_for_update().get(pk=chunk.pk).status == RunChunk.Status.DONE:
            return 0
        if figure_rules:
            key_figures.clear(run, figure_rule_ids, chunk.org_from, chunk.org_to)
        flags = 0
        with connection.cursor() as cursor:
            for sql in CLEAR_SQL:
                cursor.execute(sql.format(chunk_rules=chunk_rules), params)
            if plain:
                cursor.execute(HITS_SQL.format(sources=sources_sql(plain_types), types=types_sql(plain_types),
                                               distinct="DISTINCT" if _overlapping(plain) else "",
                                               subjects="" if run.all_organizations else SUBJECTS_JOIN), params)
                cursor.execute(FLAGS_SQL, params)
                flags = cursor.rowcount
                cursor.execute(EVIDENCE_SQL, params)
                cursor.execute("DROP TABLE screening_hits")
        if figure_rules:
            flags += key_figures.screen(run, figure_rules, chunk.org_from, chunk.org_to)
        if prev:
            with connection.cursor() as cursor:
                cursor.execute(CARRY_OVER_SQL.format(chunk_rules=chunk_rules), params)
            if figure_rules:
                key_figures.reopen_changed(run, figure_rule_ids, chunk.org_from, chunk.org_to)
        RunChunk.objects.filter(pk=chunk.pk).update(status=RunChunk.Status.DONE, error="",
                                                    seconds=time.perf_counter() - started)
        Run.objects.filter(pk=run.pk).update(chunks_done=F("chunks_done") + 1, status=Run.Status.RUNNING)
    return flags


def chunk_failed(*, chunk_id: int, error: str):
    RunChunk.objects.filter(pk=chunk_id).update(status=RunChunk.Status.FAILED, error=error[:2000])


def run_finish(*, run_id: int) -> Run:
    """Fan-in: the run succeeds when every chunk is done, else it fails naming the chunks."""
    run = Run.objects.get(pk=run_id)
    pending = list(run.chunks.exclude(status=RunChunk.Status.DONE).values_list("index", flat=True))
    run.finished_at = timezone.now()
    run.seconds = (run.finished_at - run.created_at).total_seconds()
    run.message = ""
    if pending:
        run.status = Run.Status.FAILED
        run.message_code, run.message_params = "chunks_not_done", {"chunks": pending}
    else:
        run.status = Run.Status.SUCCEEDED
        run.message_code, run.message_params = "", {}
        run.flags_count = Flag.objects.filter(run=run).count() if run.kind == Run.Kind.SCREENING else 0
    run.save(update_fields=["status", "message", "message_code", "message_params", "finished_at", "seconds",
                            "flags_count"])
    audit_record(action=f"bigdata.{run.kind}_run_finished", obj=run, role="system",
                 after={"status": run.status, "flags": run.flags_count, "seconds": round(run.seconds, 3)})
    return run


def latest_run(program, kind=Run.Kind.SCREENING, reference_date=None, round=None) -> Run | None:  # noqa: A002
    """The latest successful run of the program; with `reference_date`, the latest run screened
    as of that date if there is one (a round screens as of its application deadline: docs/domain.md,
    "Big-data screening"), else the latest run whatever its date. With `round`, only runs of that
    round or of every organisation (a run of another round did not screen its applicants)."""
    runs = Run.objects.filter(program=program, kind=kind, status=Run.Status.SUCCEEDED).order_by("-version")
    if round is not None:
        runs = runs.filter(Q(round=round) | Q(round__isnull=True))
    if reference_date is not None:
        matching = runs.filter(reference_date=reference_date).first()
        if matching is not None:
            return matching
    return runs.first()


def covers(run: Run, organization) -> bool:
    """Whether `run` screened `organization`: one of its subjects (a run of a round: the round's
    applicants when it was created), else one registered when it was created (its chunks' id
    ranges). An organisation it did not screen has no flags because it was never screened, not
    because it is clean."""
    org_id = organization.pk
    if not run.all_organizations:
        return RunSubject.objects.filter(run=run, organization_id=org_id).exists()
    return run.chunks.filter(org_from__lte=org_id, org_to__gte=org_id).exists()


def screening_for(program, organization, reference_date=None, round=None) -> tuple[Run | None, bool]:  # noqa: A002
    """The run that speaks for `organization` in `program` (`latest_run` as of `reference_date`,
    of `round` or of every organisation) and whether it covers the organisation (`covers`). The
    eligibility rule and the application's big-data panel both ask this, so they cannot disagree."""
    run = latest_run(program, reference_date=reference_date, round=round)
    if run is None:
        return None, False
    return run, covers(run, organization)


@transaction.atomic
def flag_decide(*, flag_id: int, decision: str, reason: str, actor) -> Flag:
    """The office confirms or dismisses a flag with a written reason.

    Side effects: the flag's decision fields; an audit event on the organisation. Locks the
    flag's run (run_create locks the program's latest run before adding a newer one), then the
    flag. Refused (ValidationError, code "superseded") for a flag of a run that a newer run of
    the same program and kind has superseded: the newer run took the decisions over when it was
    created, so one taken now on the old run would be lost (permissions.can_decide_flag)."""
    if not can_decide(actor):
        raise PermissionDenied
    if decision not in (Flag.Decision.CONFIRMED, Flag.Decision.DISMISSED):
        raise ValidationError(_("Unknown decision."), code="invalid")
    if not (reason or "").strip():
        raise ValidationError(_("Write the reason for the decision: it is recorded in the audit trail."),
                              code="required")
    run = Run.objects.select_for_update().get(pk=Flag.objects.values_list("run_id", flat=True).get(pk=flag_id))
    flag = Flag.objects.select_for_update(of=("self",)).select_related("rule", "organization").get(pk=flag_id)
    newer = superseding_run(run)
    if newer is not None:
        raise ValidationError(
            _("This flag belongs to run %(version)s, which run %(newer)s has superseded: decide the flag in the "
              "newest run (start a run as of the date you need if that one is not).") % {
                "version": run.version, "newer": newer.version}, code="superseded")
    before = {"decision": flag.decision}
    flag.decision, flag.decision_reason = decision, reason.strip()
    flag.decided_by, flag.decided_at = actor, timezone.now()
    flag.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at"])
    audit_record(action=f"bigdata.flag_{decision}", obj=flag.organization, actor=actor, before=before,
                 after={"flag": flag.pk, "rule": flag.rule.code, "decision": decision, "reason": flag.decision_reason})
    return flag
