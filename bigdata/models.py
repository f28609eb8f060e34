"""Public-record data: sources, imports, records, screening rules, runs, flags and scores.

`PublicRecord` is the large table (tens of millions of rows): its columns are flat and typed so
that screening runs as set-based SQL (see screening.py), never as a Python loop per record.
"""

import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from award_portal.i18n import localized

from .messages import rejection_reason, render_message


class Family(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise (self-reported)")
    GOVERNMENT = "government", _("Government")
    CONSUMER = "consumer", _("Consumers")
    MEDIA = "media", _("News media")
    THIRD_PARTY = "third_party", _("Third parties")


class RecordType(models.TextChoices):
    PENALTY = "penalty", _("Administrative penalty")
    DISHONESTY_LIST = "dishonesty_list", _("Serious-dishonesty list")
    ABNORMAL_OPERATION = "abnormal_operation", _("Abnormal-operations list")
    COURT_ENFORCEMENT = "court_enforcement", _("Court enforcement / dishonest judgment debtor")
    TAX_VIOLATION = "tax_violation", _("Major tax violation")
    SPOT_CHECK = "spot_check", _("Product-quality spot check")
    ACCIDENT = "accident", _("Safety, environment or health accident")
    COMPLAINT = "complaint", _("Consumer complaint")
    MEDIA_REPORT = "media_report", _("Media report")
    CERTIFICATION = "certification", _("Certification")
    CREDIT_RATING = "credit_rating", _("Credit rating")
    SELF_REPORTED = "self_reported", _("Self-reported figure")


FAMILY_OF = {
    RecordType.PENALTY: Family.GOVERNMENT, RecordType.DISHONESTY_LIST: Family.GOVERNMENT,
    RecordType.ABNORMAL_OPERATION: Family.GOVERNMENT, RecordType.COURT_ENFORCEMENT: Family.GOVERNMENT,
    RecordType.TAX_VIOLATION: Family.GOVERNMENT, RecordType.SPOT_CHECK: Family.GOVERNMENT,
    RecordType.ACCIDENT: Family.GOVERNMENT, RecordType.COMPLAINT: Family.CONSUMER,
    RecordType.MEDIA_REPORT: Family.MEDIA, RecordType.CERTIFICATION: Family.THIRD_PARTY,
    RecordType.CREDIT_RATING: Family.THIRD_PARTY, RecordType.SELF_REPORTED: Family.ENTERPRISE,
}


class Severity(models.IntegerChoices):
    """The severity model of docs/domain.md, "Severity of public records" (derived at import:
    importer.severity)."""

    INFO = 0, _("Information")
    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")
    VETO = 4, _("Veto")


class RecordSource(models.Model):
    """Where records come from, and how its file columns map to the record's fields."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    family = models.CharField(_("family"), max_length=16, choices=Family.choices)
    record_type = models.CharField(_("record type"), max_length=24, choices=RecordType.choices)
    column_mapping = models.JSONField(
        _("column mapping"), default=dict, blank=True,
        help_text=_("File column → record field, e.g. {\"统一社会信用代码\": \"credit_code\"}"))
    date_format = models.CharField(_("date format"), max_length=32, blank=True,
                                   help_text=_("e.g. %Y-%m-%d; empty: ISO dates"))

    class Meta:
        ordering = ["family", "code"]
        verbose_name = _("record source")
        verbose_name_plural = _("record sources")

    def __str__(self):
        return self.name

    @property
    def name(self):
        """The name in the active language (the Chinese one when there is no English one)."""
        return localized(self.name_zh, self.name_en)


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        IMPORTED = "imported", _("Imported")
        REFUSED = "refused", _("Refused (nothing imported)")
        FAILED = "failed", _("Failed (nothing imported)")

    source = models.ForeignKey(RecordSource, on_delete=models.PROTECT, related_name="batches")
    file_name = models.CharField(_("file"), max_length=255)
    file_sha256 = models.CharField(max_length=64)
    encoding = models.CharField(_("encoding"), max_length=16, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RUNNING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    rows_duplicate = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    matched_by_code = models.PositiveIntegerField(default=0)
    matched_by_name = models.PositiveIntegerField(default=0)
    unmatched = models.PositiveIntegerField(default=0)
    # Why a file was refused or failed, as a code of messages.py and its parameters, translated
    # when shown; `message` holds only the text of batches recorded before codes existed.
    message_code = models.CharField(max_length=32, blank=True)
    message_params = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return f"{self.source.code} {self.file_name}"

    @property
    def message_text(self) -> str:
        return render_message(self.message_code, self.message_params, self.message)


class RejectedRow(models.Model):
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rejected_rows")
    row_number = models.PositiveIntegerField(_("row"))
    # A code of messages.REJECTION_REASONS, translated when shown; `reason` holds only the text
    # of rows recorded before codes existed (migration 0008 converted the known ones).
    code = models.CharField(_("reason code"), max_length=32, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    raw = models.JSONField(default=dict)

    class Meta:
        ordering = ["batch", "row_number"]

    def __str__(self):
        return f"{self.batch_id} row {self.row_number}: {self.code or self.reason}"

    @property
    def reason_text(self) -> str:
        return rejection_reason(self.code, self.reason)


class PublicRecord(models.Model):
    # No database-level foreign keys on this table: per-row constraint triggers would dominate a
    # bulk import's cost; the importer is the only writer and sets valid ids.
    # Nor single-column indexes on them: the indexes below cover every query, and each index
    # costs every imported row.
    source = models.ForeignKey(RecordSource, on_delete=models.PROTECT, related_name="+", db_constraint=False,
                               db_index=False)
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, null=True, related_name="+",
                              db_constraint=False, db_index=False)
    source_record_id = models.CharField(_("source record id"), max_length=80)
    record_type = models.CharField(_("record type"), max_length=24, choices=RecordType.choices)
    credit_code = models.CharField(_("credit code"), max_length=18)
    org_name = models.CharField(_("organisation name"), max_length=200)
    organization = models.ForeignKey("applications.Organization", on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="+", db_constraint=False, db_index=False)
    match_method = models.CharField(max_length=4, blank=True)  # "code", "name" or ""
    occurred_on = models.DateField(_("date"))
    removed_on = models.DateField(_("removed / ended on"), null=True, blank=True)
    severity = models.SmallIntegerField(_("severity"), choices=Severity.choices, default=Severity.INFO)
    amount_10k = models.DecimalField(_("amount (10k yuan)"), max_digits=14, decimal_places=2, null=True,
                                     blank=True)
    grade = models.CharField(_("grade / result / tone"), max_length=16, blank=True)
    title = models.CharField(_("summary"), max_length=300, blank=True)
    authority = models.CharField(_("authority"), max_length=200, blank=True)
    document_no = models.CharField(_("document number"), max_length=100, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "source_record_id"], name="record_source_id_unique")]
        indexes = [
            # Not (organization, record_type, …): in PostgreSQL each source (one record type) has
            # its own partition, and the text column made the index 40 % dearer to build.
            models.Index(fields=["organization", "occurred_on"], name="record_org_date"),
            # Small: only records not matched by code (rematching, the import report's lists).
            models.Index(fields=["batch", "credit_code"], name="record_unmatched",
                         condition=models.Q(organization__isnull=True) | models.Q(match_method="name")),
        ]
        verbose_name = _("public record")
        verbose_name_plural = _("public records")

    def __str__(self):
        return f"{self.get_record_type_display()} {self.org_name} {self.occurred_on}"


class BilingualDescription(models.Model):
    source_article = models.CharField(_("source article"), max_length=200)
    description_zh = models.CharField(_("description (Chinese)"), max_length=300)
    description_en = models.CharField(_("description (English)"), max_length=300, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.description

    @property
    def description(self):
        return localized(self.description_zh, self.description_en)



class ScreeningRule(BilingualDescription):
    """A screening condition of a program, as data: which records, in which window, count as what.

    A rule of kind "records" flags an organisation with at least `min_count` records of its
    record type meeting every condition (window, still listed, severity, grades, amount). Its
    grades match a record's whole grade, or with `grade_contains` a part of it (a penalty's
    category may list several: "罚款、责令停产停业"); with `grade_or_amount` a record meets the
    rule by one of the grades or by the amount, else it needs both.

    The serious illegal record that disqualifies in Beijing (2020 draft art. 14(5) "其它严重违反
    法律法规的不良记录", 2nd-edition pre-screening "有严重违法记录…取消资格") and Hangzhou (三(二)4
    "无其他严重违法违规行为") is such a rule, "serious-violation-3y": a penalty within 3 years whose
    category contains 吊销 (a licence revoked), 责令停产停业 or 责令关闭 (business suspended or
    closed by order), or whose fine reaches amount_min_10k, shipped as 100 (100万元: the amount
    from which the national tax-dishonesty list counts evasion as major, 国家税务总局令第54号; the
    office may change it). 降低资质等级 and smaller fines stay the heavy-penalty warning.

    A rule of kind "key_figures" compares the key figures an organisation declared in its latest
    application to the program (not a draft, not withdrawn) with third-party records of its
    record type for the same year (key_figures.py): `figures` maps each declared figure to the
    indicator names (record titles) that report it, and a difference beyond `tolerance_pct` of
    the recorded value is a mismatch.
    """

    class Outcome(models.TextChoices):
        DISQUALIFYING = "disqualifying", _("Disqualifying")
        WARNING = "warning", _("Warning")

    class Kind(models.TextChoices):
        RECORDS = "records", _("Records meeting conditions")
        KEY_FIGURES = "key_figures", _("Declared key figures contradicted by records")

    #: The application's key figures a key-figures rule may compare (applications.KeyFigure).
    FIGURES = ("revenue_10k", "profit_10k", "tax_10k", "employees")

    program = models.ForeignKey("applications.AwardProgram", on_delete=models.CASCADE,
                                related_name="screening_rules")
    code = models.SlugField(_("code"), max_length=64)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.RECORDS)
    articles = models.JSONField(
        _("articles applied"), default=list, blank=True,
        help_text=_("Article keys such as \"bj2020:art14.5\" (document code, then the article)."))
    record_type = models.CharField(_("record type"), max_length=24, choices=RecordType.choices)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    window_years = models.PositiveSmallIntegerField(_("window (years before the reference date)"), null=True,
                                                    blank=True)
    only_current = models.BooleanField(_("only entries still listed on the reference date"), default=False)
    min_severity = models.SmallIntegerField(_("minimum severity"), choices=Severity.choices, default=Severity.INFO)
    grades = models.JSONField(_("grades / results (empty: any)"), default=list, blank=True)
    grade_contains = models.BooleanField(_("a grade may be part of the record's grade"), default=False)
    amount_min_10k = models.DecimalField(_("minimum amount (10k yuan)"), max_digits=14, decimal_places=2,
                                         null=True, blank=True)
    grade_or_amount = models.BooleanField(_("a record meets the rule by its grade or by its amount"), default=False)
    min_count = models.PositiveSmallIntegerField(_("minimum number of records"), default=1)
    figures = models.JSONField(_("declared figure → indicator names in the records"), default=dict, blank=True)
    tolerance_pct = models.DecimalField(_("tolerated difference (%)"), max_digits=5, decimal_places=2, null=True,
                                        blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["program", "code"]
        constraints = [models.UniqueConstraint(fields=["program", "code"], name="screening_rule_code_unique")]
        verbose_name = _("screening rule")
        verbose_name_plural = _("screening rules")

    def clean(self):
        from django.core.exceptions import ValidationError

        problems = rule_problems(self)
        if problems:
            raise ValidationError(problems)


def rule_problems(rule) -> list[str]:
    """What makes a rule unusable (checked when fixtures load and in the admin)."""
    problems = []
    if rule.grade_contains and any(not isinstance(g, str) or not g or "%" in g or "_" in g
                                   for g in rule.grades or []):
        problems.append(_("Grades matched as a part may be neither empty nor hold a LIKE wildcard (percent sign, "
                          "underscore)."))
    if rule.grade_or_amount and (not rule.grades or rule.amount_min_10k is None):
        problems.append(_("\"Grade or amount\" needs both grades and a minimum amount."))
    if rule.kind == ScreeningRule.Kind.KEY_FIGURES:
        figures = rule.figures if isinstance(rule.figures, dict) else {}
        if not figures or set(figures) - set(ScreeningRule.FIGURES) or not all(
                isinstance(names, list) and names and all(isinstance(n, str) and n for n in names)
                for names in figures.values()):
            problems.append(_("A key-figures rule maps declared figures (%(figures)s) to lists of indicator "
                              "names.") % {"figures": ", ".join(ScreeningRule.FIGURES)})
        if rule.tolerance_pct is None or rule.tolerance_pct < 0:
            problems.append(_("A key-figures rule needs a tolerated difference (zero or more percent)."))
    if not isinstance(rule.articles, list) or not all(isinstance(a, str) and ARTICLE_KEY.match(a)
                                                      for a in rule.articles or []):
        problems.append(_("Article keys look like \"bj2020:art14.5\"."))
    return problems


#: `<doc>:<article>`: bj2020 (Beijing measures, 2020 draft), bj2016 (Beijing 2nd-edition notice),
#: hz2025 (Hangzhou measures), ah2010 (Anhui measures), lf (the Langfang example).
ARTICLE_KEY = re.compile(r"^(bj2020|bj2016|hz2025|ah2010|lf):[a-z0-9][a-z0-9.\-]*$")


class EvaluationProfile(models.Model):
    """A program's big-data evaluation: indicator weights (they sum to 1) and the window."""

    program = models.OneToOneField("applications.AwardProgram", on_delete=models.CASCADE,
                                   related_name="evaluation_profile")
    window_years = models.PositiveSmallIntegerField(default=3)
    weights = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("big-data evaluation profile")
        verbose_name_plural = _("big-data evaluation profiles")

    def __str__(self):
        return f"{self.program}"


