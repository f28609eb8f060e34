"""What an applicant fills in: key figures, the self-assessment, attachments, the commitment
letter; and what the recommending authority adds: its recommendation."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .applications import Application
from .organizations import Organization
from .programs import Category, Recommender


class KeyFigure(models.Model):
    """One year of an applicant's key figures (三年主要指标)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="key_figures")
    year = models.PositiveSmallIntegerField(_("year"))
    revenue_10k = models.DecimalField(_("operating revenue (10k yuan)"), max_digits=14, decimal_places=2,
                                      null=True, blank=True)
    profit_10k = models.DecimalField(_("total profit (10k yuan)"), max_digits=14, decimal_places=2,
                                     null=True, blank=True)
    tax_10k = models.DecimalField(_("tax paid (10k yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    rd_spend_10k = models.DecimalField(_("R&D spend (10k yuan)"), max_digits=14, decimal_places=2,
                                       null=True, blank=True)
    quality_indicator = models.CharField(_("key quality indicator"), max_length=200, blank=True,
                                         help_text=_("e.g. first-pass yield 99.2 %"))

    class Meta:
        ordering = ["application", "year"]
        constraints = [models.UniqueConstraint(fields=["application", "year"], name="key_figure_year_unique")]
        verbose_name = _("key figures")
        verbose_name_plural = _("key figures")


    def __str__(self):
        return f"{self.application_id} {self.year}"
    REQUIRED = ("revenue_10k", "profit_10k", "tax_10k", "employees")

    def is_complete(self) -> bool:
        return all(getattr(self, f) is not None for f in self.REQUIRED)


class SelfAssessment(models.Model):
    """The self-assessment report, one text per criteria category (GB/T 19580)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="self_assessments")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("text"), blank=True)

    class Meta:
        ordering = ["application", "category__order"]
        constraints = [models.UniqueConstraint(fields=["application", "category"], name="self_assessment_unique")]
        verbose_name = _("self-assessment section")
        verbose_name_plural = _("self-assessment sections")


    def __str__(self):
        return f"{self.application_id} {self.category}"
    #: Length limits in characters (Chinese text: roughly 100 characters per category point).
    MIN_CHARS = 200

    def max_chars(self) -> int:
        return max(2000, self.category.points * 100)


def attachment_path(instance, filename):
    # Stored under MEDIA_ROOT (outside the static root), by application, under a random name.
    return f"applications/{instance.application_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        EVIDENCE = "evidence", _("Evidence")
        RECOMMENDATION_FORM = "recommendation_form", _("Stamped recommendation form")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.EVIDENCE)
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name


class CommitmentLetter(models.Model):
    """承诺书: accepted by a named person; the time and address are recorded."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="commitment")
    signer_name = models.CharField(_("name of the signer"), max_length=100)
    signer_title = models.CharField(_("position of the signer"), max_length=100)
    text_version = models.CharField(max_length=32)
    text = models.TextField()
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(auto_now_add=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("commitment letter")
        verbose_name_plural = _("commitment letters")

    def __str__(self):
        return f"{self.signer_name} ({self.signer_title})"


class Recommendation(models.Model):
    """The recommending authority's endorsement (推荐意见 with its stamped form) or its return."""

    class Outcome(models.TextChoices):
        ENDORSED = "endorsed", _("Endorsed")
        RETURNED = "returned", _("Returned")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="recommendations")
    recommender = models.ForeignKey(Recommender, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    opinion = models.TextField(_("opinion"))
    form = models.ForeignKey(Attachment, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("stamped recommendation form"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "decided_at"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")

    def __str__(self):
        return f"{self.recommender}: {self.get_outcome_display()}"


class Invitation(models.Model):
    """An organisation administrator invites a colleague by e-mail."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")


    def __str__(self):
        return f"{self.email} → {self.organization}"
