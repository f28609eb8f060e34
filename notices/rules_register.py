"""The notices' part of the rules register: notices with their working-day periods, objections and
their verification, the public pages, with the articles they apply (registered in apps.py)."""

from django.conf import settings
from django.utils.translation import gettext as _

from applications.rules_register import Measure

NOTICE_ARTICLES = ["bj2020:art21", "hz2025:3.3.7", "ah2010:art20"]
OBJECTION_ARTICLES = ["bj2020:art21", "hz2025:3.3.7", "ah2010:art20"]
CALL_ARTICLES = ["ah2010:art16"]


def notices_measures(program) -> list[Measure]:
    keys = set(program.articles.values_list("key", flat=True))
    stages = ", ".join(_("%(stage)s: %(days)s working days") % {"stage": row.get_stage_display(),
                                                                  "days": row.working_days}
                       for row in program.notice_stages.order_by("stage"))
    days = program.objection_verification_days
    measures = [
        Measure(_("Public notice"),
                _("Each list the program notices is published with its period in statutory working days; the "
                  "stage does not proceed, and no approval is recorded, before the period has ended and every "
                  "objection is decided. Each notice carries the audit trail's head at publication."),
                stages or _("none"), NOTICE_ARTICLES),
        Measure(_("Objections"),
                _("Anyone objects during the period with facts, reasons, evidence and a contact, and follows it by "
                  "a receipt number; the office verifies it, records and publishes the finding; an upheld "
                  "objection takes the application off the list."),
                (_("verified within %(n)s working days") % {"n": days} if days else _("no time limit set"))
                + "; " + _("%(n)s objections per hour per client") % {
                    "n": getattr(settings, "NOTICES_OBJECTIONS_PER_HOUR", 5)}, OBJECTION_ARTICLES),
        Measure(_("Call for applications"),
                _("Every open round's call (dates, conditions, how to apply) is a public page."), "", CALL_ARTICLES),
    ]
    for measure in measures:
        measure.articles = [k for k in measure.articles if k in keys]
    return [m for m in measures if m.articles]
