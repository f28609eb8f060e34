"""The transition table and the one transition service, walked transition by transition.

Every transition is run from each of its source states by each of its roles with its guards
satisfied, and refused from every other state, for every other role, when a guard fails and
when a required reason is missing. Refusals must leave no trace: no state change, no history
row, no audit entry.
"""

import re
import threading
import time
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone, translation

from applications import workflow
from applications.enums import PHASE_ORDER, Action, ApplicationState, RoundPhase
from applications.models import Application, RuleResult, StateChange
from applications.services import (
    application_create,
    eligibility_evaluate,
    round_advance_phase,
    rule_result_decide,
)
from applications.workflow import (
    TRANSITIONS,
    TransitionError,
    available_actions,
    check_transition,
    describe_table,
    register_guard,
)
from applications.workflow import application_transition as run_transition
from award_portal.audit import AuditEvent, audit_events_for
from award_portal.roles import Role

from .factories import (
    make_application,
    make_org,
    make_program,
    make_recommender,
    make_round,
    make_submittable,
    make_tier,
)
from .support import ROUND_END_APPS

pytestmark = pytest.mark.django_db

A, S, P = Action, ApplicationState, RoundPhase

#: The phases in which each transition's round guard lets it through, read from the rules
#: independently of the table (a test below checks the two agree).
ALLOWED_PHASES = {
    A.SUBMIT: {P.APPLICATIONS_OPEN, P.RECOMMENDATION},
    A.WITHDRAW: set(P),
    A.RETURN: {P.APPLICATIONS_OPEN, P.RECOMMENDATION},
    A.RECOMMEND: {P.APPLICATIONS_OPEN, P.RECOMMENDATION},
    A.MARK_ELIGIBLE: {P.ELIGIBILITY},
    A.MARK_INELIGIBLE: {P.ELIGIBILITY},
    A.START_MATERIAL_REVIEW: {P.MATERIAL_REVIEW},
    A.ADVANCE_TO_SITE_REVIEW: {P.MATERIAL_REVIEW, P.SITE_REVIEW},
    A.NOT_ADVANCE: {P.MATERIAL_REVIEW, P.SITE_REVIEW},
    A.SHORTLIST: {P.SITE_REVIEW, P.DELIBERATION},
    A.NOT_SHORTLIST: {P.SITE_REVIEW, P.DELIBERATION},
    A.PROPOSE: {P.DELIBERATION},
    A.NOT_PROPOSE: {P.DELIBERATION},
    A.START_NOTICE: {P.PUBLIC_NOTICE},
    A.WITHDRAW_AFTER_OBJECTION: {P.PUBLIC_NOTICE, P.APPROVAL},
    A.APPROVE: {P.APPROVAL},
    A.AWARD: {P.APPROVAL, P.CLOSED},
    A.REVOKE: set(P),
    A.DISQUALIFY: set(P),
}
ACTIONS = list(TRANSITIONS)
#: Guards other apps registered at start-up, less those of the round's end (taken off for every
#: test here: their own records are tested in their apps); tests that add their own must leave just these.
GUARDS_AT_START = {a: [g for g in t.extra_guards if not getattr(g, "__module__", "").startswith(ROUND_END_APPS)]
                   for a, t in TRANSITIONS.items()}
#: Everyone who might try: the seven roles and the anonymous visitor.
ALL_ACTORS = [*Role, None]
REASON = "材料与现场核实不符，详见附件。"
DECLARATION_KEY = "no_major_accident"


def application_transition(**kwargs):
    """The table's own mechanics: an owned transition is run as its owning service runs it (the
    refusal of everyone else is tested in test_generic_endpoints.py)."""
    transition = TRANSITIONS.get(kwargs["action"])
    kwargs.setdefault("owner", transition.owner if transition else "")
    return run_transition(**kwargs)


def roles_for(transition, program) -> set:
    """The roles that may run `transition` in `program`: where a program routes applications
    without a recommending authority, the office takes the recommender's part, and otherwise
    the office stays out of it."""
    roles = set(transition.roles)
    if getattr(transition, "office_when_no_recommender", False):
        roles.discard(Role.RECOMMENDER if not program.requires_recommendation else Role.OFFICE)
    return roles


def phase_for(action) -> str:
    """The earliest phase in which `action` may run."""
    return min(ALLOWED_PHASES[action], key=PHASE_ORDER.index)


