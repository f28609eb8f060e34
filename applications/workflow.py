"""The application pipeline: every transition in one table, and the one service that runs them.

Read the table top to bottom to see the whole pipeline (docs/architecture.md). Each transition
names its source states, target, the roles that may trigger it and its guards. Guards owned by
other modules (completeness of the form, no confirmed disqualifying big-data flag …) are
contributed at start-up through `register_guard`, so the table stays here and the dependencies
point down.

A transition whose requirements go beyond guards (a stamped form and a `Recommendation` row, a
frozen organisation snapshot) names its `owner`: the one service that runs it. The transition
service refuses such an action from anyone else, so the generic endpoints (the page, the API,
the round's bulk action) cannot reach around it.

`application_transition` is the only code that writes `Application.state`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from award_portal.audit import audit_record
from award_portal.roles import Role, has_role, primary_role

from .enums import BEFORE_AWARD_STATES, TERMINAL_STATES, Action, ApplicationState, RoundPhase, RuleOutcome
from .models import Application, StateChange, Tier
from .routing import recommender_refusal, round_date

S = ApplicationState
A = Action
OFFICE = frozenset({Role.OFFICE})


class TransitionError(Exception):
    """A refused transition. `code` says why: state, role, guard, stale, unknown."""

    def __init__(self, message, code):
        super().__init__(message)
        self.code = code
        self.message = message


# A guard returns None when the transition may go ahead, or the reason (translated) it may not.
Guard = Callable[..., str | None]


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset
    target: str
    roles: frozenset
    guards: tuple = ()
    needs_reason: bool = False
    needs_tier: bool = False
    # Programs without recommending authorities (Hangzhou: applicants file directly with the
    # bureau) have the office take the recommender's part in this transition.
    office_when_no_recommender: bool = False
    staff_label: str = ""
    public_label: str = ""
    #: What the button that runs it says: an imperative verb ("Approve" / "批准"). The labels
    #: above name what happened, for history rows and the applicant's view.
    verb: str = ""
    #: The service that alone runs this transition (dotted path), or "" for any caller.
    owner: str = ""
    extra_guards: list = field(default_factory=list, compare=False, hash=False)


# --- Guards owned by this app -------------------------------------------------------------

def round_in_phase(*phases):
    def guard(application, **_kw):
        if application.round.phase not in phases:
            labels = "、".join(str(RoundPhase(p).label) for p in phases)
            return _("The round is in phase “%(phase)s”; this is possible only in: %(phases)s.") % {
                "phase": application.round.get_phase_display(), "phases": labels}
        return None
    guard.__name__ = f"round_in_phase({','.join(phases)})"
    guard.phases = frozenset(phases)
    return guard


def before_deadline(application, **_kw):
    """The application deadline; an application returned for revision may come back until the
    end of the recommendation period (when the round sets one)."""
    rnd = application.round
    if application.state == S.RETURNED and rnd.recommendation_deadline:
        if timezone.localdate() > rnd.recommendation_deadline:
            return _("The recommendation period ended on %(deadline)s.") % {
                "deadline": date_format(rnd.recommendation_deadline)}
        return None
    if timezone.now() > rnd.application_deadline:
        return _("The application deadline (%(deadline)s) has passed.") % {
            "deadline": date_format(timezone.localtime(rnd.application_deadline), "DATETIME_FORMAT")}
    return None


def recommender_chosen(application, **_kw):
    """An authority is chosen, and one the applicant may report to (Beijing art. 16: its industry
    authority or the bureau of the district where it is registered)."""
    program = application.round.program
    if program.requires_recommendation and application.recommender_id is None:
        return _("Choose the recommending authority before submitting.")
    if application.recommender_id is not None:
        return recommender_refusal(application.organization, application.recommender, program,
                                   on=round_date(application.round))
    return None


def eligibility_all_pass(application, **_kw):
    results = list(application.rule_results.filter(rule__active=True).select_related("rule"))
    if not results:
        return _("The eligibility rules have not been evaluated yet.")
    open_ = [r for r in results if r.effective_outcome != RuleOutcome.PASS]
    if open_:
        return _("%(n)s eligibility rule(s) have not passed or still await the office's decision.") % {
            "n": len(open_)}
    return None


def eligibility_failure_confirmed(application, **_kw):
    if not application.rule_results.filter(decision="confirmed").exists():
        return _("Confirm at least one failing eligibility rule (with its reason) before marking the "
                 "application ineligible.")
    return None


def tier_quota_free(application, tier=None, **_kw):
    if tier is None or tier.program_id != application.round.program_id:
        return _("Choose one of this program's tiers.")
    taken = Application.objects.filter(round=application.round, tier=tier).exclude(pk=application.pk).exclude(
        state__in=TERMINAL_STATES).count()
    if taken >= tier.quota:
        return _("The quota of %(tier)s (%(quota)s) is already filled.") % {"tier": tier.name, "quota": tier.quota}
    return None


SUBMIT_OWNER = "applications.drafts.application_submit"
RECOMMEND_OWNER = "applications.recommendation.recommendation_endorse"
RETURN_OWNER = "applications.recommendation.recommendation_return"

# --- The table ----------------------------------------------------------------------------

TRANSITIONS: dict[str, Transition] = {t.action: t for t in [
    Transition(A.SUBMIT, frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED, frozenset({Role.APPLICANT}),
               (round_in_phase(RoundPhase.APPLICATIONS_OPEN, RoundPhase.RECOMMENDATION), before_deadline,
                recommender_chosen), owner=SUBMIT_OWNER,
               verb=gettext_lazy("Submit the application"),
               staff_label=gettext_lazy("Applicant submitted"), public_label=gettext_lazy("Submitted")),
    Transition(A.WITHDRAW, frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED}), S.WITHDRAWN,
               frozenset({Role.APPLICANT}), needs_reason=True,
               verb=gettext_lazy("Withdraw"),
               staff_label=gettext_lazy("Applicant withdrew"), public_label=gettext_lazy("Withdrawn")),
    Transition(A.RETURN, frozenset({S.SUBMITTED}), S.RETURNED, frozenset({Role.RECOMMENDER, Role.OFFICE}),
               (round_in_phase(RoundPhase.APPLICATIONS_OPEN, RoundPhase.RECOMMENDATION),), needs_reason=True,
               office_when_no_recommender=True, owner=RETURN_OWNER,
               verb=gettext_lazy("Return for revision"),
               staff_label=gettext_lazy("Recommender returned it"), public_label=gettext_lazy("Returned for revision")),
    Transition(A.RECOMMEND, frozenset({S.SUBMITTED}), S.RECOMMENDED, frozenset({Role.RECOMMENDER, Role.OFFICE}),
               (round_in_phase(RoundPhase.APPLICATIONS_OPEN, RoundPhase.RECOMMENDATION),),
               office_when_no_recommender=True, owner=RECOMMEND_OWNER,
               verb=gettext_lazy("Recommend"),
               staff_label=gettext_lazy("Recommender endorsed it"), public_label=gettext_lazy("Recommended")),
    Transition(A.MARK_ELIGIBLE, frozenset({S.RECOMMENDED}), S.ELIGIBLE, OFFICE,
               (round_in_phase(RoundPhase.ELIGIBILITY), eligibility_all_pass),
               verb=gettext_lazy("Mark eligible"),
               staff_label=gettext_lazy("Office found it eligible"), public_label=gettext_lazy("Eligible")),
    Transition(A.MARK_INELIGIBLE, frozenset({S.RECOMMENDED}), S.INELIGIBLE, OFFICE,
               (round_in_phase(RoundPhase.ELIGIBILITY), eligibility_failure_confirmed), needs_reason=True,
               verb=gettext_lazy("Mark ineligible"),
               staff_label=gettext_lazy("Office found it ineligible"), public_label=gettext_lazy("Ineligible")),
    Transition(A.START_MATERIAL_REVIEW, frozenset({S.ELIGIBLE}), S.IN_MATERIAL_REVIEW, OFFICE,
               (round_in_phase(RoundPhase.MATERIAL_REVIEW),),
               verb=gettext_lazy("Start material review"),
               staff_label=gettext_lazy("Material review started"), public_label=gettext_lazy("In material review")),
    Transition(A.ADVANCE_TO_SITE_REVIEW, frozenset({S.IN_MATERIAL_REVIEW}), S.IN_SITE_REVIEW, OFFICE,
               (round_in_phase(RoundPhase.MATERIAL_REVIEW, RoundPhase.SITE_REVIEW),),
               verb=gettext_lazy("Select for site review"),
               staff_label=gettext_lazy("Selected for site review"), public_label=gettext_lazy("Selected for site review")),
    Transition(A.NOT_ADVANCE, frozenset({S.IN_MATERIAL_REVIEW}), S.NOT_ADVANCED, OFFICE,
               (round_in_phase(RoundPhase.MATERIAL_REVIEW, RoundPhase.SITE_REVIEW),), needs_reason=True,
               verb=gettext_lazy("Do not select for site review"),
               staff_label=gettext_lazy("Not selected for site review"), public_label=gettext_lazy("Not selected for site review")),
    Transition(A.SHORTLIST, frozenset({S.IN_SITE_REVIEW}), S.IN_DELIBERATION, OFFICE,
               (round_in_phase(RoundPhase.SITE_REVIEW, RoundPhase.DELIBERATION),),
               verb=gettext_lazy("Shortlist"),
               staff_label=gettext_lazy("Shortlisted for deliberation"), public_label=gettext_lazy("Shortlisted")),
    Transition(A.NOT_SHORTLIST, frozenset({S.IN_SITE_REVIEW}), S.NOT_SHORTLISTED, OFFICE,
               (round_in_phase(RoundPhase.SITE_REVIEW, RoundPhase.DELIBERATION),), needs_reason=True,
               verb=gettext_lazy("Do not shortlist"),
               staff_label=gettext_lazy("Not shortlisted"), public_label=gettext_lazy("Not shortlisted")),
    Transition(A.PROPOSE, frozenset({S.IN_DELIBERATION}), S.PROPOSED, OFFICE,
               (round_in_phase(RoundPhase.DELIBERATION), tier_quota_free), needs_tier=True,
               owner="deliberation.meetings.meeting_conclude",
               verb=gettext_lazy("Propose for a tier"),
               staff_label=gettext_lazy("Committee proposed it for a tier"), public_label=gettext_lazy("Proposed for the award")),
    Transition(A.NOT_PROPOSE, frozenset({S.IN_DELIBERATION}), S.NOT_PROPOSED, OFFICE,
               (round_in_phase(RoundPhase.DELIBERATION),), needs_reason=True,
               owner="deliberation.meetings.meeting_conclude",
               verb=gettext_lazy("Do not propose"),
               staff_label=gettext_lazy("Committee did not propose it"), public_label=gettext_lazy("Not proposed")),
    Transition(A.START_NOTICE, frozenset({S.PROPOSED}), S.IN_PUBLIC_NOTICE, OFFICE,
               (round_in_phase(RoundPhase.PUBLIC_NOTICE),), owner="notices.publication.notice_publish",
               verb=gettext_lazy("Start public notice"),
               staff_label=gettext_lazy("Put on public notice"), public_label=gettext_lazy("In public notice")),
    Transition(A.WITHDRAW_AFTER_OBJECTION, frozenset({S.IN_PUBLIC_NOTICE}), S.WITHDRAWN_AFTER_OBJECTION, OFFICE,
               (round_in_phase(RoundPhase.PUBLIC_NOTICE, RoundPhase.APPROVAL),), needs_reason=True,
               owner="notices.objections.objection_decide",
               verb=gettext_lazy("Withdraw after objection"),
               staff_label=gettext_lazy("Withdrawn after a sustained objection"),
               public_label=gettext_lazy("Withdrawn after objection")),
    Transition(A.APPROVE, frozenset({S.IN_PUBLIC_NOTICE}), S.APPROVED, OFFICE,
               (round_in_phase(RoundPhase.APPROVAL),), owner="awards.approval.approval_record",
               verb=gettext_lazy("Approve"),
               staff_label=gettext_lazy("Government approval recorded"), public_label=gettext_lazy("Approved")),
    Transition(A.AWARD, frozenset({S.APPROVED}), S.AWARDED, OFFICE,
               (round_in_phase(RoundPhase.APPROVAL, RoundPhase.CLOSED),), owner="awards.approval.award_confer",
               verb=gettext_lazy("Confer the award"),
               staff_label=gettext_lazy("Award conferred"), public_label=gettext_lazy("Awarded")),
    Transition(A.REVOKE, frozenset({S.AWARDED}), S.REVOKED, OFFICE, (), needs_reason=True,
               owner="monitoring.revocation.revocation_approve",
               verb=gettext_lazy("Revoke the award"),
               staff_label=gettext_lazy("Award revoked"), public_label=gettext_lazy("Award revoked")),
    # Fraud or improper means found before the award is conferred: the applicant loses its place
    # at whatever stage it has reached (Beijing 2020 art. 24 "尚未授奖的，取消其评选资格").
    Transition(A.DISQUALIFY, BEFORE_AWARD_STATES, S.DISQUALIFIED, OFFICE, (), needs_reason=True,
               verb=gettext_lazy("Disqualify"),
               staff_label=gettext_lazy("Disqualified by the office"), public_label=gettext_lazy("Disqualified")),
]}


def register_guard(action: str, guard: Guard):
    """Let another app add a guard to a transition (called from its AppConfig.ready)."""
    transition = TRANSITIONS[action]
    if guard not in transition.extra_guards:
        transition.extra_guards.append(guard)


#: Where the office runs an owned transition for a round: {action: fn(round) -> URL}, registered
#: by the owning app (the round dashboard links there instead of offering a button).
OWNER_PAGES: dict[str, Callable] = {}


def register_owner_page(action: str, url_for_round: Callable) -> None:
    OWNER_PAGES[action] = url_for_round


#: Callbacks run after a transition commits: fn(application, change). Notifications hook in here.
AFTER_COMMIT_HOOKS: list[Callable] = []


def guards_of(transition: Transition):
    return list(transition.guards) + list(transition.extra_guards)


# --- Who may act on which application -----------------------------------------------------

def actor_relation_ok(role: str, application, actor) -> bool:
    """Object-level check beneath the role: an applicant acts only for their own organisation,
    a recommender only on applications routed to their authority."""
    if role == Role.APPLICANT:
        return application.organization.memberships.filter(user=actor).exists()
    if role == Role.RECOMMENDER:
        return application.recommender_id is not None and application.recommender.members.filter(
            pk=actor.pk).exists()
    return True


def acting_role(transition: Transition, application, actor) -> str | None:
    """The role under which `actor` may run `transition` on `application`, or None."""
    if actor is None:
        return None
    roles = set(transition.roles)
    if transition.office_when_no_recommender:
        roles.discard(Role.RECOMMENDER if not application.round.program.requires_recommendation else Role.OFFICE)
    for role in roles:
        if has_role(actor, role) and actor_relation_ok(role, application, actor):
            return str(role)
    if getattr(actor, "is_superuser", False) and Role.OFFICE in roles:
        return "admin"
    return None


def check_transition(application, action: str, actor, *, owner: str = "", **params) -> Transition:
    """Raise TransitionError when `actor` may not run `action` now; return the transition.

    `owner` is the calling service's name: an owned transition is refused to any other caller.
    """
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionError(_("Unknown action “%(action)s”.") % {"action": action}, "unknown")
    if application.state not in transition.sources:
        raise TransitionError(
            _("“%(action)s” is not possible while the application is “%(state)s” (someone may have been "
              "faster).") % {"action": Action(action).label, "state": application.get_state_display()},
            "state")
    if acting_role(transition, application, actor) is None:
        raise TransitionError(
            _("You may not “%(action)s” this application.") % {"action": Action(action).label}, "role")
    if transition.owner and owner != transition.owner:
        raise TransitionError(
            _("“%(action)s” has its own form (with the documents and records it requires); use it.")
            % {"action": Action(action).label}, "owned")
    if transition.needs_reason and not (params.get("reason") or "").strip():
        raise TransitionError(_("Give a reason: it is recorded and shown to the applicant."), "reason")
    if transition.needs_tier and params.get("tier") is None:
        raise TransitionError(_("Choose a tier."), "tier")
    for guard in guards_of(transition):
        message = guard(application, actor=actor, **params)
        if message:
            raise TransitionError(message, "guard")
    return transition


def available_actions(application, actor) -> list[Transition]:
    """Transitions `actor` could run now (guards not evaluated: they explain themselves on use)."""
    return [t for t in TRANSITIONS.values()
            if application.state in t.sources and acting_role(t, application, actor)]


@transaction.atomic
def application_transition(*, application_id: int, action: str, actor, reason: str = "", tier=None,
                           feedback: str | None = None, expected_state: str | None = None, owner: str = ""):
    """Run one transition.

    Locks the application row, checks state, role and guards after the lock, writes the new
    state (and tier), one `StateChange` row and one audit event in this transaction, and runs
    the after-commit hooks (notifications) once the transaction commits. Owned transitions
    (`Transition.owner`) run only when their owner passes its name as `owner`.
    """
    application = (Application.objects.select_for_update(of=("self",))
                   .select_related("round__program", "organization").get(pk=application_id))
    if tier is not None:
        # Lock the tier too: two proposals of different applications for its last place would
        # otherwise both count the place as free (tier_quota_free) and both be written.
        list(Tier.objects.select_for_update().filter(pk=tier.pk))
    if expected_state is not None and application.state != expected_state:
        raise TransitionError(_("The application changed in the meantime; reload the page."), "stale")
    transition = check_transition(application, action, actor, owner=owner, reason=reason, tier=tier)
    role = acting_role(transition, application, actor) or primary_role(actor) or ""
    before = {"state": application.state, "tier": application.tier_id}
    application.state = transition.target
    application.state_changed_at = timezone.now()
    fields = ["state", "state_changed_at", "updated_at"]
    if transition.needs_tier:
        application.tier = tier
        fields.append("tier")
    if action == A.SUBMIT:
        application.submitted_at = application.state_changed_at
        fields.append("submitted_at")
    if feedback is not None or transition.needs_reason:
        application.feedback = feedback if feedback is not None else reason
        fields.append("feedback")
    application.save(update_fields=fields)
    change = StateChange.objects.create(
        application=application, action=action, from_state=before["state"], to_state=transition.target,
        actor=actor, role=role, reason=reason, tier=tier if transition.needs_tier else None)
    audit_record(action=f"application.{action}", obj=application, actor=actor, role=role,
                 before=before, after={"state": application.state, "tier": application.tier_id,
                                       "reason": reason})
    for hook in AFTER_COMMIT_HOOKS:
        transaction.on_commit(lambda hook=hook: hook(application, change))
    return application


def transitions_in_phase(phase: str) -> list[Transition]:
    """The transitions a round's current phase allows (read from their phase guards)."""
    return [t for t in TRANSITIONS.values()
            if any(phase in getattr(g, "phases", ()) for g in t.guards)]


def describe_table() -> list[dict]:
    """The table as rows, for the `pipeline` management command and the docs."""
    rows = []
    for t in TRANSITIONS.values():
        rows.append({
            "action": t.action,
            "from": sorted(t.sources),
            "to": t.target,
            "roles": sorted(str(r) for r in t.roles),
            "guards": [getattr(g, "__name__", repr(g)) for g in guards_of(t)],
            "reason": t.needs_reason,
            "tier": t.needs_tier,
            "owner": t.owner,
        })
    return rows
