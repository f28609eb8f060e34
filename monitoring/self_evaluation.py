"""Self-evaluation reports (hz2025 §六(四)): 获奖组织应当在获奖次年起的五年内，每两年向市市场监管局提交
上年度本组织的自我评价报告，由市市场监管局适时开展抽查.

Read with the program's settings: from the year after the award, every `interval` years while
within `period` years, a report on the previous year — for an award of 2024 with 2 and 5:
reports due in 2025, 2027 and 2029 on 2024, 2026 and 2028. The day in the year is
MONITORING_SELF_EVALUATION_DUE (month, day), 30 June unless set.

A duty a text creates does not bind before the text is in force: a report whose due date falls
before the program's `in_force_from` (Hangzhou: 2025-11-30, hz2025 七) is not owed, and no row is
scheduled for it. The clause binds 市政府质量奖获奖组织 without restricting it to awards under these
measures, so a winner awarded earlier and still inside its five years owes the reports that fall
due on or after that day: an award of 2023 owes those due 2026-06-30 (on 2025) and 2028-06-30 (on
2027), not the one due 2024-06-30. Sequence numbers keep counting from the award, so a report is
the same row whatever day the measures took effect. The beat task schedules the
rows, reminds the winners MONITORING_REMINDER_DAYS ahead and chases overdue reports every
MONITORING_CHASE_DAYS. Spot checks are drawn like review/draws.py: the population frozen and
hashed, each report ranked by sha256(seed:id), so anyone can replay the sample.
"""

import datetime
import hashlib
import json

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import ApplicationState
from applications.models import Application, AwardProgram
from award_portal.audit import audit_record

from .errors import MonitoringError
from .models import SelfEvaluationReport, SpotCheck
from .notifications import notify_report
from .permissions import can_manage_monitoring, is_winner_member
from .selectors import OWED

ALGORITHM = "sha256-rank-v1"


def due_day() -> tuple[int, int]:
    return tuple(getattr(settings, "MONITORING_SELF_EVALUATION_DUE", (6, 30)))


def due_dates(program, award_year: int) -> list[tuple[int, int, datetime.date]]:
    """(sequence, year reported on, due date) of every report an award of `award_year` owes: those
    the cadence puts on or after the day the program's measures took effect (none before it)."""
    interval, period = program.self_evaluation_interval_years, program.self_evaluation_period_years
    if not interval or not period:
        return []
    month, day = due_day()
    dates, year, sequence = [], award_year + 1, 1
    while year <= award_year + period:
        due_on = datetime.date(year, month, day)
        if program.in_force_from is None or due_on >= program.in_force_from:
            dates.append((sequence, year - 1, due_on))
        year += interval
        sequence += 1
    return dates


def award_year(application) -> int | None:
    certificate = getattr(application, "certificate", None) if hasattr(application, "certificate") else None
    if certificate is not None:
        return certificate.issued_on.year
    return application.round.year if application.round.year else None


@transaction.atomic
def schedule_reports(program=None) -> int:
    """Create the report rows every standing winner owes (idempotent: unique per sequence); none
    for a report due before the program's measures took effect (`due_dates`)."""
    programs = AwardProgram.objects.filter(self_evaluation_interval_years__isnull=False,
                                           self_evaluation_period_years__isnull=False)
    if program is not None:
        programs = programs.filter(pk=program.pk)
    created = 0
    for prog in programs:
        winners = (Application.objects.filter(round__program=prog, state=ApplicationState.AWARDED)
                   .select_related("round", "certificate"))
        have = set(SelfEvaluationReport.objects.filter(application__round__program=prog)
                   .values_list("application_id", "sequence"))
        rows = []
        for application in winners:
            year = award_year(application)
            if year is None:
                continue
            for sequence, covers, due_on in due_dates(prog, year):
                if (application.pk, sequence) not in have:
                    rows.append(SelfEvaluationReport(application=application, sequence=sequence, covers_year=covers,
                                                     due_on=due_on))
        SelfEvaluationReport.objects.bulk_create(rows, ignore_conflicts=True)
        created += len(rows)
    return created


def _outstanding():
    """Reports due and not filed, of standing winners; a row due before its program's measures took
    effect (scheduled before `in_force_from` was set) is not owed, so neither reminded nor chased."""
    return SelfEvaluationReport.objects.filter(OWED, status=SelfEvaluationReport.Status.DUE,
                                               application__state=ApplicationState.AWARDED)


