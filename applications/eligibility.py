"""Eligibility rule kinds: how each kind of `EligibilityRule` is evaluated for an application.

A rule yields pass / fail / needs_review with a reason that cites the rule's source article.
Conditions are judged on the round's application deadline (the day the application must be
complete). Other apps register more kinds at start-up with `register_rule_kind` (big-data
screening adds one), so this module never imports them.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from award_portal.i18n import is_english

from .enums import (
    AWARDED_STATES,
    ENTERPRISE_FORMS,
    NON_LEGAL_PERSON_FORMS,
    PUBLIC_BODY_FORMS,
    ApplicationState,
    LegalForm,
)
from .models import Application, Certification
from .rule_kinds import (  # noqa: F401 (other apps register their kinds through this module)
    RULE_KINDS,
    RuleKind,
    Verdict,
    doubtful,
    failed,
    passed,
    register_rule_kind,
    rule_kind,
)
from .uscc import ORG_CATEGORIES


def rule_citation(rule) -> str:
    """The article a rule comes from: its Chinese citation, or the English references of the
    program's articles it applies when the reader reads English and they have one."""
    if not rule.articles or not is_english():
        return rule.source_article
    refs = dict(rule.program.articles.filter(key__in=rule.articles).values_list("key", "ref_en"))
    english = [refs[key] for key in rule.articles if refs.get(key)]
    return "; ".join(english) if english else rule.source_article


@dataclass
class EligibilityContext:
    application: object
    reference_date: datetime.date

    @property
    def organization(self):
        return self.application.organization

    @property
    def round(self):
        return self.application.round

    @property
    def program(self):
        return self.application.round.program


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day `years` later; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@rule_kind("registered_in_region", "Registered in the program's region", ["region_prefix"])
def _registered_in_region(ctx, params):
    prefix = params["region_prefix"]
    region = ctx.organization.region_code
    if region.startswith(prefix):
        return passed(_("Registered in region %(region)s.") % {"region": region})
    return failed(_("The credit code shows registration in region %(region)s, outside the program's region "
                    "(%(prefix)s…).") % {"region": region, "prefix": prefix})


@rule_kind("min_years_registered", "Registered for at least N years", ["years"])
def _min_years_registered(ctx, params):
    years = int(params["years"])
    registered = ctx.organization.registered_on
    due = add_years(registered, years)
    if due <= ctx.reference_date:
        return passed(_("Registered on %(reg)s: %(years)s years reached on %(due)s.")
                      % {"reg": registered, "years": years, "due": due})
    return failed(_("Registered on %(reg)s: %(years)s years are only reached on %(due)s, after the deadline "
                    "%(ref)s.") % {"reg": registered, "years": years, "due": due, "ref": ctx.reference_date})


@rule_kind("legal_person", "Has legal personality")
def _legal_person(ctx, params):
    org = ctx.organization
    if org.legal_form in NON_LEGAL_PERSON_FORMS:
        return failed(_("%(form)s has no independent legal personality.") % {"form": org.get_legal_form_display()})
    return passed(_("Legal form: %(form)s.") % {"form": org.get_legal_form_display()})


#: Credit-code categories (GB 32100, second character) of bodies managed under the Civil Servant
#: Law: 11 机关, 13 群众团体 whose staffing the central establishment office manages.
PUBLIC_BODY_CATEGORIES = frozenset({"11", "13"})
#: Credit-code categories registered by the establishment office that may or may not be managed by
#: reference to the Civil Servant Law (参照公务员法管理): 12 事业单位, 19 其他. The office decides.
INSTITUTION_CATEGORIES = frozenset({"12", "19"})


def credit_category(org) -> str:
    """The GB 32100 registration authority and organisation category (first two characters)."""
    return (org.credit_code or "")[:2].upper()


def _category_label(category) -> str:

    return ORG_CATEGORIES.get(category, "?")