class Run(models.Model):
    """A screening or evaluation run, split into chunks.

    A screening run of a round screens that round's applicants (organisations with an
    application in the round that is neither a draft nor withdrawn, `APPLICANT_EXCLUDED_STATES`),
    recorded as the run's `RunSubject` rows when it is created: they are the organisations it
    covers. A run without a round (a program-wide sweep) and an evaluation run cover every
    organisation registered when they were created (`all_organizations`: their chunks' id
    ranges), as every run did before runs had rounds."""

    class Kind(models.TextChoices):
        SCREENING = "screening", _("Screening")
        EVALUATION = "evaluation", _("Evaluation")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.SCREENING)
    program = models.ForeignKey("applications.AwardProgram", on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey("applications.Round", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("round"))
    # False: the run covers its RunSubject rows only (a round's applicants).
    all_organizations = models.BooleanField(default=True)
    version = models.PositiveIntegerField(_("version"))
    reference_date = models.DateField(_("reference date"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    chunks_total = models.PositiveIntegerField(default=0)
    chunks_done = models.PositiveIntegerField(default=0)
    organizations = models.PositiveIntegerField(default=0)
    flags_count = models.PositiveIntegerField(default=0)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    # As on ImportBatch: a code of messages.py and its parameters; `message` for older runs.
    message_code = models.CharField(max_length=32, blank=True)
    message_params = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["kind", "program", "version"], name="run_version_unique")]
        verbose_name = _("run")
        verbose_name_plural = _("runs")

    def __str__(self):
        return f"{self.get_kind_display()} {self.program.code} v{self.version}"

    @property
    def message_text(self) -> str:
        return render_message(self.message_code, self.message_params, self.message)

    @property
    def progress(self) -> int:
        return int(100 * self.chunks_done / self.chunks_total) if self.chunks_total else 0


class RunSubject(models.Model):
    """An organisation a run screens (a run of a round: one of the round's applicants)."""

    # The unique (run, organisation) index serves every lookup (a run's subjects, coverage).
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="subjects", db_index=False)
    organization = models.ForeignKey("applications.Organization", on_delete=models.CASCADE, related_name="+",
                                     db_index=False, db_constraint=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "organization"], name="run_subject_unique")]

    def __str__(self):
        return f"{self.run_id}: {self.organization_id}"


