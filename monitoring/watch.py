"""Monitoring runs: every winner still inside its program's revocation window (bj2020 art. 27:
three years; hz2025 §六(五): two) re-screened against the records imported since the last run.

The cost follows the new records, not the store: the statement reads the records with an id above
the program's watermark (a range of the records' primary key, an index scan in every partition),
joins them to the winners (a small temporary table), and applies the program's disqualifying
screening rules to those only. A full re-screening (`kind=full`, for the benchmark and by hand)
runs the same statement without the lower bound.

Idempotent: the run is one transaction (incidents, the run row, the watermark); incidents are
inserted with ON CONFLICT DO NOTHING against the unique (award, rule, record). A run killed in the
middle leaves nothing, the next one reads the same records again; a second run opens no duplicate.
While an import is running, records below the current maximum id may still be uncommitted, so the
program's run waits for the next beat rather than move the watermark past them.
"""

import datetime
import time

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.eligibility import add_years
from applications.enums import ApplicationState
from applications.models import Application, AwardProgram
from award_portal.audit import audit_record
from bigdata.models import ImportBatch, PublicRecord, ScreeningRule
from bigdata.screening import sources_sql, types_sql

from .models import Incident, MonitoringRun, Watermark
from .notifications import notify_incidents_opened

#: A batch still "running" after this long crashed; it does not hold monitoring back.
STALE_IMPORT = datetime.timedelta(hours=6)

WINNERS_TABLE = """CREATE TEMP TABLE monitoring_winners (
    application_id bigint NOT NULL, organization_id bigint NOT NULL, award_date date NOT NULL,
    window_end date NOT NULL)"""
RULES_TABLE = """CREATE TEMP TABLE monitoring_rules (
    rule_id bigint NOT NULL, record_type varchar(24) NOT NULL, grade varchar(16) NULL,
    grade_part varchar(20) NULL, amount_min numeric(14, 2) NULL, only_current boolean NOT NULL,
    min_severity integer NOT NULL)"""

INCIDENTS_SQL = """
    INSERT INTO monitoring_incident (application_id, source, kind, rule_id, record_id, run_id, occurred_on,
        record_type, grade, title, authority, document_no, severity, description, status, explanation,
        finding, finding_text, opened_at)
    SELECT w.application_id, 'screening', 'accident', mr.rule_id, r.id, %(run)s, r.occurred_on, r.record_type,
        r.grade, r.title, r.authority, r.document_no, r.severity, '', 'open', '', '', '', %(now)s
    FROM bigdata_publicrecord r
    JOIN monitoring_winners w ON w.organization_id = r.organization_id
    JOIN monitoring_rules mr ON mr.record_type = r.record_type
    WHERE r.id > %(lo)s AND r.id <= %(hi)s
      AND r.source_id IN ({sources}) AND r.record_type IN ({types})
      AND (mr.grade IS NULL OR r.grade = mr.grade)
      AND (mr.grade_part IS NULL OR r.grade LIKE mr.grade_part)
      AND r.occurred_on >= w.award_date AND r.occurred_on <= w.window_end AND r.occurred_on <= %(today)s
      AND (NOT mr.only_current OR r.removed_on IS NULL OR r.removed_on > %(today)s)
      AND r.severity >= mr.min_severity
      AND (mr.amount_min IS NULL OR r.amount_10k >= mr.amount_min)
    ON CONFLICT DO NOTHING
"""


def award_dates(program, today=None) -> list[tuple[int, int, datetime.date, datetime.date]]:
    """The program's winners inside the revocation window on `today`: (application, organisation,
    award date, window end). The award date is the certificate's date, else the day of the award."""
    today = today or timezone.localdate()
    years = program.revocation_window_years
    if not years:
        return []
    rows = (Application.objects.filter(round__program=program, state=ApplicationState.AWARDED)
            .values_list("pk", "organization_id", "certificate__issued_on", "state_changed_at"))
    winners = []
    for pk, org_id, issued_on, changed_at in rows:
        awarded_on = issued_on or (timezone.localtime(changed_at).date() if changed_at else None)
        if awarded_on is None:
            continue
        window_end = add_years(awarded_on, years)
        if awarded_on <= today <= window_end:
            winners.append((pk, org_id, awarded_on, window_end))
    return winners


