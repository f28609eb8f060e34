"""The expert pool, conflicts of interest, draws, review stages, groups and assignments.

Sources: Beijing 2020 draft art. 10(2) (the office keeps the expert pool), 18–19 (expert groups
and applicant groups for material and site review), 25 (discipline: misconduct ends a reviewer's
role); the 2nd-edition report (experts recruited, trained and examined; Beijing–Tianjin–Hebei
pool sharing; reviewers sign commitment letters); Hangzhou §二(三)2; Langfang §一(一); Anhui
art. 7(2). Writes go through the services (`experts`, `conflicts`, `draws`, `assignment`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applications.models import Application, AwardProgram, Organization, Round


class ReviewSettings(models.Model):
    """A program's rules for forming expert groups (program data, editable by the office)."""

    program = models.OneToOneField(AwardProgram, on_delete=models.CASCADE, related_name="review_settings")
    min_group_size = models.PositiveSmallIntegerField(_("smallest expert group"), default=3)
    max_group_size = models.PositiveSmallIntegerField(_("largest expert group"), default=5)
    applications_per_group = models.PositiveSmallIntegerField(_("applications per group (target)"), default=5)
    #: Region codes (two-digit province prefixes) whose shared experts may review this program
    #: (Beijing: Tianjin 12 and Hebei 13 — the Beijing–Tianjin–Hebei pool sharing).
    partner_regions = models.CharField(_("partner regions (province codes, comma separated)"), max_length=64,
                                       blank=True)

    class RankBy(models.TextChoices):
        RAW = "raw", _("Raw scores")
        CALIBRATED = "calibrated", _("Calibrated scores")

    #: Which expert score ranks the applications (`aggregation.py`: both are always shown).
    rank_by = models.CharField(_("rank by"), max_length=16, choices=RankBy.choices, default=RankBy.RAW)

    class Meta:
        verbose_name = _("review settings")
        verbose_name_plural = _("review settings")

    def __str__(self):
        return str(self.program)

    @property
    def partner_prefixes(self) -> list[str]:
        return [p.strip() for p in self.partner_regions.split(",") if p.strip()]


class Expert(models.Model):
    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied, awaiting approval")
        ACTIVE = "active", _("In the pool")
        SUSPENDED = "suspended", _("Suspended")
        STRUCK = "struck", _("Struck from the pool")
        DECLINED = "declined", _("Application declined")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="expert_profile")
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    title = models.CharField(_("professional title"), max_length=100, blank=True)
    #: GB/T 4754 section letters, e.g. "CI" for manufacturing and information technology.
    expertise = models.CharField(_("fields of expertise (GB/T 4754 sections)"), max_length=26)
    qualifications = models.TextField(_("qualifications"), blank=True)
    region_code = models.CharField(_("region code"), max_length=6)
    shared = models.BooleanField(_("shared with partner regions"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.APPLIED,
                              db_index=True)
    status_reason = models.TextField(_("reason for the status"), blank=True)
    can_lead = models.BooleanField(_("may lead a group"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        constraints = [models.UniqueConstraint(fields=["email"], name="expert_email_unique")]

    def __str__(self):
        return self.name

    @property
    def sections(self) -> frozenset[str]:
        return frozenset(self.expertise)

    @property
    def province(self) -> str:
        return self.region_code[:2]


class Employment(models.Model):
    """An employer, with dates: the source of employer conflicts."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="employments")
    employer = models.CharField(_("employer"), max_length=200)
    credit_code = models.CharField(_("employer's credit code"), max_length=18, blank=True, db_index=True)
    position = models.CharField(_("position"), max_length=100, blank=True)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True, help_text=_("Empty while current."))

    class Meta:
        ordering = ["-started_on"]
        verbose_name = _("employment")
        verbose_name_plural = _("employments")

    def __str__(self):
        return self.employer


class Relationship(models.Model):
    """A consulting or coaching relationship with an organisation, or an explicit exclusion."""

    class Kind(models.TextChoices):
        CONSULTING = "consulting", _("Consulting")
        COACHING = "coaching", _("Coaching for the award")
        EXCLUSION = "exclusion", _("Explicit exclusion")

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="relationships")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    credit_code = models.CharField(_("organisation's credit code"), max_length=18, db_index=True)
    organization_name = models.CharField(_("organisation"), max_length=200, blank=True)
    started_on = models.DateField(_("from"), null=True, blank=True)
    ended_on = models.DateField(_("until"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("relationship")
        verbose_name_plural = _("relationships")


class CorporateGroup(models.Model):
    """A group of companies (集团): an expert employed anywhere in it conflicts with all of it."""

    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("group of companies")
        verbose_name_plural = _("groups of companies")

    def __str__(self):
        return self.name


class CorporateGroupMember(models.Model):
    group = models.ForeignKey(CorporateGroup, on_delete=models.CASCADE, related_name="members")
    credit_code = models.CharField(_("credit code"), max_length=18, unique=True)

    class Meta:
        verbose_name = _("member of a group of companies")
        verbose_name_plural = _("members of groups of companies")


class TrainingRecord(models.Model):
    class Kind(models.TextChoices):
        TRAINING = "training", _("Training")
        EXAMINATION = "examination", _("Examination")

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="training_records")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    held_on = models.DateField(_("date"))
    title = models.CharField(_("course or examination"), max_length=200)
    passed = models.BooleanField(_("passed"), default=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                    related_name="+")

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("training or examination")
        verbose_name_plural = _("training and examinations")


class Availability(models.Model):
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="availabilities")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    available = models.BooleanField(_("available"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["expert", "round"], name="availability_unique")]
        verbose_name = _("availability")
        verbose_name_plural = _("availabilities")


class ReviewerCommitment(models.Model):
    """The round's reviewer commitment letter, signed before any material is shown (000:
    confidentiality, no gifts or banquets, recusal)."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="commitments")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    text_sha256 = models.CharField(max_length=64)
    signed_at = models.DateTimeField()
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["expert", "round"], name="reviewer_commitment_unique")]
        verbose_name = _("reviewer commitment")
        verbose_name_plural = _("reviewer commitments")


