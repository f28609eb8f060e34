"""Eligibility rule kinds: how each kind of `EligibilityRule` is evaluated for an application.

A rule yields pass / fail / needs_review with a reason that cites the rule's source article.
Conditions are judged on the round's application deadline (the day the application must be
complete). Other apps register more kinds at start-up with `register_rule_kind` (big-data
screening adds one), so this module never imports them.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .enums import NON_LEGAL_PERSON_FORMS, PUBLIC_BODY_FORMS, RuleOutcome


@dataclass(frozen=True)
class Verdict:
    outcome: str
    reason: str


@dataclass(frozen=True)
class RuleKind:
    code: str
    label: str
    evaluate: Callable  # (EligibilityContext, params) -> Verdict
    required_params: tuple = field(default_factory=tuple)


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


RULE_KINDS: dict[str, RuleKind] = {}


def register_rule_kind(kind: RuleKind):
    RULE_KINDS[kind.code] = kind


def rule_kind(code, label, required_params=()):
    def decorator(fn):
        register_rule_kind(RuleKind(code, label, fn, tuple(required_params)))
        return fn
    return decorator


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day `years` later; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def passed(reason):
    return Verdict(RuleOutcome.PASS, reason)


def failed(reason):
    return Verdict(RuleOutcome.FAIL, reason)


def doubtful(reason):
    return Verdict(RuleOutcome.NEEDS_REVIEW, reason)


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


@rule_kind("not_public_body", "Not a government body or civil-service managed unit")
def _not_public_body(ctx, params):
    org = ctx.organization
    if org.legal_form in PUBLIC_BODY_FORMS or org.credit_code.startswith("11"):
        return failed(_("Government and party bodies and units managed under the Civil Servant Law may not "
                        "apply."))
    return passed(_("Not a public body."))


@rule_kind("certification_held", "Holds a valid certification", ["kinds"])
def _certification_held(ctx, params):
    kinds = set(params["kinds"])
    valid = [c for c in ctx.organization.certifications.all()
             if c.kind in kinds and c.valid_on(ctx.reference_date)]
    if valid:
        cert = valid[0]
        return passed(_("Holds %(kind)s certificate %(number)s.") % {"kind": cert.get_kind_display(),
                                                                      "number": cert.number or "—"})
    return failed(_("No valid certificate of the required kind (%(kinds)s) on %(ref)s.")
                  % {"kinds": ", ".join(sorted(kinds)), "ref": ctx.reference_date})


_GRADE_ORDER = {"A": 4, "B": 3, "C": 2, "D": 1}


@rule_kind("muju_grade", "亩均效益 grade for above-scale manufacturers", ["min_grade"])
def _muju_grade(ctx, params):
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
    if _GRADE_ORDER[org.muju_grade] >= _GRADE_ORDER[required]:
        return passed(_("亩均效益 grade %(grade)s (%(year)s) meets the required %(req)s.")
                      % {"grade": org.muju_grade, "year": org.muju_year or "—", "req": required})
    return failed(_("亩均效益 grade %(grade)s is below the required %(req)s.")
                  % {"grade": org.muju_grade, "req": required})


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
    from .enums import AWARDED_STATES, ApplicationState
    from .models import Application

    program, current = ctx.program, ctx.round
    wins = (Application.objects
            .filter(organization=ctx.organization, round__program=program,
                    state__in=AWARDED_STATES | {ApplicationState.REVOKED})
            .exclude(round=current).select_related("round").order_by("-round__edition"))
    last = wins.first()
    if last is None:
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
        verdict = kind.evaluate(ctx, rule.params or {})
    return Verdict(verdict.outcome, f"{rule.source_article}：{verdict.reason}")
