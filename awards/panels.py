"""The application page's panel: the winner's certificate and payments (its members, the office
and supervisors)."""

from applications.permissions import is_member

from . import permissions
from .certificates import certificate_status
from .models import Certificate, Payment


def awards_panel(application, user):
    if not getattr(user, "is_authenticated", False):
        return None
    if not (permissions.can_read_awards(user) or is_member(user, application)):
        return None
    certificate = Certificate.objects.filter(application=application).select_related("tier", "decision").first()
    payments = list(Payment.objects.filter(application=application).order_by("-approved_on"))
    if certificate is None and not payments:
        return None
    return "awards/_panel.html", {"certificate": certificate, "payments": payments,
                                  "certificate_status": certificate_status(certificate) if certificate else None}