def remind_and_chase(today=None) -> dict:
    """Remind ahead of each due date (once), chase overdue reports (again every few days)."""
    today = today or timezone.localdate()
    ahead = int(getattr(settings, "MONITORING_REMINDER_DAYS", 30))
    every = int(getattr(settings, "MONITORING_CHASE_DAYS", 14))
    now = timezone.now()
    reminded = chased = 0
    upcoming = _outstanding().filter(due_on__gte=today, due_on__lte=today + datetime.timedelta(days=ahead),
                                     reminded_at__isnull=True).select_related("application")
    for report in upcoming:
        with transaction.atomic():
            if SelfEvaluationReport.objects.filter(pk=report.pk, reminded_at__isnull=True).update(reminded_at=now):
                transaction.on_commit(lambda r=report: notify_report(r, overdue=False))
                reminded += 1
    overdue = _outstanding().filter(due_on__lt=today).select_related("application")
    for report in overdue:
        if report.chased_at and (now - report.chased_at).days < every:
            continue
        with transaction.atomic():
            SelfEvaluationReport.objects.filter(pk=report.pk).update(chased_at=now)
            audit_record(action="monitoring.report_chased", obj=report, role="system",
                         after={"due_on": report.due_on})
            transaction.on_commit(lambda r=report: notify_report(r, overdue=True))
            chased += 1
    return {"reminded": reminded, "chased": chased}


@transaction.atomic
def report_file(*, report_id: int, actor, text: str, now=None) -> SelfEvaluationReport:
    """File the report (`now`: the moment of filing, for replayed history; else now)."""
    report = (SelfEvaluationReport.objects.select_for_update(of=("self",)).select_related("application")
              .filter(pk=report_id).first())
    if report is None:
        raise MonitoringError(_("No such report."), "not_found")
    if not is_winner_member(actor, report.application):
        raise MonitoringError(_("Only members of the winning organisation file its reports."), "role")
    if report.status == SelfEvaluationReport.Status.FILED:
        raise MonitoringError(_("This report has already been filed."), "state")
    text = (text or "").strip()
    if not text:
        raise MonitoringError(_("Write the report."), "input")
    report.text, report.status = text, SelfEvaluationReport.Status.FILED
    report.filed_by, report.filed_at = actor, now or timezone.now()
    report.save(update_fields=["text", "status", "filed_by", "filed_at"])
    audit_record(action="monitoring.report_filed", obj=report, actor=actor,
                 after={"sequence": report.sequence, "covers_year": report.covers_year, "due_on": report.due_on,
                        "late": report.filed_at.date() > report.due_on})
    return report


def canonical(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sample(population: list[int], seed: str, size: int) -> list[int]:
    """Deterministic in (population, seed, size): the `size` lowest sha256(seed:id)."""
    ranked = sorted(population, key=lambda pk: hashlib.sha256(f"{seed}:{pk}".encode()).hexdigest())
    return sorted(ranked[:size])


def spot_check_population(program, year: int) -> list[int]:
    return sorted(SelfEvaluationReport.objects.filter(
        application__round__program=program, status=SelfEvaluationReport.Status.FILED, due_on__year=year)
        .values_list("pk", flat=True))


@transaction.atomic
def spot_check_draw(*, program_id: int, year: int, size: int, public_input: str, actor) -> SpotCheck:
    """Draw the sample: the population (filed reports due in `year`) and its hash are recorded,
    the seed is sha256(population hash:public input), so nobody can pick the input for a sample."""
    if not can_manage_monitoring(actor):
        raise MonitoringError(_("Only the review office draws spot checks."), "role")
    program = AwardProgram.objects.select_for_update().filter(pk=program_id).first()
    if program is None:
        raise MonitoringError(_("No such program."), "not_found")
    public_input = (public_input or "").strip()
    if not public_input:
        raise MonitoringError(_("Give the public input of the draw (e.g. the date and a witness's number)."),
                              "input")
    population = spot_check_population(program, year)
    if not population:
        raise MonitoringError(_("No report due in %(year)s has been filed.") % {"year": year}, "input")
    if not 1 <= size <= len(population):
        raise MonitoringError(_("The sample size must be between 1 and %(n)s.") % {"n": len(population)}, "input")
    population_sha = hashlib.sha256(canonical({"program": program.pk, "year": year, "reports": population}))
    seed = hashlib.sha256(f"{population_sha.hexdigest()}:{public_input}".encode()).hexdigest()
    check = SpotCheck.objects.create(program=program, year=year, seed=seed, size=size, population=population,
                                     population_sha256=population_sha.hexdigest(),
                                     sample=sample(population, seed, size), algorithm=ALGORITHM, drawn_by=actor)
    audit_record(action="monitoring.spot_check_drawn", obj=check, actor=actor,
                 after={"program": program.code, "year": year, "public_input": public_input, "seed": seed,
                        "population_sha256": check.population_sha256, "sample": check.sample})
    return check


def spot_check_replay(check: SpotCheck) -> bool:
    """Whether the recorded sample follows from the recorded population and seed."""
    return sample(check.population, check.seed, check.size) == check.sample
