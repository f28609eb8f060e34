"""What the cultivation app runs because of an article, for the rules register (registered in
apps.py). Keys of every program are listed; each program keeps those of its own catalogue."""

from django.utils.translation import gettext as _

from applications.rules_register import Measure

COURSE_ARTICLES = ["bj2016:training", "lf:2.2", "ah2010:art8"]
CAMPAIGN_ARTICLES = ["lf:2.1", "ah2010:art8"]
GRANT_ARTICLES = ["hz2025:1.3", "hz2025:4.3"]


def cultivation_measures(program) -> list[Measure]:
    keys = set(program.articles.values_list("key", flat=True))
    measures = [
        Measure(_("Courses and on-site coaching"),
                _("The office organises training courses and on-site coaching (topic, date, place, trainer, "
                  "capacity); organisations enrol their people while places remain, and the office records "
                  "attendance."), "", COURSE_ARTICLES),
        Measure(_("Cultivation campaign"),
                _("A campaign tracks the organisations it cultivates to apply and those adopting quality methods, "
                  "against its targets; whether they applied or won is read from their applications. Its progress "
                  "is drawn as charts and may be published."), "", CAMPAIGN_ARTICLES),
        Measure(_("Cultivation grant"),
                _("Meeting the cultivation mechanism's requirements is recorded as an honour and its grant "
                  "(at most 200,000 yuan) paid through the funding ledger, highest, not repeated."), "",
                GRANT_ARTICLES),
    ]
    for measure in measures:
        measure.articles = [k for k in measure.articles if k in keys]
    return [m for m in measures if m.articles]