class RunChunk(models.Model):
    """An independent slice of a run: organisations with ids in [org_from, org_to] and, for
    screening, the rules on these record types (empty: all of the run's)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    org_from = models.BigIntegerField()
    org_to = models.BigIntegerField()
    record_types = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    seconds = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["run", "index"]
        constraints = [models.UniqueConstraint(fields=["run", "index"], name="chunk_index_unique")]

    def __str__(self):
        return f"{self.run_id}#{self.index}"


class Flag(models.Model):
    """One organisation meeting one screening rule in one run, with the records behind it."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Awaiting the office's decision")
        CONFIRMED = "confirmed", _("Confirmed")
        DISMISSED = "dismissed", _("Dismissed")

    # Screening writes tens of thousands of flags per run: only the indexes in Meta, which cover
    # every query (by run, by organisation), no extra single-column ones.
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="flags", db_index=False,
                            db_constraint=False)
    organization = models.ForeignKey("applications.Organization", on_delete=models.CASCADE, related_name="+",
                                     db_index=False,
                                     db_constraint=False)
    rule = models.ForeignKey(ScreeningRule, on_delete=models.PROTECT, related_name="flags", db_index=False,
                             db_constraint=False)
    outcome = models.CharField(max_length=16, choices=ScreeningRule.Outcome.choices)
    record_count = models.PositiveIntegerField()
    first_on = models.DateField()
    last_on = models.DateField()
    decision = models.CharField(max_length=16, choices=Decision.choices, default=Decision.PENDING)
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    carried_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                     db_constraint=False, db_index=False)
    records = models.ManyToManyField(PublicRecord, through="FlagEvidence", related_name="+")

    class Meta:
        ordering = ["run", "organization", "rule"]
        constraints = [models.UniqueConstraint(fields=["run", "organization", "rule"], name="flag_unique")]
        indexes = [models.Index(fields=["organization", "run"], name="flag_org_run")]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")

    def __str__(self):
        return f"{self.rule} · {self.organization_id}"


