"""Which recommending authorities an organisation may report to (申报渠道).

Beijing art. 16: "将申报表报行业主管部门或注册地区市场监管局" — an applicant reports to its industry
authority or to the market-supervision bureau of the district where it is registered, never to
another district's bureau. Anhui art. 13(6): recommendation by a city government (of the city
where the enterprise is registered) or a provincial industry authority. One predicate decides
for every program, from the authority's kind and region (GB/T 2260) and the organisation's
region, which is characters 3–8 of its credit code:

* industry authorities and associations are not territorial within the program: allowed unless
  their region (when set) lies on another branch of the region tree than the organisation's;
* territorial authorities (district bureaux, city governments) are allowed when their territory
  contains the organisation's registration region (a district bureau: the same district; a city
  government: any district of the city);
* an organisation registered at a higher level than the authority (e.g. code region 110000: the
  municipal bureau registered it, so the code names no district) may choose any territorial
  authority inside that region; the authority checks the registered address when it recommends;
* anything else — another district's bureau, another city's government — is refused;
* an authority recommends only for rounds held while it existed (`Recommender.existed_on`, on the
  round's date `round_date`): institutional reforms create and merge authorities (Beijing,
  November 2018: 经济和信息化委员会 → 经济和信息化局), so a 2016 round has the predecessor.

`recommender_refusal` says why an authority is refused (translated), `recommender_allowed` is
its yes/no, `allowed_recommenders` the program's authorities an organisation may choose.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Recommender

TERRITORIAL_KINDS = frozenset({Recommender.Kind.DISTRICT_BUREAU, Recommender.Kind.CITY_GOVERNMENT})


def region_prefix(code: str) -> str:
    """The significant digits of a GB/T 2260 code: 110000 → "11", 330100 → "3301", 110108 → "110108"."""
    code = (code or "").strip()
    if len(code) != 6 or not code.isdigit():
        return code
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def region_contains(outer: str, inner: str) -> bool:
    """Whether region `outer` contains region `inner` (or is it)."""
    return bool(outer) and bool(inner) and region_prefix(inner).startswith(region_prefix(outer))


def round_date(rnd) -> datetime.date:
    """The day a round is held at, for the authorities that existed then: its opening day, else
    its application deadline's day."""
    if rnd.applications_open_on:
        return rnd.applications_open_on
    return timezone.localdate(rnd.application_deadline)


def recommender_refusal(organization, recommender, program=None, on=None) -> str | None:
    """None when `organization` may report to `recommender` (for `program`, when given: the
    authority must be one of the program's) on day `on` (default today: the authority must exist
    then); otherwise the reason, translated."""
    if program is not None and not program.recommenders.filter(pk=recommender.pk).exists():
        return _("%(authority)s does not recommend for %(program)s.") % {
            "authority": recommender.name, "program": program.name}
    day = on or timezone.localdate()
    if not recommender.existed_on(day):
        return _("%(authority)s did not exist on %(date)s: choose the authority that exists then.") % {
            "authority": recommender.name, "date": day.isoformat()}
    org_region, its_region = organization.region_code, recommender.region_code
    if not its_region or region_contains(its_region, org_region):
        return None
    if recommender.kind in TERRITORIAL_KINDS:
        if region_contains(org_region, its_region):
            return None  # registered at a higher level: the code names no district
        return _("%(authority)s recommends organisations registered in its own area (%(area)s); %(org)s is registered "
                 "in %(region)s. Report to your industry authority or to the market-supervision bureau (or city "
                 "government) of the place where you are registered.") % {
            "authority": recommender.name, "area": its_region, "org": organization.name, "region": org_region}
    if region_contains(org_region, its_region):
        return None
    return _("%(authority)s is an authority of region %(area)s; %(org)s is registered in %(region)s.") % {
        "authority": recommender.name, "area": its_region, "org": organization.name, "region": org_region}


def recommender_allowed(organization, recommender, program=None, on=None) -> bool:
    """Whether `organization` may report to `recommender` (see the module's rules)."""
    return recommender_refusal(organization, recommender, program, on) is None


def allowed_recommenders(program, organization, on=None):
    """The program's recommending authorities `organization` may choose (on day `on`, default
    today), as a queryset."""
    candidates = list(program.recommenders.all())
    allowed = [r.pk for r in candidates if recommender_allowed(organization, r, on=on)]
    return program.recommenders.filter(pk__in=allowed)