def source_pairs():
    return [pytest.param(t.action, s, id=f"{t.action}-from-{s}")
            for t in TRANSITIONS.values() for s in sorted(t.sources)]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _table_mechanics(without_round_end_guards):
    """The table's own mechanics: the signed vote, the notice and the approval records the round's
    end adds as guards are tested in tests/deliberation, tests/notices and tests/awards."""


@pytest.fixture
def world(make_user):
    """One program with a declaration rule and a one-place tier, one user per role.

    The applicant is a member of every organisation `world.application` creates and the
    recommender user is staff of the authority every application is routed to, so a refusal
    by role is about the role and nothing else.
    """
    actors = {role: make_user(role) for role in Role}
    actors[None] = None
    program = make_program(rules=[("declaration", {"key": DECLARATION_KEY, "text": "近三年未发生重大质量事故"})])
    recommender = make_recommender(program, members=[actors[Role.RECOMMENDER]])
    tier = make_tier(program, quota=1)
    rounds = {}

    def round_in(phase):
        if phase not in rounds:
            rounds[phase] = make_round(program, phase=phase)
        return rounds[phase]

    def application(state, phase, **fields):
        org = make_org(members=[actors[Role.APPLICANT]])
        return make_application(round_in(phase), org, state=state, **{"recommender": recommender, **fields})

    return SimpleNamespace(actors=actors, program=program, recommender=recommender, tier=tier,
                           round_in=round_in, application=application, office=actors[Role.OFFICE])


def declare(application, value):
    application.declarations = {DECLARATION_KEY: value}
    application.save(update_fields=["declarations"])


def prepare(world, application, action) -> dict:
    """Satisfy the guards of `action` beyond the round's phase; return its extra arguments."""
    transition = TRANSITIONS[action]
    if action == A.SUBMIT and application.state in transition.sources:
        make_submittable(application, world.actors[Role.APPLICANT])
        application.refresh_from_db()
    elif action == A.MARK_ELIGIBLE and application.state == S.RECOMMENDED:
        declare(application, True)
        eligibility_evaluate(application_id=application.pk)
    elif action == A.MARK_INELIGIBLE and application.state == S.RECOMMENDED:
        declare(application, False)
        [result] = eligibility_evaluate(application_id=application.pk)
        rule_result_decide(result_id=result.pk, decision=RuleResult.Decision.CONFIRMED,
                           reason="申报时未能声明", actor=world.office)
    kwargs = {}
    if transition.needs_reason:
        kwargs["reason"] = REASON
    if transition.needs_tier:
        kwargs["tier"] = world.tier
    return kwargs


def allowed_actor(world, action):
    return world.actors[sorted(roles_for(TRANSITIONS[action], world.program))[0]]


TRANSITION_AUDIT_ACTIONS = [f"application.{a}" for a in Action]


def application_audit(application):
    """The audit entries of the application's transitions (not of its form, files or rules)."""
    return list(audit_events_for(application).filter(action__in=TRANSITION_AUDIT_ACTIONS)
                .values_list("action", "actor_id", "role", "before", "after"))


def refused(application, action, actor, **kwargs) -> TransitionError:
    """Run a transition that must be refused; check it left no trace and return the error."""
    before = Application.objects.get(pk=application.pk)
    with pytest.raises(TransitionError) as info:
        application_transition(application_id=application.pk, action=action, actor=actor, **kwargs)
    after = Application.objects.get(pk=application.pk)
    assert (after.state, after.tier_id, after.feedback) == (before.state, before.tier_id, before.feedback)
    assert StateChange.objects.filter(application=application).count() == 0
    assert application_audit(application) == []
    assert str(info.value.message)
    return info.value


# --- The table itself -------------------------------------------------------------------------


def test_table_every_transition_has_test_setup():
    assert set(ALLOWED_PHASES) == set(TRANSITIONS) == set(Action)


def test_table_round_guards_match_the_phases_this_test_expects():
    for row in describe_table():
        named = [g for g in row["guards"] if g.startswith("round_in_phase(")]
        phases = set(re.fullmatch(r"round_in_phase\((.*)\)", named[0]).group(1).split(",")) if named else set(P)
        assert (row["action"], phases) == (row["action"], ALLOWED_PHASES[row["action"]])


