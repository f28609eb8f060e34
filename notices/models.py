"""Public notices (公示) with their working-day periods, the lists they publish, and objections.

A notice is one record per (round, stage): Beijing publishes its proposed winners for 5 working
days (bj2016 art. 21), Hangzhou the material-review list, the site-review list and the preliminary
winners for 7 working days each (hz2025 §三(三)7). Its period is counted on the statutory calendar
and stored (start, end), so what the public read is what the pipeline enforces.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.enums import NoticeStage
from award_portal.i18n import localized


class PublicNotice(models.Model):
    round = models.ForeignKey("applications.Round", on_delete=models.PROTECT, related_name="notices",
                              verbose_name=_("round"))
    stage = models.CharField(_("stage"), max_length=32, choices=NoticeStage.choices)
    working_days = models.PositiveSmallIntegerField(_("working days"))
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    #: The instant objections stop being accepted: the midnight after `ends_on` (exclusive).
    closes_at = models.DateTimeField(_("objections close at"))
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                     related_name="+", verbose_name=_("published by"))
    note_zh = models.TextField(_("note (Chinese)"), blank=True)
    note_en = models.TextField(_("note (English)"), blank=True)
    #: The audit trail's head at publication (the publication's own entry), printed on the notice
    #: so that anyone holding it can later check that the trail still holds it (trail check page).
    audit_event_id = models.PositiveBigIntegerField(_("audit entry"), null=True, blank=True, editable=False)
    audit_hash = models.CharField(_("audit hash"), max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["round", "stage"], name="notice_round_stage_unique")]
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")

    def __str__(self):
        return f"{self.round} · {self.get_stage_display()}"

    @property
    def note(self):
        return localized(self.note_zh, self.note_en)

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    @property
    def opens_at(self):
        return timezone.make_aware(timezone.datetime.combine(self.starts_on, timezone.datetime.min.time()))

    @property
    def last_second(self):
        """The last instant an objection is accepted (shown to the second)."""
        return self.closes_at - timezone.timedelta(seconds=1)


class NoticeEntry(models.Model):
    """One organisation on a notice's list, as published (names frozen at publication)."""

    notice = models.ForeignKey(PublicNotice, on_delete=models.CASCADE, related_name="entries")
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT,
                                    related_name="notice_entries")
    position = models.PositiveSmallIntegerField(_("position"))
    organization_name = models.CharField(_("organisation"), max_length=200)
    organization_name_en = models.CharField(_("organisation (English)"), max_length=200, blank=True)
    tier_name_zh = models.CharField(_("tier"), max_length=200, blank=True)
    tier_name_en = models.CharField(_("tier (English)"), max_length=200, blank=True)

    class Meta:
        ordering = ["notice", "position"]
        constraints = [models.UniqueConstraint(fields=["notice", "application"], name="notice_entry_unique")]
        verbose_name = _("notice entry")
        verbose_name_plural = _("notice entries")

    def __str__(self):
        return self.organization_name

    @property
    def name(self):
        return localized(self.organization_name, self.organization_name_en)

    @property
    def tier_name(self):
        return localized(self.tier_name_zh, self.tier_name_en)


class Objection(models.Model):
    """An objection from anyone (no login) during a notice's period (hz2025 §三(三)7)."""

    class Finding(models.TextChoices):
        PENDING = "pending", _("Being verified")
        UPHELD = "upheld", _("Upheld")
        NOT_UPHELD = "not_upheld", _("Not upheld")

    notice = models.ForeignKey(PublicNotice, on_delete=models.PROTECT, related_name="objections")
    entry = models.ForeignKey(NoticeEntry, on_delete=models.PROTECT, related_name="objections",
                              verbose_name=_("organisation objected to"))
    receipt = models.CharField(_("receipt number"), max_length=32, unique=True)
    secret_hash = models.CharField(max_length=64, editable=False)
    facts = models.TextField(_("facts"))
    reasons = models.TextField(_("reasons"))
    contact_name = models.CharField(_("name"), max_length=100)
    contact = models.CharField(_("telephone or e-mail"), max_length=200)
    client_ip = models.GenericIPAddressField(null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("received at"), default=timezone.now)
    due_on = models.DateField(_("to be verified by"), null=True, blank=True)
    finding = models.CharField(_("finding"), max_length=16, choices=Finding.choices, default=Finding.PENDING)
    finding_reasons = models.TextField(_("verification result"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("verified by"))
    decided_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    #: When the office was told the verification limit had passed (notices.objections.overdue_alert).
    overdue_alerted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["finding", "due_on"])]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self):
        return self.receipt

    @property
    def is_pending(self) -> bool:
        return self.finding == self.Finding.PENDING


def evidence_path(instance, filename):
    # Under MEDIA_ROOT (never the static root), by objection, under a random name: the public's
    # file name is kept only as `name`.
    return f"objections/{instance.objection_id}/{uuid.uuid4().hex}"


class ObjectionEvidence(models.Model):
    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self):
        return self.name
