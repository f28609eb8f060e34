"""The notices and objections of an application, on its page (office and supervisors): which
lists it stood on, for how long, and every objection with its status and due date."""

from .models import NoticeEntry, Objection
from .permissions import can_read_objections
from .selectors import with_countdown


def notices_panel(application, user):
    if not can_read_objections(user):
        return None
    entries = list(NoticeEntry.objects.filter(application=application).select_related("notice")
                   .order_by("notice__starts_on"))
    if not entries:
        return None
    objections = with_countdown(Objection.objects.filter(entry__application=application)
                                .select_related("notice", "entry").order_by("submitted_at"))
    return "notices/_application_panel.html", {"notice_entries": entries, "objections": objections}
