"""Post-award monitoring: the re-screening watermark and its runs, incidents with their evidence,
revocations step by step, self-evaluation reports and their spot checks.

Incidents copy the evidence record's fields when they open: the records table is bulk data that a
later import may correct, while an incident is a finding the office acts on.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applications.models import Application, AwardProgram


class Watermark(models.Model):
    """How far monitoring has read the records of a program: every record with an id up to
    `last_record_id` has been screened against the program's winners. Advanced in the same
    transaction as the incidents the run opens (watch.monitoring_run)."""

    program = models.OneToOneField(AwardProgram, on_delete=models.CASCADE, related_name="monitoring_watermark")
    last_record_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("monitoring watermark")
        verbose_name_plural = _("monitoring watermarks")

    def __str__(self):
        return f"{self.program} ≤ {self.last_record_id}"


class MonitoringRun(models.Model):
    """One re-screening of a program's winners (recorded only when it committed)."""

    class Kind(models.TextChoices):
        INCREMENTAL = "incremental", _("New records only")
        FULL = "full", _("All records")

    program = models.ForeignKey(AwardProgram, on_delete=models.CASCADE, related_name="monitoring_runs")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.INCREMENTAL)
    record_from = models.BigIntegerField(_("records after id"))
    record_to = models.BigIntegerField(_("records up to id"))
    winners = models.PositiveIntegerField(_("winners monitored"), default=0)
    incidents_opened = models.PositiveIntegerField(_("incidents opened"), default=0)
    seconds = models.FloatField(_("seconds"), default=0)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("run at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("monitoring run")
        verbose_name_plural = _("monitoring runs")

    def __str__(self):
        return f"{self.program} {self.created_at:%Y-%m-%d %H:%M}"


class Incident(models.Model):
    """Something that may cost a winner its award: a serious record found by monitoring, one the
    winner reported itself (bj2020 art. 27 书面报告), or one the office recorded (e.g. proven fraud)."""

    class Source(models.TextChoices):
        SCREENING = "screening", _("Found by monitoring")
        SELF_REPORT = "self_report", _("Reported by the winner")
        OFFICE = "office", _("Recorded by the office")

    class Kind(models.TextChoices):
        ACCIDENT = "accident", _("Accident or serious violation")
        FRAUD = "fraud", _("Fraud or improper means")

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting the winner's explanation")
        EXPLAINED = "explained", _("Explained, awaiting the office")
        CLOSED = "closed", _("Closed")

    class Finding(models.TextChoices):
        NO_ACTION = "no_action", _("No action: the award stands")
        REVOCATION = "revocation", _("Grounds for revocation")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="incidents")
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.ACCIDENT)
    rule = models.ForeignKey("bigdata.ScreeningRule", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("screening rule"))
    record_id = models.BigIntegerField(_("public record"), null=True, blank=True)
    run = models.ForeignKey(MonitoringRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="incidents")
    occurred_on = models.DateField(_("occurred on"))
    record_type = models.CharField(_("record type"), max_length=24, blank=True)
    grade = models.CharField(_("grade"), max_length=16, blank=True)
    title = models.CharField(_("summary"), max_length=300)
    authority = models.CharField(_("authority"), max_length=200, blank=True)
    document_no = models.CharField(_("document number"), max_length=100, blank=True)
    severity = models.SmallIntegerField(_("severity"), default=0)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    explanation = models.TextField(_("written explanation"), blank=True)
    explained_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    explained_at = models.DateTimeField(null=True, blank=True)
    finding = models.CharField(_("finding"), max_length=16, choices=Finding.choices, blank=True)
    finding_text = models.TextField(_("the office's finding"), blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            # One incident per winner, rule and record: a re-run (or a run after an interrupted one)
            # inserts with ON CONFLICT DO NOTHING against this.
            models.UniqueConstraint(fields=["application", "rule", "record_id"], name="incident_award_rule_record",
                                    condition=Q(record_id__isnull=False)),
        ]
        indexes = [models.Index(fields=["status", "opened_at"], name="incident_status")]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def __str__(self):
        return f"{self.application} · {self.title}"