def test_table_targets_and_sources_are_states():
    for transition in TRANSITIONS.values():
        assert transition.target in set(S)
        assert transition.sources and transition.sources <= set(S)
        assert transition.roles <= set(Role)


# --- Allowed ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("action", "source"), source_pairs())
def test_transition_allowed_for_its_roles_from_source(world, action, source):
    transition = TRANSITIONS[action]
    for role in sorted(roles_for(transition, world.program)):
        actor = world.actors[role]
        application = world.application(source, phase_for(action))
        kwargs = prepare(world, application, action)

        returned = application_transition(application_id=application.pk, action=action, actor=actor, **kwargs)

        application.refresh_from_db()
        assert (returned.state, application.state) == (transition.target, transition.target)
        changes = list(StateChange.objects.filter(application=application).values_list(
            "action", "from_state", "to_state", "actor_id", "role", "reason", "tier_id"))
        tier_id = world.tier.pk if transition.needs_tier else None
        assert changes == [(action, source, transition.target, actor.pk, str(role), kwargs.get("reason", ""),
                            tier_id)]
        assert application_audit(application) == [(
            f"application.{action}", actor.pk, str(role), {"state": source, "tier": None},
            {"state": transition.target, "tier": tier_id, "reason": kwargs.get("reason", "")})]
        assert application.tier_id == tier_id
        assert application.state_changed_at is not None
        if transition.needs_reason:
            assert application.feedback == REASON


def test_submit_sets_submitted_at(world):
    application = world.application(S.DRAFT, P.APPLICATIONS_OPEN)
    make_submittable(application, world.actors[Role.APPLICANT])

    application_transition(application_id=application.pk, action=A.SUBMIT, actor=world.actors[Role.APPLICANT])

    application.refresh_from_db()
    assert application.submitted_at == application.state_changed_at


def test_superuser_runs_office_transitions_as_admin(world, make_user):
    admin = make_user(is_superuser=True)
    application = world.application(S.ELIGIBLE, P.MATERIAL_REVIEW)

    application_transition(application_id=application.pk, action=A.START_MATERIAL_REVIEW, actor=admin)

    assert list(StateChange.objects.filter(application=application).values_list("actor_id", "role")) == [
        (admin.pk, "admin")]
    draft = world.application(S.DRAFT, P.APPLICATIONS_OPEN)
    assert refused(draft, A.SUBMIT, admin).code == "role"


def test_after_commit_hooks_run_once_after_commit(world, django_capture_on_commit_callbacks, monkeypatch):
    calls = []
    monkeypatch.setattr(workflow, "AFTER_COMMIT_HOOKS", [lambda app, change: calls.append((app.pk, change.action))])
    application = world.application(S.SUBMITTED, P.RECOMMENDATION)

    with django_capture_on_commit_callbacks(execute=True):
        application_transition(application_id=application.pk, action=A.RECOMMEND,
                               actor=world.actors[Role.RECOMMENDER])
        assert calls == []

    assert calls == [(application.pk, A.RECOMMEND)]


def test_available_actions_lists_what_the_actor_may_try(world):
    application = world.application(S.DRAFT, P.APPLICATIONS_OPEN)

    assert {t.action for t in available_actions(application, world.actors[Role.APPLICANT])} == {A.SUBMIT, A.WITHDRAW}
    assert available_actions(application, world.office) == []
    assert available_actions(application, None) == []


# --- Refused: state, role, reason, tier -------------------------------------------------------


@pytest.mark.parametrize("action", ACTIONS)
def test_transition_refused_from_every_other_state(world, action):
    transition = TRANSITIONS[action]
    actor = allowed_actor(world, action)
    for state in sorted(set(S) - transition.sources):
        application = world.application(state, phase_for(action))
        kwargs = prepare(world, application, action)

        error = refused(application, action, actor, **kwargs)

        assert (state, error.code) == (state, "state")


@pytest.mark.parametrize("action", ACTIONS)
def test_transition_refused_for_every_other_role(world, action):
    transition = TRANSITIONS[action]
    source = sorted(transition.sources)[0]
    allowed = roles_for(transition, world.program)
    for role in [r for r in ALL_ACTORS if r not in allowed]:
        application = world.application(source, phase_for(action))
        kwargs = prepare(world, application, action)

        error = refused(application, action, world.actors[role], **kwargs)

        assert (role, error.code) == (role, "role")