class FlagEvidence(models.Model):
    # The unique (flag, record) index serves every lookup (a flag's evidence).
    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="evidence", db_constraint=False,
                             db_index=False)
    record = models.ForeignKey(PublicRecord, on_delete=models.CASCADE, related_name="+", db_constraint=False,
                               db_index=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["flag", "record"], name="evidence_unique")]

    def __str__(self):
        return f"{self.flag_id} ← {self.record_id}"


class FigureMismatch(models.Model):
    """Evidence of a key-figures flag: a figure an application declared for a year beside the
    value a third-party record gives for it (the record is also in the flag's evidence)."""

    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="figure_mismatches")
    record = models.ForeignKey(PublicRecord, on_delete=models.CASCADE, related_name="+", db_constraint=False,
                               db_index=False)
    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    figure = models.CharField(_("figure"), max_length=16)
    declared = models.DecimalField(_("declared"), max_digits=14, decimal_places=2)
    recorded = models.DecimalField(_("third-party value"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["flag", "year", "figure", "record"]
        constraints = [models.UniqueConstraint(fields=["flag", "record", "figure"], name="figure_mismatch_unique")]

    def __str__(self):
        return f"{self.flag_id} {self.year} {self.figure}: {self.declared} / {self.recorded}"

    @property
    def figure_label(self):
        from applications.models import KeyFigure

        return KeyFigure._meta.get_field(self.figure).verbose_name

    @property
    def difference_pct(self):
        """The difference as a percentage of the third-party value (None when that is 0)."""
        if not self.recorded:
            return None
        return round(100 * (self.declared - self.recorded) / abs(self.recorded), 1)


class IndicatorScore(models.Model):
    """The big-data evaluation of one organisation in one evaluation run (0–100)."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="scores", db_index=False,
                            db_constraint=False)
    organization = models.ForeignKey("applications.Organization", on_delete=models.CASCADE, related_name="+",
                                     db_index=False,
                                     db_constraint=False)
    score = models.DecimalField(max_digits=5, decimal_places=2)
    components = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "organization"], name="score_unique")]

    def __str__(self):
        return f"{self.organization_id}: {self.score}"


class RunRule(models.Model):
    """A screening rule as applied in one run: its window resolved to a date, one row per grade
    (or per part of a grade, as the LIKE pattern `grade_part`), one more row for the amount of a
    rule met by grade or amount; the rows of a rule are alternatives. Key-figures rules have one
    row of their kind, which the records statement leaves out (key_figures.py reads them).

    Typed rows the screening SQL joins against, so the same statement runs on PostgreSQL and
    SQLite without date arithmetic or JSON in SQL.
    """

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="run_rules")
    rule = models.ForeignKey(ScreeningRule, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, default=ScreeningRule.Kind.RECORDS)
    record_type = models.CharField(max_length=24)
    outcome = models.CharField(max_length=16)
    grade = models.CharField(max_length=16, null=True)  # noqa: DJ001  (NULL: any grade)
    grade_part = models.CharField(max_length=18, null=True)  # noqa: DJ001  (a LIKE pattern, NULL: none)
    since = models.DateField(null=True)
    only_current = models.BooleanField(default=False)
    min_severity = models.SmallIntegerField(default=0)
    amount_min = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    min_count = models.PositiveSmallIntegerField(default=1)

    def __str__(self):
        return f"{self.run_id}: {self.rule_id}"