class Revocation(models.Model):
    """Revoking an award: the office proposes, the committee decides, the government approves, then
    the award is revoked and announced (bj2020 art. 24, 27; hz2025 §六(三)(五); Anhui art. 26)."""

    class Ground(models.TextChoices):
        ACCIDENT = "accident", _("Major accident or serious violation within the window")
        FRAUD = "fraud", _("Fraud or improper means")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed by the office")
        COMMITTEE_AGREED = "committee_agreed", _("Agreed by the committee")
        REJECTED = "rejected", _("Rejected")
        REVOKED = "revoked", _("Revoked")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="revocations")
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="revocations")
    ground = models.CharField(_("ground"), max_length=16, choices=Ground.choices)
    event_on = models.DateField(_("date of the accident or of the fraud's discovery"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED)
    proposal = models.TextField(_("the office's proposal"))
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    committee_decision = models.TextField(_("the committee's decision"), blank=True)
    committee_decided_on = models.DateField(_("committee decided on"), null=True, blank=True)
    committee_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                              blank=True, related_name="+")
    approving_body = models.CharField(_("approving body"), max_length=100, blank=True)
    approval_number = models.CharField(_("document number of the approval"), max_length=64, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    announcement = models.TextField(_("public announcement"), blank=True)
    audit_event_id = models.PositiveBigIntegerField(_("audit entry at publication"), null=True, blank=True)
    audit_hash = models.CharField(_("audit trail head hash at publication"), max_length=64, blank=True)
    plaque_returned_on = models.DateField(_("plaque returned on"), null=True, blank=True)
    certificate_returned_on = models.DateField(_("certificate returned on"), null=True, blank=True)
    funds_recovered = models.DecimalField(_("funds to recover (yuan)"), max_digits=12, decimal_places=2, default=0)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            # At most one revocation under way or done per award.
            models.UniqueConstraint(fields=["application"], name="one_live_revocation",
                                    condition=~Q(status="rejected")),
        ]
        verbose_name = _("revocation")
        verbose_name_plural = _("revocations")

    def __str__(self):
        return f"{self.application} · {self.get_status_display()}"


class SelfEvaluationReport(models.Model):
    """One self-evaluation report a winner owes (hz2025 §六(四): 获奖次年起的五年内，每两年提交上年度
    自我评价报告). Rows are scheduled ahead (self_evaluation.schedule_reports)."""

    class Status(models.TextChoices):
        DUE = "due", _("To be filed")
        FILED = "filed", _("Filed")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="self_evaluations")
    sequence = models.PositiveSmallIntegerField(_("report number"))
    covers_year = models.PositiveSmallIntegerField(_("year reported on"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DUE)
    text = models.TextField(_("report"), blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    chased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "application_id", "sequence"]
        constraints = [models.UniqueConstraint(fields=["application", "sequence"], name="one_report_per_sequence")]
        indexes = [models.Index(fields=["status", "due_on"], name="self_eval_status_due")]
        verbose_name = _("self-evaluation report")
        verbose_name_plural = _("self-evaluation reports")

    def __str__(self):
        return f"{self.application} #{self.sequence} {self.due_on}"


class SpotCheck(models.Model):
    """A random sample of filed reports the office checks (hz2025 §六(四) 适时开展抽查): the population
    and the seed are recorded, so anyone can replay the sha256 ranking and get the same sample."""

    program = models.ForeignKey(AwardProgram, on_delete=models.PROTECT, related_name="spot_checks")
    year = models.PositiveSmallIntegerField(_("reports due in"))
    seed = models.CharField(_("seed"), max_length=128)
    size = models.PositiveSmallIntegerField(_("sample size"))
    population = models.JSONField(_("reports drawn from"), default=list)
    population_sha256 = models.CharField(max_length=64)
    sample = models.JSONField(_("reports drawn"), default=list)
    algorithm = models.CharField(max_length=32)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-drawn_at", "-id"]
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")

    def __str__(self):
        return f"{self.program} {self.year}"
