"""Cultivating future applicants (000 培训、现场指导; 004 廊坊 "百争创、千导入"; 003 培育机制).

Courses and on-site coaching sessions with enrolments and attendance; campaigns with targets and
the organisations they track, with the quality methods each adopted. Whether a tracked
organisation applied or won is read from `applications`, never entered by hand.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import AwardProgram, Organization
from award_portal.i18n import localized


class Method(models.TextChoices):
    """Quality methods a campaign tracks (004: 导入有效质量管理方法)."""

    EXCELLENCE = "excellence", _("Performance excellence model (卓越绩效)")
    QC_CIRCLE = "qc_circle", _("QC circles (QC小组)")
    SIX_SIGMA = "six_sigma", _("Six Sigma (六西格玛)")
    LEAN = "lean", _("Lean management (精益)")
    ISO9001 = "iso9001", _("GB/T 19001 quality management system")
    BRAND = "brand", _("Brand cultivation (品牌培育)")
    OTHER = "other", _("Other quality method")


class Campaign(models.Model):
    """A cultivation campaign with two targets: organisations cultivated to apply for an award
    (百争创) and organisations adopting effective quality methods (千导入)."""

    program = models.ForeignKey(AwardProgram, on_delete=models.PROTECT, related_name="campaigns",
                                verbose_name=_("award program"))
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    target_cultivated = models.PositiveIntegerField(_("target: organisations cultivated to apply"))
    target_adopting = models.PositiveIntegerField(_("target: organisations adopting quality methods"))
    is_public = models.BooleanField(_("progress shown to the public"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "pk"]
        verbose_name = _("cultivation campaign")
        verbose_name_plural = _("cultivation campaigns")

    def __str__(self):
        return self.name

    @property
    def name(self):
        return localized(self.name_zh, self.name_en)


class TrackedOrganization(models.Model):
    """An organisation the campaign serves. `cultivated_on` is set when the office starts
    cultivating it to apply (百争创); methods adopted are `MethodAdoption` rows (千导入)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tracked",
                                 verbose_name=_("campaign"))
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="cultivation_tracks",
                                     verbose_name=_("organisation"))
    tracked_since = models.DateField(_("tracked since"))
    cultivated_on = models.DateField(_("cultivated to apply since"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["organization__name"]
        constraints = [models.UniqueConstraint(fields=["campaign", "organization"], name="tracked_unique")]
        verbose_name = _("tracked organisation")
        verbose_name_plural = _("tracked organisations")

    def __str__(self):
        return f"{self.campaign} · {self.organization}"


class MethodAdoption(models.Model):
    tracked = models.ForeignKey(TrackedOrganization, on_delete=models.CASCADE, related_name="methods",
                                verbose_name=_("tracked organisation"))
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    adopted_on = models.DateField(_("adopted on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["adopted_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["tracked", "method"], name="method_adoption_unique")]
        verbose_name = _("adopted method")
        verbose_name_plural = _("adopted methods")

    def __str__(self):
        return f"{self.tracked.organization} · {self.get_method_display()}"


class Course(models.Model):
    """A training course or an on-site coaching session (000: 线上、线下培训课程, 现场指导诊断、定制化辅导)."""

    class Kind(models.TextChoices):
        COURSE = "course", _("Training course")
        COACHING = "coaching", _("On-site coaching")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COURSE)
    campaign = models.ForeignKey(Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="courses",
                                 verbose_name=_("campaign"))
    topic = models.CharField(_("topic"), max_length=200)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    trainer = models.CharField(_("trainer or coach"), max_length=200)
    capacity = models.PositiveIntegerField(_("capacity (people)"))
    host = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("coached organisation"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "pk"]
        verbose_name = _("course or coaching session")
        verbose_name_plural = _("courses and coaching sessions")

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.topic}"


class Enrolment(models.Model):
    class Attendance(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        ATTENDED = "attended", _("Attended")
        ABSENT = "absent", _("Absent")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("course"))
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="cultivation_enrolments",
                                     verbose_name=_("organisation"))
    person = models.CharField(_("participant"), max_length=100)
    attendance = models.CharField(_("attendance"), max_length=10, choices=Attendance.choices,
                                  default=Attendance.ENROLLED)
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    enrolled_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organization__name", "person"]
        constraints = [models.UniqueConstraint(fields=["course", "organization", "person"], name="enrolment_unique")]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")

    def __str__(self):
        return f"{self.course} · {self.person}"
