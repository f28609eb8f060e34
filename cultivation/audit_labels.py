"""The cultivation app's audit codes, named in the reader's language (registered in `apps.py`)."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "cultivation.campaign_created": _("Created a cultivation campaign"),
    "cultivation.organization_tracked": _("Started tracking an organisation in a campaign"),
    "cultivation.register_imported": _("Imported a campaign's register of organisations"),
    "cultivation.organization_cultivated": _("Marked an organisation as cultivated to apply"),
    "cultivation.method_adopted": _("Recorded a quality method adopted"),
    "cultivation.course_created": _("Created a course or coaching session"),
    "cultivation.enrolled": _("Enrolled a participant in a course"),
    "cultivation.attendance_recorded": _("Recorded attendance at a course"),
}
