"""What a round's current phase must have finished before the round may move on.

`round_phase_blockers(rnd)` lists the reasons (translated) the round may not leave its phase now;
the service `round_advance_phase` refuses with this list and the round dashboard shows it before
the button, so both ask the same question. Three kinds of blocker:

* the phase's deadline has not passed (applications until the application deadline, the
  recommendation period until its end, when the round sets one);
* applications are still in a state the phase must resolve. These states are read from the
  transition table (`workflow.TRANSITIONS`): the sources of every transition that the current
  phase allows and the next one does not. A source whose transitions are all barred by their
  own deadline (a draft after the application deadline: `workflow.before_deadline`) can no
  longer move and does not hold the round;
* a public notice of the phase is unpublished, still running or has undecided objections: asked
  of the providers in `NOTICE_BLOCKER_PROVIDERS`, which the notices app fills from its ready()
  with its `PublicNotice` records (applications imports no higher app).
"""


from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .enums import PHASE_ORDER, ApplicationState, NoticeStage, RoundPhase
from .models import Application, Round
from .workflow import TRANSITIONS, Transition, before_deadline

#: The phase during which each notice runs (published when the round enters the phase).
NOTICE_PHASES = {
    NoticeStage.MATERIAL_REVIEW_LIST: RoundPhase.MATERIAL_REVIEW,
    NoticeStage.SITE_REVIEW_LIST: RoundPhase.SITE_REVIEW,
    NoticeStage.PROPOSED_WINNERS: RoundPhase.PUBLIC_NOTICE,
}


def _phases_of(transition: Transition) -> frozenset:
    phases = set()
    for guard in transition.guards:
        phases |= getattr(guard, "phases", frozenset())
    return frozenset(phases)


def phase_only_transitions(phase: str) -> list[Transition]:
    """Transitions the phase allows and the next phase does not (the phase's unfinished business)."""
    index = PHASE_ORDER.index(RoundPhase(phase))
    following = PHASE_ORDER[index + 1] if index + 1 < len(PHASE_ORDER) else None
    return [t for t in TRANSITIONS.values() if phase in _phases_of(t) and following not in _phases_of(t)]


def blocking_states(phase: str) -> frozenset:
    """States an application must have left before the round leaves `phase` (from the table)."""
    states = set()
    for transition in phase_only_transitions(phase):
        states |= transition.sources
    return frozenset(states)


def _still_movable(application, transitions) -> bool:
    """Some of the phase's own transitions from the application's state is not past its deadline."""
    for transition in transitions:
        if application.state not in transition.sources:
            continue
        if before_deadline not in transition.guards or before_deadline(application) is None:
            return True
    return False


def _deadline_blockers(rnd: Round) -> list[str]:
    if rnd.phase == RoundPhase.APPLICATIONS_OPEN and timezone.now() <= rnd.application_deadline:
        return [_("The application deadline (%(deadline)s) has not passed yet.") % {
            "deadline": date_format(timezone.localtime(rnd.application_deadline), "DATETIME_FORMAT")}]
    if (rnd.phase == RoundPhase.RECOMMENDATION and rnd.recommendation_deadline
            and timezone.localdate() <= rnd.recommendation_deadline):
        return [_("The recommendation period runs until %(deadline)s.") % {
            "deadline": date_format(rnd.recommendation_deadline)}]
    return []


def _state_blockers(rnd: Round) -> list[str]:
    transitions = phase_only_transitions(rnd.phase)
    states = blocking_states(rnd.phase)
    if not states:
        return []
    waiting = (Application.objects.filter(round=rnd, state__in=states).select_related("round")
               .only("id", "state", "round__application_deadline", "round__recommendation_deadline"))
    counts: dict[str, int] = {}
    for application in waiting:
        if _still_movable(application, transitions):
            counts[application.state] = counts.get(application.state, 0) + 1
    return [_("%(n)s application(s) still “%(state)s”: this phase must resolve them first.") % {
        "n": counts[state], "state": ApplicationState(state).label} for state in sorted(counts)]


#: fn(round) -> list of translated reasons a notice of the round's phase holds it (notices.guards).
NOTICE_BLOCKER_PROVIDERS: list = []


def register_notice_blockers(provider) -> None:
    """Let the notices app say which of the round's notices hold its phase (once per provider)."""
    if provider not in NOTICE_BLOCKER_PROVIDERS:
        NOTICE_BLOCKER_PROVIDERS.append(provider)


def _notice_blockers(rnd: Round) -> list[str]:
    return [reason for provider in NOTICE_BLOCKER_PROVIDERS for reason in provider(rnd)]


def round_phase_blockers(rnd: Round) -> list[str]:
    """Why the round may not move to its next phase now; empty when it may (or when it is closed)."""
    if rnd.next_phase is None:
        return []
    return _deadline_blockers(rnd) + _state_blockers(rnd) + _notice_blockers(rnd)


def phase_allows(transition: Transition, application) -> bool:
    """The round's current phase allows `transition` (its phase guards pass; others explain
    themselves on use)."""
    return all(guard(application) is None for guard in transition.guards if getattr(guard, "phases", None))

