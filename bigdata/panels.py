"""The big-data feedback shown next to an application (to the office, supervisors, the
guidance group and the committee; the review app will show it to assigned experts)."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from award_portal.roles import Role, can_read_everything, has_role

from .evaluation import bigdata_score
from .models import Flag, PublicRecord, RecordType
from .screening import latest_run

INDICATOR_LABELS = {
    "complaints": _("Consumer complaints"), "spot_checks": _("Spot checks"), "media": _("Media tone"),
    "penalties": _("Administrative penalties"), "credit": _("Credit rating"),
}


def can_see_bigdata(user) -> bool:
    return can_read_everything(user) or has_role(user, Role.GUIDANCE, Role.COMMITTEE, Role.EXPERT)


def bigdata_panel(application, user):
    if not can_see_bigdata(user):
        return None
    program = application.round.program
    org = application.organization
    run = latest_run(program)
    flags = (Flag.objects.filter(run=run, organization=org).select_related("rule", "decided_by")
             .order_by("outcome", "rule__code") if run else [])
    score = bigdata_score(org, program)
    counts = [(RecordType(row["record_type"]).label, row["n"]) for row in PublicRecord.objects.filter(organization=org)
              .values("record_type").annotate(n=Count("id")).order_by("record_type")]
    components = []
    if score is not None:
        components = [(label, score.components.get(f"{key}_score")) for key, label in INDICATOR_LABELS.items()]
    return "bigdata/_application_panel.html", {
        "run": run, "flags": flags, "score": score, "components": components, "record_counts": counts,
        "organization": org,
        "can_open": can_read_everything(user) or has_role(user, Role.GUIDANCE)}