@pytest.mark.parametrize("action", [A.RETURN, A.RECOMMEND])
def test_without_recommendation_the_office_takes_the_recommenders_part(world, action):
    world.program.requires_recommendation = False
    world.program.save(update_fields=["requires_recommendation"])
    transition = TRANSITIONS[action]
    assert roles_for(transition, world.program) == {Role.OFFICE}
    refused_app = world.application(S.SUBMITTED, phase_for(action))
    kwargs = prepare(world, refused_app, action)

    assert refused(refused_app, action, world.actors[Role.RECOMMENDER], **kwargs).code == "role"

    application = world.application(S.SUBMITTED, phase_for(action), recommender=None)
    application_transition(application_id=application.pk, action=action, actor=world.office, **kwargs)
    assert list(StateChange.objects.filter(application=application).values_list("to_state", "role")) == [
        (transition.target, "office")]


@pytest.mark.parametrize("action", [A.SUBMIT, A.WITHDRAW])
def test_applicant_of_another_organisation_refused(world, make_user, action):
    stranger = make_user(Role.APPLICANT)
    make_org(members=[stranger])
    application = world.application(sorted(TRANSITIONS[action].sources)[0], phase_for(action))

    assert refused(application, action, stranger, **prepare(world, application, action)).code == "role"


@pytest.mark.parametrize("action", [A.RETURN, A.RECOMMEND])
def test_recommender_of_another_authority_refused(world, make_user, action):
    stranger = make_user(Role.RECOMMENDER)
    make_recommender(world.program, members=[stranger])
    application = world.application(S.SUBMITTED, phase_for(action))

    assert refused(application, action, stranger, **prepare(world, application, action)).code == "role"


def test_recommender_refused_when_no_authority_chosen(world):
    application = world.application(S.SUBMITTED, P.RECOMMENDATION, recommender=None)

    assert refused(application, A.RECOMMEND, world.actors[Role.RECOMMENDER]).code == "role"


@pytest.mark.parametrize("action", [t.action for t in TRANSITIONS.values() if t.needs_reason])
@pytest.mark.parametrize("reason", ["", "   \n"])
def test_transition_without_reason_refused(world, action, reason):
    application = world.application(sorted(TRANSITIONS[action].sources)[0], phase_for(action))
    kwargs = {**prepare(world, application, action), "reason": reason}

    assert refused(application, action, allowed_actor(world, action), **kwargs).code == "reason"


def test_propose_without_tier_refused(world):
    application = world.application(S.IN_DELIBERATION, P.DELIBERATION)

    assert refused(application, A.PROPOSE, world.office).code == "tier"


def test_unknown_action_refused(world):
    application = world.application(S.DRAFT, P.APPLICATIONS_OPEN)

    assert refused(application, "publish", world.office).code == "unknown"


def test_stale_expected_state_refused(world):
    application = world.application(S.SUBMITTED, P.RECOMMENDATION)

    error = refused(application, A.RECOMMEND, world.actors[Role.RECOMMENDER], expected_state=S.DRAFT)

    assert error.code == "stale"


# --- Refused by guards ------------------------------------------------------------------------


@pytest.mark.parametrize("action", [a for a in ACTIONS if ALLOWED_PHASES[a] != set(P)])
def test_transition_refused_in_wrong_phase(world, action):
    source = sorted(TRANSITIONS[action].sources)[0]
    for phase in [p for p in PHASE_ORDER if p not in ALLOWED_PHASES[action]]:
        application = world.application(source, phase)
        kwargs = prepare(world, application, action)

        error = refused(application, action, allowed_actor(world, action), **kwargs)

        assert (phase, error.code) == (phase, "guard")
        assert f"The round is in phase “{P(phase).label}”" in error.message


def test_submit_after_deadline_refused(world):
    application = world.application(S.DRAFT, P.APPLICATIONS_OPEN)
    application.round.application_deadline = timezone.now() - timezone.timedelta(minutes=1)
    application.round.save(update_fields=["application_deadline"])

    error = refused(application, A.SUBMIT, world.actors[Role.APPLICANT])

    assert error.code == "guard"
    assert "deadline" in error.message and "has passed" in error.message


def test_submit_without_recommender_refused(world):
    application = world.application(S.DRAFT, P.APPLICATIONS_OPEN, recommender=None)

    error = refused(application, A.SUBMIT, world.actors[Role.APPLICANT])

    assert (error.code, error.message) == ("guard", "Choose the recommending authority before submitting.")


