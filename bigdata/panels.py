"""The big-data feedback shown next to an application: to whoever permissions.can_see_bigdata_panel
allows (the readers of screening results, and experts assigned to the application)."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from applications.services import eligibility_reference_date

from . import permissions
from .evaluation import bigdata_score
from .models import Flag, PublicRecord, RecordType
from .screening import screening_for

INDICATOR_LABELS = {
    "complaints": _("Consumer complaints"), "spot_checks": _("Spot checks"), "media": _("Media tone"),
    "penalties": _("Administrative penalties"), "credit": _("Credit rating"),
}


def bigdata_panel(application, user):
    if not permissions.can_see_bigdata_panel(user, application):
        return None
    program = application.round.program
    org = application.organization
    # The same run and coverage as the eligibility rule beside the panel (as of the round's deadline).
    run, covered = screening_for(program, org, eligibility_reference_date(application), round=application.round)
    flags = (Flag.objects.filter(run=run, organization=org).select_related("rule", "decided_by")
             .order_by("outcome", "rule__code") if covered else [])
    score = bigdata_score(org, program)
    counts = [(RecordType(row["record_type"]).label, row["n"]) for row in PublicRecord.objects.filter(organization=org)
              .values("record_type").annotate(n=Count("id")).order_by("record_type")]
    components = []
    if score is not None:
        components = [(label, score.components.get(f"{key}_score")) for key, label in INDICATOR_LABELS.items()]
    return "bigdata/_application_panel.html", {
        "run": run, "covered": covered, "flags": flags, "score": score, "components": components, "record_counts": counts,
        "organization": org,
        "can_open_flags": permissions.can_read_screening(user),
        "can_open_records": permissions.can_open_records(user, org)}
