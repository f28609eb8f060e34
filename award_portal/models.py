"""The foundation's models: the custom user, the audit trail and the working-day calendar."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .audit import AuditEvent  # noqa: F401
from .notifications import Notification  # noqa: F401
from .workdays import CalendarDay, CalendarYear  # noqa: F401


class User(AbstractUser):
    """A person using the portal. Roles are groups (see roles.py); organisations come later."""

    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=10, default="zh-hans",
        choices=[("zh-hans", "简体中文"), ("en", "English")],
        help_text=_("Notifications are sent in this language."),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self):
        return self.full_name or self.get_full_name() or self.username