def test_submit_without_recommender_allowed_when_program_needs_none(world):
    world.program.requires_recommendation = False
    world.program.save(update_fields=["requires_recommendation"])
    world.program.recommenders.clear()
    application = world.application(S.DRAFT, P.APPLICATIONS_OPEN, recommender=None)
    make_submittable(application, world.actors[Role.APPLICANT])

    application_transition(application_id=application.pk, action=A.SUBMIT, actor=world.actors[Role.APPLICANT])

    assert Application.objects.get(pk=application.pk).state == S.SUBMITTED


def test_propose_quota_full_refused(world):
    make_application(world.round_in(P.DELIBERATION), make_org(), state=S.PROPOSED, tier=world.tier)
    application = world.application(S.IN_DELIBERATION, P.DELIBERATION)

    error = refused(application, A.PROPOSE, world.office, tier=world.tier)

    assert error.code == "guard"
    assert "quota" in error.message and "already filled" in error.message


@pytest.mark.parametrize("state", [S.NOT_PROPOSED, S.WITHDRAWN_AFTER_OBJECTION, S.REVOKED, S.WITHDRAWN])
def test_propose_place_given_up_by_another_counts_as_free(world, state):
    make_application(world.round_in(P.DELIBERATION), make_org(), state=state, tier=world.tier)
    application = world.application(S.IN_DELIBERATION, P.DELIBERATION)

    application_transition(application_id=application.pk, action=A.PROPOSE, actor=world.office, tier=world.tier)

    assert Application.objects.get(pk=application.pk).tier == world.tier


def test_propose_quota_of_another_round_does_not_count(world):
    make_application(make_round(world.program, phase=P.DELIBERATION), make_org(), state=S.PROPOSED,
                     tier=world.tier)
    application = world.application(S.IN_DELIBERATION, P.DELIBERATION)

    application_transition(application_id=application.pk, action=A.PROPOSE, actor=world.office, tier=world.tier)

    assert Application.objects.get(pk=application.pk).state == S.PROPOSED


def test_propose_tier_of_another_program_refused(world):
    foreign = make_tier(make_program(), quota=5)
    application = world.application(S.IN_DELIBERATION, P.DELIBERATION)

    error = refused(application, A.PROPOSE, world.office, tier=foreign)

    assert (error.code, error.message) == ("guard", "Choose one of this program's tiers.")


def test_mark_eligible_not_evaluated_refused(world):
    application = world.application(S.RECOMMENDED, P.ELIGIBILITY)

    error = refused(application, A.MARK_ELIGIBLE, world.office)

    assert (error.code, error.message) == ("guard", "The eligibility rules have not been evaluated yet.")


def test_mark_eligible_with_undecided_doubtful_rule_refused(world):
    application = world.application(S.RECOMMENDED, P.ELIGIBILITY)
    eligibility_evaluate(application_id=application.pk)  # no declaration: needs review

    error = refused(application, A.MARK_ELIGIBLE, world.office)

    assert error.code == "guard"
    assert "1 eligibility rule(s) have not passed" in error.message


def test_mark_ineligible_without_confirmed_failure_refused(world):
    application = world.application(S.RECOMMENDED, P.ELIGIBILITY)
    declare(application, False)
    eligibility_evaluate(application_id=application.pk)  # fails, but the office has not confirmed it

    error = refused(application, A.MARK_INELIGIBLE, world.office, reason=REASON)

    assert error.code == "guard"
    assert "Confirm at least one failing eligibility rule" in error.message


@pytest.fixture
def extra_guard():
    """Registers guards for one test and removes them afterwards: the table is module state."""
    added = []

    def add(action, guard):
        register_guard(action, guard)
        added.append((action, guard))

    yield add
    for action, guard in added:
        if guard in TRANSITIONS[action].extra_guards:
            TRANSITIONS[action].extra_guards.remove(guard)


