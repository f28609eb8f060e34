"""Organisations (企业/组织) that apply, and the people who act for them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .. import size_class, uscc
from ..enums import NON_LEGAL_PERSON_FORMS, LegalForm
from ..size_class import SizeClass


class MujuGrade(models.TextChoices):
    A = "A", _("A (priority development)")
    B = "B", _("B (upgrading)")
    C = "C", _("C (regulated and supported)")
    D = "D", _("D (forced rectification)")
    UNGRADED = "ungraded", _("Not graded")


class Organization(models.Model):
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    credit_code_accepted_reason = models.TextField(
        _("reason for accepting a code that fails its check digit"), blank=True,
        help_text=_("Filled by the review office only; real anomalies exist."))
    name = models.CharField(_("name"), max_length=200, db_index=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    registered_on = models.DateField(_("registration date"))
    legal_form = models.CharField(_("legal form"), max_length=32, choices=LegalForm.choices,
                                  default=LegalForm.COMPANY)
    region_code = models.CharField(_("region code"), max_length=6, editable=False, db_index=True)
    address = models.CharField(_("registered address"), max_length=300, blank=True)
    industry_section = models.CharField(_("industry section (GB/T 4754)"), max_length=1, blank=True)
    industry_division = models.CharField(_("industry division (GB/T 4754)"), max_length=4, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    revenue_10k = models.DecimalField(_("operating revenue (10k yuan)"), max_digits=14, decimal_places=2,
                                      null=True, blank=True)
    assets_10k = models.DecimalField(_("total assets (10k yuan)"), max_digits=14, decimal_places=2,
                                     null=True, blank=True)
    size_class = models.CharField(_("size class"), max_length=8, blank=True, editable=False,
                                  choices=SizeClass.choices)
    muju_grade = models.CharField(_("亩均效益 grade"), max_length=10, choices=MujuGrade.choices, blank=True)
    muju_year = models.PositiveSmallIntegerField(_("亩均效益 year"), null=True, blank=True)
    strategic_industry = models.CharField(
        _("strategic industry"), max_length=64, blank=True,
        help_text=_("e.g. 通用人工智能, 低空经济 — some programs relax rules for listed industries"))
    excellence_model_since = models.DateField(_("performance-excellence model practised since"),
                                              null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Membership", related_name="organizations")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.region_code = self.credit_code[2:8]
        self.size_class = self.compute_size_class() or ""
        super().save(*args, **kwargs)

    def clean(self):
        if not self.credit_code:
            # Reported by the field's own check ("cannot be blank"); a form whose clean_credit_code
            # refused the code also leaves it empty here, and must not get a second, misleading
            # "this one has 0 characters" beside its own message.
            return
        try:
            self.credit_code = uscc.validate(self.credit_code)
        except uscc.CreditCodeError as exc:
            if exc.code != "check_digit" or not self.credit_code_accepted_reason.strip():
                raise ValidationError({"credit_code": str(exc)}) from exc
            self.credit_code = uscc.normalize(self.credit_code)

    @property
    def is_legal_person(self) -> bool:
        return self.legal_form not in NON_LEGAL_PERSON_FORMS

    def compute_size_class(self) -> str | None:
        if not self.industry_section:
            return None
        try:
            industry = size_class.industry_for_gbt4754(self.industry_section, self.industry_division or None)
            return size_class.classify(industry, employees=self.employees, revenue=self.revenue_10k,
                                       assets=self.assets_10k)
        except ValueError:
            return None


class Membership(models.Model):
    """A user acting for an organisation. One organisation, many users."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Organisation administrator")
        MEMBER = "member", _("Member")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organization"], name="membership_unique")]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.user} @ {self.organization}"


class Certification(models.Model):
    class Kind(models.TextChoices):
        ISO9001 = "iso9001", _("GB/T 19001 / ISO 9001 quality management")
        ISO14001 = "iso14001", _("GB/T 24001 / ISO 14001 environmental management")
        ISO45001 = "iso45001", _("GB/T 45001 / ISO 45001 occupational health and safety")
        HIGH_TECH = "high_tech", _("High-tech enterprise (高新技术企业)")
        OTHER = "other", _("Other")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="certifications")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    number = models.CharField(_("certificate number"), max_length=64, blank=True)
    issuer = models.CharField(_("issuer"), max_length=200, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["organization", "kind"]
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    def clean(self):
        if self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("A certificate cannot expire before it is valid.")})

    def valid_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)