def rule_rows(program) -> list[tuple]:
    """The program's disqualifying record rules as rows of the rules table (as screening.py resolves
    them: one row per grade or part of a grade, one more for the amount of "grade or amount")."""
    rows = []
    for rule in program.screening_rules.filter(active=True, outcome=ScreeningRule.Outcome.DISQUALIFYING,
                                               kind=ScreeningRule.Kind.RECORDS, min_count=1):
        for grade in (rule.grades or [None]):
            amount = None if rule.grade_or_amount and grade is not None else rule.amount_min_10k
            if grade is not None and rule.grade_contains:
                rows.append((rule.pk, rule.record_type, None, f"%{grade}%", amount, rule.only_current,
                             rule.min_severity))
            else:
                rows.append((rule.pk, rule.record_type, grade, None, amount, rule.only_current, rule.min_severity))
        if rule.grade_or_amount and rule.grades:
            rows.append((rule.pk, rule.record_type, None, None, rule.amount_min_10k, rule.only_current,
                         rule.min_severity))
    return rows


def import_running() -> bool:
    return ImportBatch.objects.filter(status=ImportBatch.Status.RUNNING,
                                      started_at__gte=timezone.now() - STALE_IMPORT).exists()


class MonitoringDeferred(Exception):
    """An import is running: the run waits for the next beat."""


def monitoring_run(*, program_id: int, actor=None, kind=MonitoringRun.Kind.INCREMENTAL, today=None,
                   notify: bool = True) -> MonitoringRun:
    """Re-screen the program's winners inside the window against the records above its watermark
    (all records for `kind=full`). One transaction: the watermark row is locked first, so two runs
    of a program queue; the incidents, the run row, the watermark and the audit entry commit
    together. Raises MonitoringDeferred while an import is running."""
    started = time.perf_counter()
    today = today or timezone.localdate()
    with transaction.atomic():
        program = AwardProgram.objects.get(pk=program_id)
        Watermark.objects.get_or_create(program=program)
        mark = Watermark.objects.select_for_update().get(program=program)
        if import_running():
            raise MonitoringDeferred(_("An import of records is running: monitoring waits for it to finish."))
        hi = PublicRecord.objects.aggregate(m=Max("id"))["m"] or 0
        lo = mark.last_record_id if kind == MonitoringRun.Kind.INCREMENTAL else 0
        winners = award_dates(program, today)
        rules = rule_rows(program)
        run = MonitoringRun.objects.create(program=program, kind=kind, record_from=lo, record_to=hi,
                                           winners=len(winners), started_by=actor)
        opened = 0
        if winners and rules and hi > lo:
            opened = _screen(run, winners, rules, lo, hi, today)
        if kind == MonitoringRun.Kind.INCREMENTAL or hi > mark.last_record_id:
            mark.last_record_id = max(hi, mark.last_record_id)
            mark.save(update_fields=["last_record_id", "updated_at"])
        run.incidents_opened = opened
        run.seconds = time.perf_counter() - started
        run.save(update_fields=["incidents_opened", "seconds"])
        audit_record(action="monitoring.run", obj=run, actor=actor, role=None if actor else "system",
                     after={"program": program.code, "kind": kind, "records_after": lo, "records_to": hi,
                            "winners": len(winners), "incidents": opened})
        if opened and notify:
            run_id = run.pk
            transaction.on_commit(lambda: notify_incidents_opened(run_id))
    return run


def _screen(run, winners, rules, lo, hi, today) -> int:
    types = sorted({row[1] for row in rules})
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS monitoring_winners")
        cursor.execute("DROP TABLE IF EXISTS monitoring_rules")
        cursor.execute(WINNERS_TABLE)
        cursor.execute(RULES_TABLE)
        # One statement per table (not one per row): a thousand winners cost one round trip.
        for table, rows, width in (("monitoring_winners", winners, 4), ("monitoring_rules", rules, 7)):
            values = ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * len(rows))
            cursor.execute(f"INSERT INTO {table} VALUES {values}", [v for row in rows for v in row])
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE monitoring_winners")
        cursor.execute(INCIDENTS_SQL.format(sources=sources_sql(types), types=types_sql(types)),
                       {"run": run.pk, "now": timezone.now(), "lo": lo, "hi": hi, "today": today})
        opened = cursor.rowcount
        cursor.execute("DROP TABLE monitoring_winners")
        cursor.execute("DROP TABLE monitoring_rules")
    return max(opened, 0)


def monitor_all(*, actor=None) -> dict:
    """Every program with a revocation window (the beat task). A deferred program is reported."""
    result = {}
    for program in AwardProgram.objects.filter(revocation_window_years__isnull=False).order_by("pk"):
        try:
            run = monitoring_run(program_id=program.pk, actor=actor)
        except MonitoringDeferred:
            result[program.code] = "deferred"
        else:
            result[program.code] = run.incidents_opened
    return result


def open_incidents_of(application) -> int:
    return Incident.objects.filter(application=application).exclude(status=Incident.Status.CLOSED).count()
