"""Award programs as data: tiers, notice stages, criteria and eligibility rules.

The differences between Beijing, Hangzhou, Anhui and any city's award live in these rows
(loaded from `applications/fixtures/programs/*.json`), never in `if program == ...` code.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from award_portal.i18n import localized

from ..enums import Aggregation, Cycle, ItemType, NoticeStage, VotingMethod
from ..rule_kinds import RULE_KINDS


class BilingualName(models.Model):
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def name(self):
        return localized(self.name_zh, self.name_en)



class CriteriaVersion(BilingualName):
    """A versioned criteria set, e.g. GB/T 19580-2012 or Beijing's re-weighted 2016 criteria."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    total_points = models.PositiveIntegerField(_("total points"), default=1000)
    based_on = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                 verbose_name=_("based on"))
    source = models.TextField(_("source"), blank=True)

    class Meta:
        verbose_name = _("criteria version")
        verbose_name_plural = _("criteria versions")

    def clean(self):
        if self.pk:
            total = Item.objects.filter(category__version=self).aggregate(s=Sum("points"))["s"] or 0
            if total != self.total_points:
                raise ValidationError(
                    _("The items add up to %(sum)s points, but the criteria declare %(total)s.")
                    % {"sum": total, "total": self.total_points})


class Category(BilingualName):
    version = models.ForeignKey(CriteriaVersion, on_delete=models.CASCADE, related_name="categories")
    number = models.CharField(_("number"), max_length=16, help_text=_("e.g. 4.1"))
    points = models.PositiveIntegerField(_("points"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["version", "order", "number"]
        constraints = [models.UniqueConstraint(fields=["version", "number"], name="category_number_unique")]
        verbose_name = _("criteria category")
        verbose_name_plural = _("criteria categories")

    def __str__(self):
        return f"{self.number} {self.name}"

    def clean(self):
        if self.pk:
            total = self.items.aggregate(s=Sum("points"))["s"] or 0
            if total != self.points:
                raise ValidationError(
                    _("The items of %(cat)s add up to %(sum)s points, not %(points)s.")
                    % {"cat": self.number, "sum": total, "points": self.points})


class Item(BilingualName):
    """A scored item (评分项). Process items are scored on ADLI, result items on LeTCI."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="items")
    number = models.CharField(_("number"), max_length=16, help_text=_("e.g. 4.1.2"))
    points = models.PositiveIntegerField(_("points"))
    item_type = models.CharField(_("item type"), max_length=16, choices=ItemType.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["category__order", "order", "number"]
        constraints = [models.UniqueConstraint(fields=["category", "number"], name="item_number_unique")]
        verbose_name = _("criteria item")
        verbose_name_plural = _("criteria items")

    def __str__(self):
        return f"{self.number} {self.name}"


class Recommender(BilingualName):
    """A recommending authority: an industry authority, a district bureau or a city government."""

    class Kind(models.TextChoices):
        INDUSTRY_AUTHORITY = "industry_authority", _("Industry authority")
        DISTRICT_BUREAU = "district_bureau", _("District market-supervision bureau")
        CITY_GOVERNMENT = "city_government", _("City government")
        ASSOCIATION = "association", _("Industry association")

    code = models.SlugField(_("code"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    region_code = models.CharField(_("region code"), max_length=6, blank=True)
    # Authorities are created and merged by institutional reforms (e.g. Beijing, November 2018):
    # an authority recommends only for rounds held while it existed (`applications.routing`).
    established_on = models.DateField(_("established on"), null=True, blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True,
                                    help_text=_("The first day the authority no longer existed."))
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="recommender_bodies",
                                     verbose_name=_("staff"))

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("recommending authority")
        verbose_name_plural = _("recommending authorities")

    def existed_on(self, day) -> bool:
        """Whether the authority existed on `day` (unknown dates do not refuse)."""
        return ((self.established_on is None or self.established_on <= day)
                and (self.dissolved_on is None or day < self.dissolved_on))


def _weight_validators():
    return [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))]


class AwardProgram(BilingualName):
    """One award (e.g. 北京市人民政府质量管理奖) with every rule that differs between awards."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    issuing_government = models.CharField(_("issuing government"), max_length=100)
    region_code = models.CharField(_("region code"), max_length=6,
                                   help_text=_("GB/T 2260 code of the administrative region, e.g. 110000"))
    cycle = models.CharField(_("cycle"), max_length=16, choices=Cycle.choices)
    criteria = models.ForeignKey(CriteriaVersion, on_delete=models.PROTECT, verbose_name=_("criteria"))
    recommenders = models.ManyToManyField(Recommender, blank=True, related_name="programs",
                                          verbose_name=_("recommending authorities"))
    requires_recommendation = models.BooleanField(_("requires recommendation"), default=True)
    objection_verification_days = models.PositiveSmallIntegerField(
        _("working days to verify an objection"), null=True, blank=True)
    reapply_wait_editions = models.PositiveSmallIntegerField(
        _("editions a winner must skip before re-applying"), null=True, blank=True)
    reapply_wait_years = models.PositiveSmallIntegerField(
        _("years a winner must wait before re-applying"), null=True, blank=True)
    revocation_window_years = models.PositiveSmallIntegerField(
        _("years after the award in which an accident leads to revocation"), null=True, blank=True)
    self_evaluation_interval_years = models.PositiveSmallIntegerField(
        _("self-evaluation report every N years"), null=True, blank=True)
    self_evaluation_period_years = models.PositiveSmallIntegerField(
        _("self-evaluation duty lasts N years"), null=True, blank=True)
    # A duty a text creates binds from the day the text takes effect (monitoring.self_evaluation).
    in_force_from = models.DateField(
        _("measures in force from"), null=True, blank=True,
        help_text=_("The day the program's measures took effect; duties they create (e.g. self-evaluation "
                    "reports) are owed only when they fall due on or after it. Empty if unknown."))
    score_floor = models.PositiveIntegerField(_("minimum score for a winner"), null=True, blank=True)
    expert_weight = models.DecimalField(_("weight of the expert evaluation"), max_digits=4, decimal_places=3,
                                        default=Decimal("1"), validators=_weight_validators())
    bigdata_weight = models.DecimalField(_("weight of the big-data evaluation"), max_digits=4, decimal_places=3,
                                         default=Decimal("0"), validators=_weight_validators())
    aggregation = models.CharField(_("group score aggregation"), max_length=16, choices=Aggregation.choices,
                                   default=Aggregation.MEAN)
    disagreement_threshold = models.PositiveSmallIntegerField(
        _("disagreement threshold (percentage points)"), default=20,
        help_text=_("Expert scores of one item further apart than this are flagged for consensus."))
    max_attachment_mb = models.PositiveSmallIntegerField(_("largest attachment (MB)"), default=20)
    max_attachments = models.PositiveSmallIntegerField(_("most attachments per application"), default=30)
    source_documents = models.TextField(_("source documents"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("award program")
        verbose_name_plural = _("award programs")
        constraints = [
            models.CheckConstraint(condition=Q(expert_weight__gte=0) & Q(bigdata_weight__gte=0),
                                   name="program_weights_non_negative"),
        ]

    def clean(self):
        if self.expert_weight is not None and self.bigdata_weight is not None:
            if self.expert_weight + self.bigdata_weight != Decimal("1"):
                raise ValidationError(
                    _("The expert and big-data weights must add up to 1 (they add up to %(sum)s).")
                    % {"sum": self.expert_weight + self.bigdata_weight})
        if self.reapply_wait_editions and self.reapply_wait_years:
            raise ValidationError(_("Give the re-application wait in editions or in years, not both."))

    def notice_days(self, stage) -> int | None:
        row = self.notice_stages.filter(stage=stage).first()
        return row.working_days if row else None


class ProgramNoticeStage(models.Model):
    """A stage at which the program publishes a list for public notice, and for how long."""

    program = models.ForeignKey(AwardProgram, on_delete=models.CASCADE, related_name="notice_stages")
    stage = models.CharField(_("stage"), max_length=32, choices=NoticeStage.choices)
    working_days = models.PositiveSmallIntegerField(_("working days"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["program", "stage"], name="notice_stage_unique")]
        verbose_name = _("notice stage")
        verbose_name_plural = _("notice stages")

    def __str__(self):
        return f"{self.get_stage_display()}: {self.working_days}"


class Tier(BilingualName):
    """An award level, e.g. 质量奖 / 提名奖 / 创新奖. Places may stay empty."""

    program = models.ForeignKey(AwardProgram, on_delete=models.CASCADE, related_name="tiers")
    code = models.SlugField(_("code"), max_length=32)
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("1 is the highest"))
    quota = models.PositiveSmallIntegerField(_("quota per round"))
    prize_amount = models.DecimalField(_("prize or funding (yuan)"), max_digits=12, decimal_places=2,
                                       null=True, blank=True)
    prize_is_cap = models.BooleanField(_("amount is a ceiling (不高于)"), default=False)
    voting_method = models.CharField(_("voting method"), max_length=16, choices=VotingMethod.choices,
                                     default=VotingMethod.DELIBERATION)
    bars_reapplication = models.BooleanField(
        _("winners must wait before re-applying"), default=True,
        help_text=_("Whether the program's re-application wait binds winners of this tier (Beijing: the award, "
                    "not the nomination)."))

    class Meta:
        ordering = ["program", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["program", "code"], name="tier_code_unique"),
            models.CheckConstraint(condition=Q(quota__gte=0), name="tier_quota_non_negative"),
        ]
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")


class EligibilityRule(models.Model):
    """One eligibility condition of a program, as a rule kind with parameters.

    The kinds and their evaluators live in `applications/eligibility.py`; other apps add kinds
    there at start-up (big-data screening adds "no confirmed disqualifying flag").
    """

    program = models.ForeignKey(AwardProgram, on_delete=models.CASCADE, related_name="eligibility_rules")
    kind = models.CharField(_("kind"), max_length=64)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    source_article = models.CharField(_("source article"), max_length=200,
                                      help_text=_("e.g. 《北京市人民政府质量管理奖管理办法》第十二条(一)"))
    description_zh = models.CharField(_("description (Chinese)"), max_length=300)
    description_en = models.CharField(_("description (English)"), max_length=300, blank=True)
    articles = models.JSONField(_("articles applied"), default=list, blank=True,
                                help_text=_("Keys of the program's articles this rule applies, e.g. [\"bj2020:art12.1\"]"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["program", "order", "id"]
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")

    def __str__(self):
        return self.description

    @property
    def description(self):
        return localized(self.description_zh, self.description_en)

    def clean(self):
        kind = RULE_KINDS.get(self.kind)
        if kind is None:
            raise ValidationError({"kind": _("Unknown rule kind %(kind)s.") % {"kind": self.kind}})
        missing = [p for p in kind.required_params if p not in (self.params or {})]
        if missing:
            raise ValidationError({"params": _("Missing parameters: %(names)s.") % {"names": ", ".join(missing)}})


class ProgramArticle(models.Model):
    """One article of a program's measures, and what the portal does about it.

    The catalogue is data (`articles` in the program fixture). Rules, settings and transitions
    point at articles by key; the rules register joins them, so it shows what actually runs.
    """

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        PARTIAL = "partial", _("Partly applied")
        NOT_YET = "not_yet", _("Not handled yet")
        OFFICE = "office", _("Left to the office")
        INFORMATIONAL = "informational", _("Nothing to apply")

    program = models.ForeignKey(AwardProgram, on_delete=models.CASCADE, related_name="articles")
    key = models.CharField(_("key"), max_length=40, help_text=_("e.g. bj2020:art12.1"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    ref_zh = models.CharField(_("citation (Chinese)"), max_length=200)
    ref_en = models.CharField(_("citation (English)"), max_length=200, blank=True)
    summary_zh = models.TextField(_("summary (Chinese)"))
    summary_en = models.TextField(_("summary (English)"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    settings = models.JSONField(_("program settings applying it"), default=list, blank=True)
    transitions = models.JSONField(_("pipeline actions applying it"), default=list, blank=True)
    note_zh = models.TextField(_("how the portal handles it (Chinese)"), blank=True)
    note_en = models.TextField(_("how the portal handles it (English)"), blank=True)
    assumption_zh = models.TextField(_("assumption where the text is silent (Chinese)"), blank=True)
    assumption_en = models.TextField(_("assumption where the text is silent (English)"), blank=True)

    class Meta:
        ordering = ["program", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["program", "key"], name="program_article_key_unique")]
        verbose_name = _("article of the measures")
        verbose_name_plural = _("articles of the measures")

    def __str__(self):
        return self.ref

    @property
    def ref(self):
        return localized(self.ref_zh, self.ref_en)

    @property
    def summary(self):
        return localized(self.summary_zh, self.summary_en)

    @property
    def note(self):
        return localized(self.note_zh, self.note_en)

    @property
    def assumption(self):
        return localized(self.assumption_zh, self.assumption_en)
