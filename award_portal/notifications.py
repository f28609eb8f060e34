"""In-portal notifications and e-mail, each in the recipient's language.

Apps compose the message (with gettext) inside `notify`, which activates the recipient's
language first, so a Chinese-speaking office and an English-speaking applicant each read
their own.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self):
        return self.subject


def notify(user, compose, *, link: str = "", email: bool = True) -> Notification:
    """Store a notification for `user` and e-mail it. `compose()` returns (subject, body) and is
    called with the user's language active."""
    with translation.override(getattr(user, "language", None) or settings.LANGUAGE_CODE):
        subject, body = compose()
        subject, body = str(subject), str(body)
    note = Notification.objects.create(user=user, subject=subject[:200], body=body, link=link)
    if email and user.email:
        try:
            send_mail(subject, f"{body}\n\n{link}" if link else body, None, [user.email])
            Notification.objects.filter(pk=note.pk).update(emailed=True)
        except Exception:  # noqa: BLE001  (a mail outage must not undo the decision)
            log.exception("e-mail to %s failed", user.email)
    return note