@rule_kind("not_public_body", "Not a body managed under (or by reference to) the Civil Servant Law")
def _not_public_body(ctx, params):
    """Hangzhou 三(二)5: party and government bodies, people's congresses, CPPCC, courts,
    procuratorates, democratic parties and people's organisations managed under or by reference
    to the Civil Servant Law may not apply. Public institutions (事业单位) are managed so only in
    part: the office decides."""
    org = ctx.organization
    category = credit_category(org)
    if org.legal_form in PUBLIC_BODY_FORMS:
        return failed(_("%(form)s: party and government bodies, people's congresses, CPPCC committees, courts, "
                        "procuratorates, democratic parties and people's organisations managed under or by "
                        "reference to the Civil Servant Law may not apply.") % {"form": org.get_legal_form_display()})
    if category in PUBLIC_BODY_CATEGORIES:
        return failed(_("The credit code's category %(category)s (%(label)s) is that of a body managed under or by "
                        "reference to the Civil Servant Law, which may not apply.")
                      % {"category": category, "label": _category_label(category)})
    if org.legal_form == LegalForm.PUBLIC_INSTITUTION or category in INSTITUTION_CATEGORIES:
        return doubtful(_("A public institution (事业单位, credit-code category %(category)s): the office must "
                          "establish whether it is managed by reference to the Civil Servant Law (参照公务员法管理), "
                          "which would exclude it.") % {"category": category})
    return passed(_("Not a body managed under or by reference to the Civil Servant Law (%(form)s, credit-code "
                    "category %(category)s).") % {"form": org.get_legal_form_display(), "category": category})


#: Credit-code categories of enterprises (企业): 91 企业, 92 个体工商户 (registered by market regulation).
ENTERPRISE_CATEGORIES = frozenset({"91", "92"})
#: 93 农民专业合作社: a market entity, but not an enterprise (民法典 第九十六条: 特别法人).
FARMERS_COOPERATIVE_CATEGORY = "93"
#: Categories of the core GB 32100 table that are not enterprises.
NON_ENTERPRISE_CATEGORIES = frozenset({"11", "12", "13", "19", "51", "52", "53", "59", "Y1"})


@rule_kind("enterprise_only", "Open to enterprises (企业) only")
def _enterprise_only(ctx, params):
    """Anhui art. 2 and 13: the award is for enterprises. The credit code's category decides
    when it is in the core table of GB 32100 (91 企业, 92 个体工商户 are enterprises; 93 农民专业合作社
    is not); otherwise the declared legal form does."""
    org = ctx.organization
    category = credit_category(org)
    form = org.get_legal_form_display()
    if category == FARMERS_COOPERATIVE_CATEGORY:
        return failed(_("The credit code's category 93 is that of a farmers' specialised cooperative (农民专业合作社), "
                        "which is not an enterprise; the award is for enterprises only."))
    if category in ENTERPRISE_CATEGORIES:
        if org.legal_form in ENTERPRISE_FORMS or org.legal_form == LegalForm.COOPERATIVE:
            return passed(_("An enterprise: credit-code category %(category)s (%(label)s), %(form)s.")
                          % {"category": category, "label": _category_label(category), "form": form})
        return doubtful(_("The credit code's category %(category)s (%(label)s) is an enterprise's, but the declared "
                          "legal form is %(form)s: the office must check which is right.")
                        % {"category": category, "label": _category_label(category), "form": form})
    if category in NON_ENTERPRISE_CATEGORIES:
        return failed(_("The credit code's category %(category)s (%(label)s) is not an enterprise's; the award is for "
                        "enterprises only.") % {"category": category, "label": _category_label(category)})
    if org.legal_form in ENTERPRISE_FORMS:
        return passed(_("An enterprise by its legal form (%(form)s).") % {"form": form})
    return failed(_("%(form)s is not an enterprise; the award is for enterprises only.") % {"form": form})


@rule_kind("certification_held", "Holds a valid certification", ["kinds"])
def _certification_held(ctx, params):
    """`kinds` pass; `review_kinds` (e.g. Anhui art. 13(2) "其他相关管理体系认证") go to the office,
    which judges whether that certificate is relevant; none of either fails."""
    kinds = set(params["kinds"])
    review_kinds = set(params.get("review_kinds", [])) - kinds
    valid = [c for c in ctx.organization.certifications.all() if c.valid_on(ctx.reference_date)]
    held = [c for c in valid if c.kind in kinds]
    if held:
        cert = held[0]
        return passed(_("Holds %(kind)s certificate %(number)s.") % {"kind": cert.get_kind_display(),
                                                                      "number": cert.number or "—"})
    others = [c for c in valid if c.kind in review_kinds]
    if others:
        listed = "; ".join(f"{c.get_kind_display()} {c.number or '—'}" for c in others)

        required = "; ".join(str(Certification.Kind(k).label) if k in Certification.Kind.values else k
                             for k in sorted(kinds))
        return doubtful(_("No %(kinds)s certificate, but other management-system certificates: %(certs)s. The office "
                          "judges whether they count as a relevant management-system certification.")
                        % {"kinds": required, "certs": listed})
    return failed(_("No valid certificate of the required kind (%(kinds)s) on %(ref)s.")
                  % {"kinds": ", ".join(sorted(kinds | review_kinds)), "ref": ctx.reference_date})


