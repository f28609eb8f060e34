"""The application page's panel: how the applicant was cultivated (campaigns tracking it, methods
adopted, courses attended), for the office, supervisors and the organisation's own members —
reviewers see the application, not the office's cultivation records."""

from applications.permissions import is_member

from . import permissions
from .models import Enrolment, TrackedOrganization


def cultivation_panel(application, user):
    if not getattr(user, "is_authenticated", False):
        return None
    if not (permissions.can_read_cultivation(user) or is_member(user, application)):
        return None
    tracks = list(TrackedOrganization.objects.filter(organization_id=application.organization_id)
                  .select_related("campaign").prefetch_related("methods"))
    attended = list(Enrolment.objects.filter(organization_id=application.organization_id,
                                             attendance=Enrolment.Attendance.ATTENDED)
                    .select_related("course").order_by("-course__held_on")[:10])
    if not tracks and not attended:
        return None
    return "cultivation/_panel.html", {"tracks": tracks, "attended": attended}
