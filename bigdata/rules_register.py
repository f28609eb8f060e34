"""Big data's part of the rules register: each active screening rule, with the articles it cites."""

from django.utils.translation import gettext as _

from applications.rules_register import Measure

from .models import ScreeningRule


def screening_measures(program) -> list[Measure]:
    measures = []
    for rule in ScreeningRule.objects.filter(program=program, active=True).order_by("code"):
        detail = [rule.get_outcome_display(), rule.get_record_type_display()]
        if rule.window_years:
            detail.append(_("within %(n)s years") % {"n": rule.window_years})
        if rule.only_current:
            detail.append(_("still listed"))
        if rule.grades:
            detail.append("/".join(rule.grades))
        if rule.amount_min_10k is not None:
            detail.append(_("≥ %(amount)s ten-thousand yuan") % {"amount": rule.amount_min_10k})
        if rule.kind == ScreeningRule.Kind.KEY_FIGURES and rule.tolerance_pct is not None:
            detail.append(_("declared figures vs. records, tolerance %(pct)s %%") % {"pct": rule.tolerance_pct})
        measures.append(Measure(_("Screening rule"), rule.description, "; ".join(str(d) for d in detail),
                                list(rule.articles or [])))
    return measures