class Conflict(models.Model):
    """A conflict of interest between an expert and an organisation, with where it came from."""

    class Source(models.TextChoices):
        DECLARED = "declared", _("Declared by the expert")
        DERIVED = "derived", _("Derived from records")
        OFFICE = "office", _("Set by the office")

    class Reason(models.TextChoices):
        EMPLOYER = "employer", _("Current or recent employer")
        CORPORATE_GROUP = "corporate_group", _("Same group of companies")
        CONSULTING = "consulting", _("Consulting relationship")
        COACHING = "coaching", _("Coaching relationship")
        EXCLUSION = "exclusion", _("Explicit exclusion")
        OTHER = "other", _("Other")

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="conflicts")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    detail = models.TextField(_("detail"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    dismissal_reason = models.TextField(_("why it was dismissed"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [models.UniqueConstraint(fields=["expert", "organization", "source", "reason"],
                                               name="conflict_unique")]
        indexes = [models.Index(fields=["organization", "expert"], name="conflict_org_expert",
                                condition=Q(dismissed_at__isnull=True))]

    @property
    def active(self) -> bool:
        return self.dismissed_at is None


class Stage(models.TextChoices):
    MATERIAL = "material", _("Material review")
    SITE = "site", _("Site review")


class ExpertDraw(models.Model):
    """A random draw of experts for a round's stage that nobody can steer and anybody can check.

    The candidate list and constraints are frozen and hashed first; the seed is then the hash of
    the frozen list combined with a number the supervisor enters at the draw. Replaying with the
    recorded inputs and algorithm version gives the same experts.
    """

    class Status(models.TextChoices):
        FROZEN = "frozen", _("Candidates frozen, awaiting the supervisor's number")
        DRAWN = "drawn", _("Drawn")

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="expert_draws")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    replaces = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="replacement_draws", verbose_name=_("replacement for"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.FROZEN)
    #: {"count": n, "per_section": {"C": 3, ...}, "max_partner_share": 0.3}
    constraints = models.JSONField(_("constraints"), default=dict)
    #: [[expert id, "sections", "province"], ...] sorted by id: exactly what the hash covers.
    candidates = models.JSONField(_("candidates"), default=list)
    candidates_sha256 = models.CharField(_("hash of the frozen candidate list"), max_length=64)
    frozen_at = models.DateTimeField()
    frozen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    public_input = models.CharField(_("number entered at the draw"), max_length=64, blank=True)
    public_input_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                        blank=True, related_name="+")
    seed = models.CharField(max_length=64, blank=True)
    algorithm = models.CharField(_("algorithm version"), max_length=32, blank=True)
    result = models.JSONField(_("drawn experts in order"), default=list)
    drawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-frozen_at"]
        verbose_name = _("expert draw")
        verbose_name_plural = _("expert draws")

    def __str__(self):
        return f"{self.round} · {self.get_stage_display()} · #{self.pk}"


class DrawnExpert(models.Model):
    """An expert the draw picked, and their answer to the invitation."""

    class Response(models.TextChoices):
        PENDING = "pending", _("Awaiting answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    draw = models.ForeignKey(ExpertDraw, on_delete=models.CASCADE, related_name="drawn")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="draws")
    position = models.PositiveSmallIntegerField()
    response = models.CharField(_("answer"), max_length=16, choices=Response.choices, default=Response.PENDING)
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(_("reason for declining"), max_length=300, blank=True)

    class Meta:
        ordering = ["draw", "position"]
        constraints = [models.UniqueConstraint(fields=["draw", "expert"], name="drawn_expert_unique")]


class ExpertGroup(models.Model):
    """An expert group of one stage of a round, with the applications it reviews."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="expert_groups")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    number = models.PositiveSmallIntegerField(_("number"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "stage", "number"]
        constraints = [models.UniqueConstraint(fields=["round", "stage", "number"], name="expert_group_unique")]
        verbose_name = _("expert group")
        verbose_name_plural = _("expert groups")

    def __str__(self):
        return _("Group %(number)s") % {"number": self.number}


class GroupMember(models.Model):
    group = models.ForeignKey(ExpertGroup, on_delete=models.CASCADE, related_name="members")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="memberships")
    is_leader = models.BooleanField(_("group leader"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "expert"], name="group_member_unique"),
            models.UniqueConstraint(fields=["group"], condition=Q(is_leader=True), name="one_leader_per_group"),
        ]


class GroupApplication(models.Model):
    """An application reviewed by a group; one group per application and stage."""

    group = models.ForeignKey(ExpertGroup, on_delete=models.CASCADE, related_name="assignments")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="review_assignments")
    stage = models.CharField(max_length=16, choices=Stage.choices, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "stage"], name="application_one_group")]

    def save(self, *args, **kwargs):
        self.stage = self.group.stage
        super().save(*args, **kwargs)


class Scorecard(models.Model):
    """One expert's scores of one application in one stage (GB/Z 19579: a percentage per item in
    5 % steps; points = percentage × the item's maximum). Written only through `scoring.py`."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being scored")
        SUBMITTED = "submitted", _("Submitted")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="scorecards")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="scorecards")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    #: Optimistic concurrency: every save names the version it read (two tabs never lose an update).
    version = models.PositiveIntegerField(default=1)
    overall_comment = models.TextField(_("overall comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "expert", "stage"], name="scorecard_unique")]
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")


class ItemScore(models.Model):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="item_scores")
    item = models.ForeignKey("applications.Item", on_delete=models.PROTECT, related_name="+")
    #: 0–100 in steps of 5; None while not scored yet.
    percent = models.PositiveSmallIntegerField(_("percentage"), null=True, blank=True)
    strengths = models.TextField(_("strengths"), blank=True)
    opportunities = models.TextField(_("opportunities for improvement"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "item"], name="item_score_unique"),
            models.CheckConstraint(condition=Q(percent__isnull=True) | (Q(percent__lte=100) & Q(percent__gte=0)),
                                   name="item_score_percent_range"),
        ]


class ConsensusScore(models.Model):
    """The group leader's consensus percentage for an item the experts disagree on, with a reason."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="consensus_scores")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    item = models.ForeignKey("applications.Item", on_delete=models.PROTECT, related_name="+")
    percent = models.PositiveSmallIntegerField(_("percentage"))
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "stage", "item"], name="consensus_unique")]
        verbose_name = _("consensus score")
        verbose_name_plural = _("consensus scores")


class ReviewReport(models.Model):
    """A group's material-review or site-review report on one application (Beijing 2020 draft
    art. 18–19), written by the group leader from the members' scorecards."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FINAL = "final", _("Final")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="review_reports")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    group = models.ForeignKey(ExpertGroup, on_delete=models.PROTECT, related_name="reports")
    summary = models.TextField(_("summary"), blank=True)
    strengths = models.TextField(_("main strengths"), blank=True)
    opportunities = models.TextField(_("main opportunities for improvement"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    finalised_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "stage"], name="review_report_unique")]
        verbose_name = _("review report")
        verbose_name_plural = _("review reports")


