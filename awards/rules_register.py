"""What the awards app runs because of an article, for the rules register (registered in apps.py).
Keys of every program are listed; each program keeps those of its own catalogue."""

from django.utils.translation import gettext as _

from applications.rules_register import Measure

APPROVAL_ARTICLES = ["bj2020:art22", "bj2016:procedure", "hz2025:3.3.8", "ah2010:art15", "ah2010:art21"]
DECISION_ARTICLES = ["bj2020:art22", "hz2025:4.2"]
CERTIFICATE_ARTICLES = ["bj2020:art23", "hz2025:4.2", "ah2010:art22"]
CQA_ARTICLES = ["bj2016:awards"]
PRIZE_ARTICLES = ["bj2016:awards", "hz2025:4.3", "ah2010:art22"]
INCENTIVE_ARTICLES = ["hz2025:1.1", "hz2025:4.1", "hz2025:4.3", "hz2025:4.4"]
RECOVERY_ARTICLES = ["hz2025:6.3", "hz2025:6.5", "ah2010:art26"]


def awards_measures(program) -> list[Measure]:
    keys = set(program.articles.values_list("key", flat=True))
    rates = list(program.incentive_rates.select_related("tier"))
    table = "; ".join(f"{r.label} {'≤ ' if r.value_is_cap else ''}{r.value}" for r in rates if r.value is not None)
    measures = [
        Measure(_("Government approval"),
                _("The office records the government's approval of the final list (body, date, document number, "
                  "the approved list per tier); the approved applications move to “approved”, never before the "
                  "proposed winners' notice has ended and its objections are verified."), "", APPROVAL_ARTICLES),
        Measure(_("Commendation decision"),
                _("Published with its document number (文号) as a PDF listing the winners per tier; it carries the "
                  "audit trail's head at publication."), "", DECISION_ARTICLES),
        Measure(_("Conferral and certificates"),
                _("At the conferral every approved winner is awarded and receives a certificate with a random "
                  "verification code and a QR code; anyone can check it, and a revoked award shows as revoked."),
                "", CERTIFICATE_ARTICLES),
        Measure(_("Recommendation to the China Quality Award"),
                _("The office records and prints the letter recommending winners to the China Quality Award with "
                  "priority."), "", CQA_ARTICLES),
        Measure(_("Prize per tier"), _("Each tier's prize or grant (a fixed amount, or a ceiling) is approved, "
                                       "paid and, where the award falls, recovered; every change audited."),
                "; ".join(f"{t.name} {'≤ ' if t.prize_is_cap else ''}{t.prize_amount}"
                          for t in program.tiers.all() if t.prize_amount is not None), PRIZE_ARTICLES),
        Measure(_("Incentive table (highest, not repeated)"),
                _("External honours are recorded as data and paid from the program's incentive table; within one "
                  "achievement line earlier payments are deducted (就高不重复)."), table, INCENTIVE_ARTICLES),
        Measure(_("Recovery of funding"), _("A payment is recovered with its reason; it no longer counts against "
                                            "later entitlements."), "", RECOVERY_ARTICLES),
    ]
    for measure in measures:
        measure.articles = [k for k in measure.articles if k in keys]
    return [m for m in measures if m.articles]
