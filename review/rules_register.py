"""The review app's part of the rules register: the expert pool, conflicts, draws and groups,
scoring, aggregation, site review, the guidance group and feedback letters, with the articles they
apply (program settings shown with their current values)."""

from django.utils.translation import gettext as _

from applications.rules_register import Measure

from .assignment import settings_for
from .conflicts import employer_years
from .draws import ALGORITHM

#: Articles on the pool, discipline and groups, per program code prefix of the article keys.
POOL_ARTICLES = ["bj2020:art10", "bj2016:experts", "hz2025:2.3", "ah2010:art7", "lf:1.1"]
DISCIPLINE_ARTICLES = ["bj2020:art25", "bj2016:supervision", "hz2025:6.2", "ah2010:art27"]
GROUP_ARTICLES = ["bj2020:art18", "bj2020:art19", "hz2025:3.3.3", "ah2010:art6", "ah2010:art18"]
SHARING_ARTICLES = ["bj2016:jjj-sharing"]
#: Articles on scoring against the criteria, in material and in site review.
SCORING_ARTICLES = ["bj2020:art12.3", "bj2020:art12.4", "bj2020:art18", "bj2020:art19", "hz2025:3.3.3",
                    "hz2025:3.3.4", "ah2010:art10", "ah2010:art18"]
RANKING_ARTICLES = ["bj2020:art19", "bj2020:art20", "hz2025:3.3.5", "ah2010:art19"]
SITE_ARTICLES = ["bj2020:art19", "hz2025:3.3.4", "ah2010:art18"]
GUIDANCE_ARTICLES = ["bj2020:art11"]
FEEDBACK_ARTICLES = ["bj2020:art18", "lf:1.2"]


def review_measures(program) -> list[Measure]:
    review = settings_for(program)
    partners = review.partner_prefixes
    keys = set(program.articles.values_list("key", flat=True))
    measures = [
        Measure(_("Expert pool"), _("Only experts approved into the pool, examined, and not suspended or struck "
                                    "can be drawn or assigned."), "", POOL_ARTICLES),
        Measure(_("Reviewer commitment letter"),
                _("Before any material is shown, each expert signs the round's commitment letter "
                  "(confidentiality, no gifts or banquets, recusal)."), "", DISCIPLINE_ARTICLES),
        Measure(_("Suspension and striking"),
                _("The office suspends or strikes an expert for misconduct with a written reason; the expert "
                  "leaves every group at once."), "", DISCIPLINE_ARTICLES),
        Measure(_("Conflicts of interest"),
                _("Declared, set by the office, or derived: current employer or one left within the window, the "
                  "same group of companies, consulting or coaching, explicit exclusions."),
                _("employer window %(n)s years") % {"n": employer_years()}, DISCIPLINE_ARTICLES),
        Measure(_("Expert draw"),
                _("Candidates and constraints frozen and hashed first; the seed combines the hash with a number "
                  "the supervisor enters; anybody can replay it."), ALGORITHM, GROUP_ARTICLES),
        Measure(_("Expert groups and applicant groups"),
                _("Proposed by a min-cost flow: no conflicts, sizes within bounds, one leader, every industry "
                  "covered, balanced load; changes by hand checked by the same rules."),
                _("group size %(min)s–%(max)s, about %(per)s applications per group") % {
                    "min": review.min_group_size, "max": review.max_group_size,
                    "per": review.applications_per_group}, GROUP_ARTICLES),
        Measure(_("Scorecards"),
                _("Each expert scores every criteria item in 5 % bands (GB/Z 19579), with strengths and "
                  "opportunities, beside the application and its big-data feedback; submission locks the "
                  "scorecard; the criteria are frozen once scoring began."),
                str(program.criteria), SCORING_ARTICLES),
        Measure(_("Aggregation, consensus and calibration"),
                _("Group scores per item by the program's method, disagreements flagged for the leader's "
                  "consensus, each expert's leniency estimated and removed; the ranking combines material, "
                  "site and big-data scores under the program's weights."),
                _("%(method)s; disagreement beyond %(t)s points; expert %(e)s / big data %(b)s") % {
                    "method": program.get_aggregation_display(), "t": program.disagreement_threshold,
                    "e": program.expert_weight, "b": program.bigdata_weight}, RANKING_ARTICLES),
        Measure(_("Site visits and review reports"),
                _("Site visits scheduled with their team and agenda, site scorecards, and a review report per "
                  "application and stage written by the group leader (PDF)."), "", SITE_ARTICLES),
        Measure(_("Guidance group opinions"),
                _("The guidance group reads the groups' reports and the score statistics (ICC, Krippendorff's "
                  "alpha, each expert's deviation) and records its opinions."), "", GUIDANCE_ARTICLES),
        Measure(_("Feedback letters"),
                _("Organisations not advanced or not shortlisted receive a letter composed from the experts' "
                  "strengths and opportunities, without their names, edited and released by the office."),
                "", FEEDBACK_ARTICLES),
        Measure(_("Shared experts of partner regions"),
                _("Shared experts of the partner regions may be drawn and mixed into groups."),
                ", ".join(partners) if partners else _("none"), SHARING_ARTICLES),
    ]
    for measure in measures:
        measure.articles = [k for k in measure.articles if k in keys]
    return [m for m in measures if m.articles]
