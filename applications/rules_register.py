"""The rules register: for one program, every article of its measures and what the portal does
about it, generated from what runs.

Rows come from the program's article catalogue (`ProgramArticle`, loaded from the program
fixture). What the portal does comes from the things that cite an article: the program's
eligibility rules, its settings, the pipeline's transitions (with their guards and owners) and
whatever other apps contribute through `register_provider` (big data adds its screening
rules). Nothing here is written by hand twice, so the register cannot drift from the rules.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .enums import Action
from .models import AwardProgram, ProgramArticle
from .workflow import TRANSITIONS, guards_of


@dataclass
class Measure:
    """One thing the portal runs that applies one or more articles."""

    kind: str  # translated label: "Eligibility rule", "Setting", "Pipeline step", "Screening rule" …
    title: str
    detail: str = ""
    articles: list = field(default_factory=list)


#: Providers other apps contribute: fn(program) -> list[Measure].
PROVIDERS: list[Callable] = []


def register_provider(provider: Callable):
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)


PSEUDO_SETTINGS = {
    "tiers": gettext_lazy("Tiers, quotas, prizes and voting methods"),
    "notice_stages": gettext_lazy("Public notice stages and their lengths"),
    "recommenders": gettext_lazy("Recommending authorities"),
    "criteria": gettext_lazy("Scoring criteria"),
}


def setting_value(program: AwardProgram, name: str) -> str:
    """A program setting as the office reads it."""
    if name == "tiers":
        return "；".join(
            f"{t.name} ≤{t.quota}" + (f"（{'≤' if t.prize_is_cap else ''}{t.prize_amount:,.0f}）" if t.prize_amount else "")
            + f" {t.get_voting_method_display()}" for t in program.tiers.all())
    if name == "notice_stages":
        return "；".join(f"{s.get_stage_display()} {s.working_days}" for s in program.notice_stages.all()) or "—"
    if name == "recommenders":
        return ", ".join(str(r) for r in program.recommenders.all()) or _("none: applicants file directly")
    if name == "criteria":
        return f"{program.criteria.name} ({program.criteria.total_points})"
    value_field = program._meta.get_field(name)
    if value_field.choices:
        return str(getattr(program, f"get_{name}_display")())
    value = getattr(program, name)
    return "—" if value is None else str(value)


def setting_label(program: AwardProgram, name: str) -> str:
    if name in PSEUDO_SETTINGS:
        return str(PSEUDO_SETTINGS[name])
    return str(program._meta.get_field(name).verbose_name)


def _setting_measures(program, article) -> list[Measure]:
    return [Measure(_("Setting"), setting_label(program, name), setting_value(program, name), [article.key])
            for name in article.settings]


def _transition_measures(article) -> list[Measure]:
    measures = []
    for action in article.transitions:
        transition = TRANSITIONS.get(action)
        if transition is None:
            continue
        guards = ", ".join(getattr(g, "__name__", "") for g in guards_of(transition))
        detail = _("roles: %(roles)s; guards: %(guards)s") % {
            "roles": ", ".join(str(r.label) for r in transition.roles), "guards": guards or "—"}
        if transition.needs_reason:
            detail += "; " + _("a written reason is required")
        if transition.owner:
            detail += "; " + _("only through %(owner)s") % {"owner": transition.owner}
        measures.append(Measure(_("Pipeline step"), str(Action(action).label), detail, [article.key]))
    return measures


def _rule_detail(rule) -> str:
    """The rule kind and its parameters (a declaration's text is its title already)."""
    params = {k: v for k, v in (rule.params or {}).items() if k != "text"}
    return " ".join([rule.kind] + [f"{k}={v}" for k, v in params.items()])


def _eligibility_measures(program) -> list[Measure]:
    return [Measure(_("Eligibility rule"), rule.description, _rule_detail(rule), list(rule.articles or []))
            for rule in program.eligibility_rules.filter(active=True)]


@dataclass
class RegisterRow:
    article: ProgramArticle
    measures: list


@dataclass
class Register:
    program: AwardProgram
    rows: list
    #: Measures citing no article, or an article missing from the catalogue: a data error.
    uncited: list

    @property
    def not_yet(self):
        return [r for r in self.rows if r.article.status == ProgramArticle.Status.NOT_YET]

    @property
    def unapplied(self):
        """Articles the catalogue says the portal applies, yet nothing that runs cites."""
        applied = {ProgramArticle.Status.APPLIED, ProgramArticle.Status.PARTIAL}
        return [r for r in self.rows if r.article.status in applied and not r.measures]

    def counts(self) -> list[tuple[str, int]]:
        return [(label, sum(1 for r in self.rows if r.article.status == value))
                for value, label in ProgramArticle.Status.choices]


def program_register(program: AwardProgram) -> Register:
    articles = list(program.articles.all())
    keys = {a.key for a in articles}
    measures = _eligibility_measures(program)
    for provider in PROVIDERS:
        measures.extend(provider(program))
    by_key: dict[str, list] = {k: [] for k in keys}
    uncited = []
    for measure in measures:
        known = [k for k in measure.articles if k in keys]
        if not known or len(known) < len(measure.articles):
            uncited.append(measure)
        for key in known:
            by_key[key].append(measure)
    rows = []
    for article in articles:
        own = _setting_measures(program, article) + _transition_measures(article)
        rows.append(RegisterRow(article, own + by_key[article.key]))
    return Register(program, rows, uncited)
