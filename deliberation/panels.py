"""The committee's deliberation on the application page, for those who may read the round's
meeting (office, supervisors, the members it calls): every vote the application was on, its tally
once closed and the outcome. Applicants see the outcome through the pipeline, not the tally."""

from . import permissions
from .models import Candidate, Meeting, Recusal


def deliberation_panel(application, user):
    meeting = Meeting.objects.filter(round_id=application.round_id).first()
    if meeting is None or not permissions.can_read_round(user, application.round):
        return None
    rows = list(Candidate.objects.filter(vote__meeting=meeting, application=application)
                .select_related("vote__tier").order_by("vote__number"))
    recusals = list(Recusal.objects.filter(meeting=meeting, application=application).select_related("member"))
    if not rows and not recusals:
        return None
    return "deliberation/_application_panel.html", {"meeting": meeting, "rows": rows, "recusals": recusals}