class SiteVisit(models.Model):
    """A scheduled site visit: the date, the team (a site-review expert group) and the agenda."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="site_visits")
    group = models.ForeignKey(ExpertGroup, on_delete=models.PROTECT, related_name="site_visits")
    visit_on = models.DateField(_("date of the visit"))
    ends_on = models.DateField(_("last day"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["visit_on"]
        verbose_name = _("site visit")
        verbose_name_plural = _("site visits")


class GuidanceOpinion(models.Model):
    """The expert technical guidance group's opinion on a stage of a round, a group's work or one
    application (Beijing 2020 draft art. 11: it examines the groups' reports and gives opinions)."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="guidance_opinions")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    group = models.ForeignKey(ExpertGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    text = models.TextField(_("opinion"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("guidance group opinion")
        verbose_name_plural = _("guidance group opinions")


class FeedbackLetter(models.Model):
    """The feedback letter to an organisation not advanced or not shortlisted: composed from the
    experts' strengths and opportunities without their names, edited by the office, then released
    (Langfang: feedback valued "more than gold"; Beijing 2020 draft art. 18, 20)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft, with the office")
        RELEASED = "released", _("Released to the applicant")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="feedback_letters")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    language = models.CharField(_("language"), max_length=8, default="zh-hans")
    body = models.TextField(_("text of the letter"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)
    composed_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "stage"], name="feedback_letter_unique")]
        verbose_name = _("feedback letter")
        verbose_name_plural = _("feedback letters")