_GRADE_ORDER = {"A": 4, "B": 3, "C": 2, "D": 1}


def muju_latest_year(reference_date: datetime.date, lag: int = 1) -> int:
    """The latest 亩均效益 evaluation year available on `reference_date`.

    Assumption (the measures say only "最新年度"): the evaluation of year Y is published during
    year Y+1, so on any day of year R the latest year is R-1 (`lag` 1). A program whose region
    publishes later sets a larger lag.
    """
    return reference_date.year - lag


@rule_kind("muju_grade", "Latest 亩均效益 grade for above-scale manufacturers", ["min_grade"])
def _muju_grade(ctx, params):
    """Hangzhou 三(二)2: the *latest* year's grade. An older grade says nothing about the latest
    one, so it goes to the office (needs_review) asking for the latest year's result."""
    org = ctx.organization
    sections = params.get("sections", ["C"])
    min_revenue = params.get("min_revenue_10k", 2000)  # 规模以上工业: annual revenue ≥ 20 million yuan
    if org.industry_section not in sections:
        return passed(_("Not a manufacturer: the 亩均效益 condition does not apply."))
    if org.revenue_10k is None:
        return doubtful(_("Revenue unknown: cannot tell whether the organisation is above scale."))
    if org.revenue_10k < min_revenue:
        return passed(_("Below scale (revenue under %(min)s ten-thousand yuan): the condition does not apply.")
                      % {"min": min_revenue})
    required = params["min_grade"]
    if org.strategic_industry and org.strategic_industry in params.get("relaxed_industries", []):
        required = params.get("relaxed_grade", required)
    if not org.muju_grade or org.muju_grade not in _GRADE_ORDER:
        return doubtful(_("No 亩均效益 grade on record; grade %(req)s is required.") % {"req": required})
    latest = muju_latest_year(ctx.reference_date, int(params.get("latest_year_lag", 1)))
    if org.muju_year is None:
        return doubtful(_("亩均效益 grade %(grade)s without its year: the latest year's (%(latest)s) result is "
                          "required (grade %(req)s).") % {"grade": org.muju_grade, "latest": latest, "req": required})
    if org.muju_year < latest:
        return doubtful(_("The 亩均效益 grade on record (%(grade)s, %(year)s) is not the latest year's: the "
                          "%(latest)s result is required (grade %(req)s).")
                        % {"grade": org.muju_grade, "year": org.muju_year, "latest": latest, "req": required})
    if _GRADE_ORDER[org.muju_grade] >= _GRADE_ORDER[required]:
        return passed(_("亩均效益 grade %(grade)s (%(year)s) meets the required %(req)s.")
                      % {"grade": org.muju_grade, "year": org.muju_year, "req": required})
    return failed(_("亩均效益 grade %(grade)s (%(year)s) is below the required %(req)s.")
                  % {"grade": org.muju_grade, "year": org.muju_year, "req": required})


@rule_kind("excellence_model_years", "Has practised the performance-excellence model for N years", ["years"])
def _excellence_years(ctx, params):
    years = int(params["years"])
    since = ctx.organization.excellence_model_since
    if since is None:
        return doubtful(_("The start of the performance-excellence practice is not on record."))
    due = add_years(since, years)
    if due <= ctx.reference_date:
        return passed(_("Practised since %(since)s.") % {"since": since})
    return failed(_("Practised since %(since)s: %(years)s years are reached only on %(due)s.")
                  % {"since": since, "years": years, "due": due})


@rule_kind("reapply_wait", "Past winners wait before applying again")
def _reapply_wait(ctx, params):
    """Beijing art. 4, Anhui art. 4. Only wins count: awards conferred (and awards revoked later)
    in a tier that bars re-application (Beijing: the award, not the nomination). Disqualified,
    withdrawn or merely proposed applications are not wins."""


    program, current = ctx.program, ctx.round
    wins = (Application.objects
            .filter(organization=ctx.organization, round__program=program,
                    state__in=AWARDED_STATES | {ApplicationState.REVOKED})
            .exclude(round=current).select_related("round", "tier").order_by("-round__edition"))
    # An award without a recorded tier (older data) is taken to bar re-application.
    last = wins.filter(Q(tier__isnull=True) | Q(tier__bars_reapplication=True)).first()
    if last is None:
        other = wins.first()
        if other is not None:
            return passed(_("%(tier)s in edition %(won)s: the waiting time binds winners of the award only, not of "
                            "this tier.") % {"tier": other.tier.name, "won": other.round.edition})
        return passed(_("No earlier award in this program."))
    won = last.round
    if program.reapply_wait_editions is not None:
        skipped = current.edition - won.edition - 1
        if skipped >= program.reapply_wait_editions:
            return passed(_("Won in edition %(won)s; %(skipped)s editions have passed since.")
                          % {"won": won.edition, "skipped": skipped})
        return failed(_("Won in edition %(won)s: winners must let %(wait)s editions pass before applying "
                        "again.") % {"won": won.edition, "wait": program.reapply_wait_editions})
    if program.reapply_wait_years is not None:
        if current.year - won.year >= program.reapply_wait_years:
            return passed(_("Won in %(year)s.") % {"year": won.year})
        return failed(_("Won in %(year)s: winners may apply again only after %(wait)s years.")
                      % {"year": won.year, "wait": program.reapply_wait_years})
    return passed(_("The program sets no waiting time."))