def test_register_guard_can_refuse(world, extra_guard):
    seen = []

    def no_open_flags(application, **kwargs):
        seen.append((application.pk, sorted(kwargs)))
        return "A disqualifying big-data flag is still open."

    extra_guard(A.RECOMMEND, no_open_flags)
    extra_guard(A.RECOMMEND, no_open_flags)  # registering twice changes nothing
    application = world.application(S.SUBMITTED, P.RECOMMENDATION)
    recommender = world.actors[Role.RECOMMENDER]

    error = refused(application, A.RECOMMEND, recommender)

    assert (error.code, error.message) == ("guard", "A disqualifying big-data flag is still open.")
    assert seen == [(application.pk, ["actor", "reason", "tier"])]
    assert TRANSITIONS[A.RECOMMEND].extra_guards.count(no_open_flags) == 1
    assert "no_open_flags" in next(r for r in describe_table() if r["action"] == A.RECOMMEND)["guards"]


def test_register_guard_that_lets_through(world, extra_guard):
    extra_guard(A.RECOMMEND, lambda application, **kwargs: None)
    application = world.application(S.SUBMITTED, P.RECOMMENDATION)

    application_transition(application_id=application.pk, action=A.RECOMMEND, actor=world.actors[Role.RECOMMENDER])

    assert Application.objects.get(pk=application.pk).state == S.RECOMMENDED


def test_register_guard_cleanup_leaves_table_clean():
    # Runs after the two tests above in file order; a leaked guard would show here.
    assert {a: list(t.extra_guards) for a, t in TRANSITIONS.items()} == GUARDS_AT_START


# --- Every (state, action) pair ---------------------------------------------------------------


@pytest.mark.parametrize("state", list(S))
def test_check_transition_refuses_state_exactly_outside_sources(world, state):
    for action, transition in TRANSITIONS.items():
        application = world.application(state, phase_for(action))
        kwargs = prepare(world, application, action)
        actor = allowed_actor(world, action)
        if state in transition.sources:
            assert check_transition(application, action, actor, owner=transition.owner, **kwargs) is transition
        else:
            with pytest.raises(TransitionError) as info:
                check_transition(application, action, actor, owner=transition.owner, **kwargs)
            assert (action, info.value.code) == (action, "state")


# --- The whole journey ------------------------------------------------------------------------


def test_happy_path_draft_to_revoked_timeline(world):
    applicant, recommender, office = (world.actors[r] for r in (Role.APPLICANT, Role.RECOMMENDER, Role.OFFICE))
    org = make_org(members=[applicant])
    rnd = make_round(world.program, phase=P.APPLICATIONS_OPEN)
    application = application_create(round_id=rnd.pk, organization_id=org.pk, actor=applicant)
    application.recommender = world.recommender
    application.save(update_fields=["recommender"])
    make_submittable(application, applicant)
    declare(application, True)

    def run(action, actor, **kwargs):
        application_transition(application_id=application.pk, action=action, actor=actor, **kwargs)

    def advance():
        # The walk does not wait for deadlines; the phase guards have tests of their own.
        round_advance_phase(round_id=rnd.pk, actor=office, check_blockers=False)

    run(A.SUBMIT, applicant)
    advance()  # recommendation
    run(A.RETURN, recommender, reason="请补充近三年财务数据")
    run(A.SUBMIT, applicant)
    run(A.RECOMMEND, recommender)
    advance()  # eligibility
    eligibility_evaluate(application_id=application.pk, actor=office)
    run(A.MARK_ELIGIBLE, office)
    advance()  # material review
    run(A.START_MATERIAL_REVIEW, office)
    run(A.ADVANCE_TO_SITE_REVIEW, office)
    advance()  # site review
    run(A.SHORTLIST, office)
    advance()  # deliberation
    run(A.PROPOSE, office, tier=world.tier)
    advance()  # public notice
    run(A.START_NOTICE, office)
    advance()  # approval
    run(A.APPROVE, office)
    run(A.AWARD, office)
    advance()  # closed
    run(A.REVOKE, office, reason="获奖后两年内发生重大质量事故")

    timeline = list(StateChange.objects.filter(application=application).values_list(
        "action", "from_state", "to_state", "role"))
    assert timeline == [
        (A.SUBMIT, S.DRAFT, S.SUBMITTED, "applicant"),
        (A.RETURN, S.SUBMITTED, S.RETURNED, "recommender"),
        (A.SUBMIT, S.RETURNED, S.SUBMITTED, "applicant"),
        (A.RECOMMEND, S.SUBMITTED, S.RECOMMENDED, "recommender"),
        (A.MARK_ELIGIBLE, S.RECOMMENDED, S.ELIGIBLE, "office"),
        (A.START_MATERIAL_REVIEW, S.ELIGIBLE, S.IN_MATERIAL_REVIEW, "office"),
        (A.ADVANCE_TO_SITE_REVIEW, S.IN_MATERIAL_REVIEW, S.IN_SITE_REVIEW, "office"),
        (A.SHORTLIST, S.IN_SITE_REVIEW, S.IN_DELIBERATION, "office"),
        (A.PROPOSE, S.IN_DELIBERATION, S.PROPOSED, "office"),
        (A.START_NOTICE, S.PROPOSED, S.IN_PUBLIC_NOTICE, "office"),
        (A.APPROVE, S.IN_PUBLIC_NOTICE, S.APPROVED, "office"),
        (A.AWARD, S.APPROVED, S.AWARDED, "office"),
        (A.REVOKE, S.AWARDED, S.REVOKED, "office"),
    ]
    assert [e[0] for e in application_audit(application)] == [f"application.{t[0]}" for t in timeline]
    created = list(StateChange.objects.filter(application=application).values_list("created_at", flat=True))
    assert created == sorted(created)
    application.refresh_from_db()
    last_submit = StateChange.objects.filter(application=application, action=A.SUBMIT).last()
    assert (application.state, application.tier, application.feedback) == (
        S.REVOKED, world.tier, "获奖后两年内发生重大质量事故")
    # submitted_at is the time of the last submission (set from the same clock reading as the
    # state change, a moment before the StateChange row's own timestamp).
    assert application.submitted_at <= last_submit.created_at
    assert application.submitted_at > StateChange.objects.get(application=application, action=A.RETURN).created_at
    assert rnd.phase_changes.count() == 8


