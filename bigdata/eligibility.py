"""Big-data screening as one more eligibility rule family (registered at start-up)."""

from django.utils.translation import gettext as _

from applications.eligibility import RuleKind, Verdict, doubtful, failed, passed, register_rule_kind

from .models import Flag, ScreeningRule
from .screening import screening_for


def _evaluate(ctx, params) -> Verdict:
    run, covered = screening_for(ctx.program, ctx.organization, ctx.reference_date, round=ctx.round)
    if run is None:
        return doubtful(_("No big-data screening run has been completed for this program yet."))
    if not covered:
        return doubtful(_("The organisation was not screened in screening run %(version)s (it registered or "
                          "applied later); start a new screening run.") % {"version": run.version})
    flags = list(Flag.objects.filter(run=run, organization=ctx.organization).select_related("rule"))
    disqualifying = [f for f in flags if f.outcome == ScreeningRule.Outcome.DISQUALIFYING]
    confirmed = [f for f in disqualifying if f.decision == Flag.Decision.CONFIRMED]
    pending = [f for f in disqualifying if f.decision == Flag.Decision.PENDING]
    if confirmed:
        return failed(_("Screening run %(version)s: the office confirmed %(rules)s.") % {
            "version": run.version, "rules": "；".join(f"{f.rule.description}（{f.record_count}）" for f in confirmed)})
    if pending:
        return doubtful(_("Screening run %(version)s: %(n)s disqualifying flag(s) await the office's decision: "
                          "%(rules)s.") % {"version": run.version, "n": len(pending),
                                           "rules": "；".join(f.rule.description for f in pending)})
    warnings = len(flags) - len(disqualifying)
    dismissed = len(disqualifying)
    return passed(_("Screening run %(version)s: no confirmed disqualifying record (%(dismissed)s dismissed, "
                    "%(warnings)s warning(s)).") % {"version": run.version, "dismissed": dismissed,
                                                    "warnings": warnings})


def register():
    register_rule_kind(RuleKind("bigdata_no_disqualifying_flag",
                                "No disqualifying big-data flag confirmed by the office", _evaluate))
