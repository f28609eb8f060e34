"""In-portal notifications and e-mail, each in the recipient's language.

Apps compose the message (with gettext) inside `notify`, which activates the recipient's
language first, so a Chinese-speaking office and an English-speaking applicant each read
their own.

E-mails carry absolute links built from `settings.PORTAL_BASE_URL` (`absolute_url`), never from
a request: Celery tasks send mail without one, and a request's Host header is the client's.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)


def absolute_url(path: str) -> str:
    """`path` (e.g. from `reverse`) as an absolute URL on the portal's public address; an
    absolute http(s) URL is returned unchanged."""
    if not path or path.startswith(("http://", "https://")):
        return path
    return settings.PORTAL_BASE_URL.rstrip("/") + "/" + path.lstrip("/")


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
    called with the user's language active. `link` is a path in the portal (kept as is for the
    portal's own list) or an absolute URL; the e-mail carries it absolute (`absolute_url`)."""
    with translation.override(getattr(user, "language", None) or settings.LANGUAGE_CODE):
        subject, body = compose()
        subject, body = str(subject), str(body)
    note = Notification.objects.create(user=user, subject=subject[:200], body=body, link=link)
    if email and user.email:
        try:
            send_mail(subject, f"{body}\n\n{absolute_url(link)}" if link else body, None, [user.email])
            Notification.objects.filter(pk=note.pk).update(emailed=True)
        except Exception:  # noqa: BLE001  (a mail outage must not undo the decision)
            log.exception("e-mail to %s failed", user.email)
    return note