@rule_kind("no_losses_years", "No loss in the key figures of the last N full years", ["years"])
def _no_losses_years(ctx, params):
    """Anhui art. 13(3) "最近3年未发生亏损", read from the application's own key figures: the
    `years` full calendar years before the reference date. A loss fails, naming the year and the
    figure (and the declaration it contradicts, when `declaration_key` names one the applicant
    answered); a year without a profit figure goes to the office."""
    n = int(params["years"])
    last = ctx.reference_date.year - 1
    years = list(range(last - n + 1, last + 1))
    profits = {kf.year: kf.profit_10k for kf in ctx.application.key_figures.all() if kf.year in years}
    losses = [(y, profits[y]) for y in years if profits.get(y) is not None and profits[y] < 0]
    missing = [y for y in years if profits.get(y) is None]
    span = {"first": years[0], "last": years[-1], "n": n}
    key = params.get("declaration_key")
    declared = (getattr(ctx.application, "declarations", None) or {}).get(key) if key else None
    if losses:
        listed = "; ".join(_("%(year)s: total profit %(profit)s (10k yuan)") % {"year": y, "profit": p}
                           for y, p in losses)
        if declared is True:
            return failed(_("The key figures show a loss (%(losses)s), yet the applicant declared no loss in "
                            "%(first)s–%(last)s (“%(text)s”): the figures and the declaration contradict each other.")
                          % {**span, "losses": listed, "text": params.get("text", key)})
        return failed(_("The key figures show a loss (%(losses)s): no loss is allowed in the last %(n)s years "
                        "(%(first)s–%(last)s).") % {**span, "losses": listed})
    if missing:
        return doubtful(_("No total profit in the key figures for %(years)s: the office needs the figures of "
                          "%(first)s–%(last)s to check for losses.")
                        % {**span, "years": ", ".join(str(y) for y in missing)})
    shown = ", ".join(f"{y}: {profits[y]}" for y in years)
    if declared is False:
        return doubtful(_("The key figures show no loss in %(first)s–%(last)s (%(profits)s), but the applicant could "
                          "not declare “%(text)s”: the office must check.")
                        % {**span, "profits": shown, "text": params.get("text", key)})
    return passed(_("No loss in %(first)s–%(last)s: total profit %(profits)s (10k yuan).") % {**span, "profits": shown})


@rule_kind("declaration", "The applicant's declaration, to be checked by the office", ["text"])
def _declaration(ctx, params):
    declared = getattr(ctx.application, "declarations", None)
    key = params.get("key")
    if declared is not None and key and declared.get(key) is True:
        return passed(_("Declared by the applicant: %(text)s") % {"text": params["text"]})
    if declared is not None and key and declared.get(key) is False:
        return failed(_("The applicant could not declare: %(text)s") % {"text": params["text"]})
    return doubtful(_("To be checked by the office: %(text)s") % {"text": params["text"]})


def evaluate_rule(rule, ctx: EligibilityContext) -> Verdict:
    kind = RULE_KINDS.get(rule.kind)
    if kind is None:
        # Still cite the article: the office checks this one by hand and needs to know which.
        verdict = doubtful(_("Rule kind %(kind)s is not available; check by hand.") % {"kind": rule.kind})
    else:
        params = dict(rule.params or {})
        if "text" in params and rule.description_en and is_english():
            params["text"] = rule.description_en  # the declaration quoted in the reader's language
        verdict = kind.evaluate(ctx, params)
    if is_english():
        return Verdict(verdict.outcome, f"{rule_citation(rule)}: {verdict.reason}")
    return Verdict(verdict.outcome, f"{rule.source_article}：{verdict.reason}")
