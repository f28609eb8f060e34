"""What the monitoring app runs because of an article, for the rules register (registered in
apps.py). Keys of every program are listed; each program keeps those of its own catalogue."""

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from applications.rules_register import Measure

MONITORING_ARTICLES = ["bj2020:art27", "bj2016:monitoring", "hz2025:6.5"]
REPORT_ARTICLES = ["bj2020:art27"]
REVOCATION_ARTICLES = ["bj2020:art24", "bj2020:art27", "bj2016:revocation", "hz2025:6.3", "hz2025:6.5", "ah2010:art26"]
SELF_EVALUATION_ARTICLES = ["hz2025:6.4", "hz2025:7"]


def monitoring_measures(program) -> list[Measure]:
    keys = set(program.articles.values_list("key", flat=True))
    window = (_("%(years)s years after the award") % {"years": program.revocation_window_years}
              if program.revocation_window_years else "")
    cadence = (_("every %(interval)s years for %(period)s years from the year after the award") % {
        "interval": program.self_evaluation_interval_years, "period": program.self_evaluation_period_years}
        if program.self_evaluation_interval_years and program.self_evaluation_period_years else "")
    if cadence and program.in_force_from:
        # A report due before the measures took effect is not owed (self_evaluation.due_dates).
        cadence += "; " + _("only reports due on or after %(day)s, when the measures took effect") % {
            "day": date_format(program.in_force_from)}
    measures = [
        Measure(_("Monitoring of winners"),
                _("Every day each winner inside the revocation window is screened against the records imported "
                  "since the last run; a serious record opens an incident, the office is alerted and the winner "
                  "asked for a written explanation."), window, MONITORING_ARTICLES),
        Measure(_("The winner's written report of an accident"),
                _("A winner reports a major accident to the office in writing on its award page."), "",
                REPORT_ARTICLES),
        Measure(_("Revocation"),
                _("The office proposes, the committee decides, the government approves; the award is then revoked, "
                  "announced with the audit trail's head, the certificate shown as revoked and the funds recovered. "
                  "An accident must lie inside the window; fraud has none."), window, REVOCATION_ARTICLES),
        Measure(_("Self-evaluation reports and spot checks"),
                _("Winners file a report on the previous year when due, are reminded ahead and chased when late; "
                  "the office draws a seeded, replayable spot-check sample."), cadence, SELF_EVALUATION_ARTICLES),
    ]
    for measure in measures:
        measure.articles = [k for k in measure.articles if k in keys]
    return [m for m in measures if m.articles]
