"""The monitoring app's audit codes, named in the reader's language (registered in `apps.py`)."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "monitoring.run": _("Monitoring re-screened the winners"),
    "monitoring.incident_explained": _("Explained an incident"),
    "monitoring.incident_reported": _("Reported an incident of its own"),
    "monitoring.incident_recorded": _("Recorded an incident"),
    "monitoring.incident_closed": _("Closed an incident with a finding"),
    "monitoring.revocation_proposed": _("Proposed revoking an award"),
    "monitoring.revocation_committee": _("Recorded the committee's decision on a revocation"),
    "monitoring.revocation_announced": _("Revoked an award and published the announcement"),
    "monitoring.revocation_returns": _("Recorded the return of the plaque or certificate"),
    "monitoring.report_filed": _("Filed a self-evaluation report"),
    "monitoring.report_chased": _("Chased an overdue self-evaluation report"),
    "monitoring.spot_check_drawn": _("Drew a spot check of self-evaluation reports"),
}
