"""The end of a round: the government's approval, the commendation decision (表彰决定), one
certificate per winner, the recommendation to the China Quality Award, and funding.

Rows are written by the services beside this module (approval.py, decisions.py, certificates.py,
cqa.py, funding.py), each transactional and audited; the admin only reads them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application, AwardProgram, Organization, Round, Tier
from award_portal.i18n import localized


class Approval(models.Model):
    """The government's approval of a round's final list (Beijing 2020 art. 22 报请市政府批准;
    Anhui art. 21 报省人民政府批准), and the conferral that follows it (Beijing art. 23 颁奖)."""

    round = models.OneToOneField(Round, on_delete=models.PROTECT, related_name="award_approval",
                                 verbose_name=_("round"))
    approving_body = models.CharField(_("approving body"), max_length=100)
    approved_on = models.DateField(_("approved on"))
    document_number = models.CharField(_("document number of the approval"), max_length=64, blank=True)
    scan = models.FileField(_("scan of the approval"), upload_to="awards/approvals/%Y/", blank=True)
    scan_name = models.CharField(max_length=160, blank=True)
    scan_sha256 = models.CharField(max_length=64, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    conferred_on = models.DateField(_("conferred on"), null=True, blank=True,
                                    help_text=_("The day the awards were conferred, e.g. at the ceremony."))
    conferred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    conferred_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("government approval")
        verbose_name_plural = _("government approvals")

    def __str__(self):
        return f"{self.round} · {self.approving_body} {self.approved_on:%Y-%m-%d}"


class ApprovedEntry(models.Model):
    """One organisation on the approved list, with the tier the government approved."""

    approval = models.ForeignKey(Approval, on_delete=models.CASCADE, related_name="entries")
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="award_approval_entry")
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="+", verbose_name=_("tier"))

    class Meta:
        ordering = ["tier__rank", "application__number"]
        verbose_name = _("approved winner")
        verbose_name_plural = _("approved winners")

    def __str__(self):
        return f"{self.application} · {self.tier}"


class CommendationDecision(models.Model):
    """The commendation decision (表彰决定) with its document number (文号), recorded and published
    in one step. It carries the audit trail's head at publication (the publication's own audit
    event): whoever holds the decision can show the trail was not cut short afterwards."""

    round = models.OneToOneField(Round, on_delete=models.PROTECT, related_name="commendation_decision",
                                 verbose_name=_("round"))
    approval = models.OneToOneField(Approval, on_delete=models.PROTECT, related_name="decision")
    document_number = models.CharField(_("document number (文号)"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=200)
    issuer = models.CharField(_("issuing government"), max_length=100)
    issued_on = models.DateField(_("issued on"))
    preamble = models.TextField(_("text before the list of winners"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    audit_event_id = models.PositiveBigIntegerField(_("audit entry at publication"))
    audit_hash = models.CharField(_("audit trail head hash at publication"), max_length=64)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("commendation decision")
        verbose_name_plural = _("commendation decisions")

    def __str__(self):
        return f"{self.document_number} {self.title}"


class Certificate(models.Model):
    """One winner's certificate. `code` is random (not derived from anything guessable): the public
    verification page finds the certificate by it."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="certificate")
    decision = models.ForeignKey(CommendationDecision, on_delete=models.PROTECT, related_name="certificates")
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="+", verbose_name=_("tier"))
    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    code = models.CharField(_("verification code"), max_length=32, unique=True)
    organization_name = models.CharField(_("organisation (as awarded)"), max_length=200)
    organization_name_en = models.CharField(max_length=200, blank=True)
    issued_on = models.DateField(_("issued on"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decision", "tier__rank", "number"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self):
        return f"{self.number} {self.organization_name}"

    @property
    def organization_display(self):
        return localized(self.organization_name, self.organization_name_en)

    @property
    def code_display(self):
        """The code in groups of four, as printed."""
        return "-".join(self.code[i:i + 4] for i in range(0, len(self.code), 4))


class CqaRecommendation(models.Model):
    """The office's recommendation of winners to the China Quality Award with priority (second
    Beijing edition, 2016: 获奖组织…优先推荐参评中国质量奖), printed as a letter."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="cqa_recommendations")
    document_number = models.CharField(_("document number of the letter"), max_length=64)
    addressee = models.CharField(_("addressed to"), max_length=200)
    sender = models.CharField(_("sent by"), max_length=200)
    sent_on = models.DateField(_("dated"))
    body = models.TextField(_("text of the letter"))
    applications = models.ManyToManyField(Application, related_name="cqa_recommendations",
                                          verbose_name=_("recommended winners"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_on", "-id"]
        verbose_name = _("China Quality Award recommendation")
        verbose_name_plural = _("China Quality Award recommendations")

    def __str__(self):
        return f"{self.document_number} → {self.addressee}"


class HonourKind(models.TextChoices):
    """Honours outside the portal's own awards that a program's incentive table pays for
    (Hangzhou 2025 四(一), 四(三))."""

    CQA = "cqa", _("China Quality Award")
    CQA_NOMINATION = "cqa_nomination", _("China Quality Award nomination")
    ZHEJIANG_AWARD = "zhejiang_award", _("Zhejiang Provincial Government Quality Award")
    ZHEJIANG_INNOVATION = "zhejiang_innovation", _("Zhejiang Provincial Government Quality Management Innovation Award")
    CULTIVATION = "cultivation", _("Performance-excellence cultivation requirements met")


class ExternalHonour(models.Model):
    """An honour an organisation received elsewhere, recorded by the office as data."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="external_honours",
                                     verbose_name=_("organisation"))
    kind = models.CharField(_("honour"), max_length=32, choices=HonourKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    reference = models.CharField(_("document or source"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-year", "organization__name"]
        constraints = [models.UniqueConstraint(fields=["organization", "kind", "year"], name="honour_unique")]
        verbose_name = _("external honour")
        verbose_name_plural = _("external honours")

    def __str__(self):
        return f"{self.organization} · {self.get_kind_display()} {self.year}"


#: Achievement lines of the incentive tables: within one line grants are "highest, not repeated".
ACHIEVEMENT_LINES = {
    "excellence_model": _("Performance-excellence model project"),
}


def line_label(code: str) -> str:
    return str(ACHIEVEMENT_LINES.get(code, code)) if code else ""


class IncentiveRate(models.Model):
    """One line of a program's incentive table: what an honour is worth to the paying program.

    A row names either one of the program's tiers (its amount is the tier's `prize_amount`, kept in
    one place) or an external honour (its amount here). Rows sharing a `line` are paid "highest,
    not repeated" (就高不重复, Hangzhou 2025 四(四)): earlier payments of the line are deducted.
    """

    program = models.ForeignKey(AwardProgram, on_delete=models.CASCADE, related_name="incentive_rates")
    code = models.SlugField(_("code"), max_length=40)
    tier = models.ForeignKey(Tier, on_delete=models.CASCADE, null=True, blank=True, related_name="incentive_rates")
    honour_kind = models.CharField(_("external honour"), max_length=32, choices=HonourKind.choices, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    is_cap = models.BooleanField(_("amount is a ceiling (不高于)"), default=True)
    line = models.CharField(_("achievement line (就高不重复)"), max_length=40, blank=True)
    source_article = models.CharField(_("source article"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["program", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "code"], name="incentive_rate_code_unique"),
            models.CheckConstraint(condition=(Q(tier__isnull=False) & Q(honour_kind=""))
                                   | (Q(tier__isnull=True) & ~Q(honour_kind="") & Q(amount__isnull=False)),
                                   name="incentive_rate_tier_or_honour"),
        ]
        verbose_name = _("incentive rate")
        verbose_name_plural = _("incentive table")

    def __str__(self):
        return f"{self.program.code}: {self.label}"

    @property
    def label(self):
        return self.tier.name if self.tier_id else HonourKind(self.honour_kind).label

    @property
    def value(self):
        return self.tier.prize_amount if self.tier_id else self.amount

    @property
    def line_display(self):
        return line_label(self.line)

    @property
    def value_is_cap(self):
        return self.tier.prize_is_cap if self.tier_id else self.is_cap


class Payment(models.Model):
    """One prize or grant to an organisation, with what it was entitled to and what was deducted."""

    class Status(models.TextChoices):
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid")
        RECOVERED = "recovered", _("Recovered")

    program = models.ForeignKey(AwardProgram, on_delete=models.PROTECT, related_name="payments",
                                verbose_name=_("paid under"))
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="award_payments",
                                     verbose_name=_("organisation"))
    application = models.ForeignKey(Application, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="payments")
    honour = models.ForeignKey(ExternalHonour, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="payments")
    rate = models.ForeignKey(IncentiveRate, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    basis = models.CharField(_("for"), max_length=200)
    line = models.CharField(_("achievement line"), max_length=40, blank=True)
    entitlement = models.DecimalField(_("entitlement (yuan)"), max_digits=12, decimal_places=2)
    entitlement_is_cap = models.BooleanField(default=False)
    deducted = models.DecimalField(_("earlier payments deducted (yuan)"), max_digits=12, decimal_places=2,
                                   default=0)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.APPROVED)
    approved_on = models.DateField(_("approved on"))
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    recovered_on = models.DateField(_("recovered on"), null=True, blank=True)
    reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-approved_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0) & Q(deducted__gte=0), name="payment_non_negative"),
            models.CheckConstraint(condition=Q(application__isnull=True) ^ Q(honour__isnull=True),
                                   name="payment_application_or_honour"),
            # One live payment per prize and per honour: a recovered one may be decided again.
            models.UniqueConstraint(fields=["program", "application"], condition=~Q(status="recovered"),
                                    name="payment_one_per_application"),
            models.UniqueConstraint(fields=["program", "honour"], condition=~Q(status="recovered"),
                                    name="payment_one_per_honour"),
        ]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self):
        return f"{self.organization} · {self.basis} · {self.amount}"
