"""The application page's panel: an award's incidents, revocation and self-evaluation reports (the
winner's members, the office, the committee and supervisors)."""

from applications.enums import ApplicationState

from .models import Incident, Revocation, SelfEvaluationReport
from .permissions import can_manage_monitoring, can_read_monitoring, is_winner_member


def monitoring_panel(application, user):
    if application.state not in (ApplicationState.AWARDED, ApplicationState.REVOKED):
        return None
    if not (can_read_monitoring(user) or is_winner_member(user, application)):
        return None
    incidents = list(Incident.objects.filter(application=application).order_by("-opened_at")[:20])
    revocations = list(Revocation.objects.filter(application=application).order_by("-proposed_at"))
    reports = list(SelfEvaluationReport.objects.filter(application=application).order_by("sequence"))
    return "monitoring/_panel.html", {
        "application": application, "incidents": incidents, "revocations": revocations, "reports": reports,
        "can_manage": can_manage_monitoring(user) and application.state == ApplicationState.AWARDED,
        "is_member": is_winner_member(user, application) and application.state == ApplicationState.AWARDED}