# --- Concurrency (PostgreSQL: SQLite ignores select_for_update) -------------------------------

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks need PostgreSQL: SQLite ignores select_for_update and serialises whole-database writes",
)


def race(*attempts) -> list:
    """Run the attempts, each (application_id, action, actor_id, kwargs), in threads at once;
    return what each got: "ok" or the TransitionError's code."""
    barrier = threading.Barrier(len(attempts))
    outcomes = []

    def attempt(application_id, action, actor_id, kwargs):
        try:
            actor = get_user_model().objects.get(pk=actor_id)
            barrier.wait(timeout=10)
            application_transition(application_id=application_id, action=action, actor=actor, **kwargs)
            outcomes.append("ok")
        except TransitionError as exc:
            outcomes.append(exc.code)
        except Exception as exc:  # noqa: BLE001 - surfaced in the assertion, not swallowed
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=args) for args in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


@pytest.fixture
def slow_guard():
    """Holds the row lock a little while inside the transition, so the two threads overlap."""
    def slow(application, **kwargs):
        time.sleep(0.3)
        return None

    guards = []
    for action in (A.RECOMMEND, A.MARK_ELIGIBLE, A.PROPOSE):
        register_guard(action, slow)
        guards.append(TRANSITIONS[action].extra_guards)
    yield
    for extra in guards:
        extra.remove(slow)


@postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("action", [A.RECOMMEND, A.MARK_ELIGIBLE])
def test_concurrent_double_click_one_wins(world, slow_guard, action):
    source = sorted(TRANSITIONS[action].sources)[0]
    application = world.application(source, phase_for(action))
    kwargs = prepare(world, application, action)
    actor = allowed_actor(world, action)

    outcomes = race(*[(application.pk, action, actor.pk, kwargs)] * 2)

    assert outcomes == ["ok", "state"]
    assert StateChange.objects.filter(application=application).count() == 1
    assert AuditEvent.objects.filter(action=f"application.{action}", object_id=str(application.pk)).count() == 1
    assert Application.objects.get(pk=application.pk).state == TRANSITIONS[action].target


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_proposals_for_the_last_place_one_wins(world, slow_guard):
    first, second = (world.application(S.IN_DELIBERATION, P.DELIBERATION) for _ in range(2))
    office = world.office.pk

    outcomes = race((first.pk, A.PROPOSE, office, {"tier": world.tier}),
                    (second.pk, A.PROPOSE, office, {"tier": world.tier}))

    assert outcomes == ["guard", "ok"]
    assert Application.objects.filter(tier=world.tier).count() == 1
    assert StateChange.objects.filter(action=A.PROPOSE).count() == 1
