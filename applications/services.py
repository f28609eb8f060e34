"""Writes that change state, one function per use case. Each is transactional and audited."""

import datetime

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from award_portal.audit import audit_record
from award_portal.models import User
from award_portal.roles import Role, is_office

from .eligibility import EligibilityContext, evaluate_rule
from .enums import PHASE_ORDER, RoundPhase, RuleOutcome
from .models import Application, AwardProgram, Membership, Organization, PhaseChange, Round, RuleResult
from .permissions import can_decide_rule_results, in_eligibility_review
from .phase_guards import round_phase_blockers
from .workflow import TRANSITIONS, TransitionError, application_transition


@transaction.atomic
def round_save(*, rnd: Round, actor) -> Round:
    """Create or edit a round (admin). The program row is locked so that two rounds created at
    once cannot both pass the cycle check (`Round.cycle_problem`); audited."""
    if not is_office(actor) and not getattr(actor, "is_superuser", False):
        raise PermissionDenied
    AwardProgram.objects.select_for_update().get(pk=rnd.program_id)
    rnd.full_clean()
    created = rnd.pk is None
    rnd.save()
    audit_record(action="round.create" if created else "round.edit", obj=rnd, actor=actor,
                 after={"program": rnd.program_id, "edition": rnd.edition, "year": rnd.year})
    return rnd


@transaction.atomic
def round_advance_phase(*, round_id: int, actor, to_phase: str | None = None, note: str = "",
                        check_blockers: bool = True) -> Round:
    """Move a round to its next phase (only forward, one step). Audited.

    Refuses, with the whole list, while the phase has unfinished business
    (`phase_guards.round_phase_blockers`: deadline, applications the phase must resolve, notice
    periods). Checked after the round's row lock, so it holds against a concurrent change of the
    phase. `check_blockers=False` is for `round_set_phase_for_demo` alone (demo data and test set-up).
    """
    if not is_office(actor):
        raise PermissionDenied
    rnd = Round.objects.select_for_update().get(pk=round_id)
    expected = rnd.next_phase
    if expected is None:
        raise ValidationError(_("The round is closed."))
    if to_phase is not None and to_phase != expected:
        raise ValidationError(_("A round moves one phase at a time: the next phase is “%(next)s”.")
                              % {"next": RoundPhase(expected).label})
    blockers = round_phase_blockers(rnd) if check_blockers else []
    if blockers:
        raise ValidationError([_("The round cannot move to “%(next)s” yet:") % {"next": RoundPhase(expected).label},
                               *blockers])
    before = rnd.phase
    rnd.phase = expected
    rnd.save(update_fields=["phase"])
    PhaseChange.objects.create(round=rnd, from_phase=before, to_phase=expected, actor=actor, note=note)
    audit_record(action="round.phase", obj=rnd, actor=actor, before={"phase": before},
                 after={"phase": expected, "note": note})
    return rnd


def round_set_phase_for_demo(rnd: Round, phase: str):
    """Demo data and tests: walk a round forward to `phase` through the audited service."""
    target = PHASE_ORDER.index(RoundPhase(phase))
    while PHASE_ORDER.index(RoundPhase(rnd.phase)) < target:
        rnd = round_advance_phase(round_id=rnd.pk, actor=system_office_user(), check_blockers=False)
    return rnd


def system_office_user():
    """An inactive office account that demo data and tests act as (audited as "system")."""
    user, created = User.objects.get_or_create(username="system", defaults={"full_name": "系统", "is_active": False})
    if created:
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get_or_create(name=str(Role.OFFICE))[0])
    return user


def next_application_number(rnd: Round) -> str:
    prefix = f"{rnd.program.code.upper()}{rnd.year}-"
    count = Application.objects.filter(round=rnd).count() + 1
    number = f"{prefix}{count:04d}"
    while Application.objects.filter(number=number).exists():
        count += 1
        number = f"{prefix}{count:04d}"
    return number


@transaction.atomic
def application_create(*, round_id: int, organization_id: int, actor) -> Application:
    """Open a draft for an organisation in a round that accepts applications."""
    rnd = Round.objects.select_for_update().get(pk=round_id)
    org = Organization.objects.get(pk=organization_id)
    if not is_office(actor) and not Membership.objects.filter(user=actor, organization=org).exists():
        raise PermissionDenied
    if rnd.phase != RoundPhase.APPLICATIONS_OPEN:
        raise ValidationError(_("This round does not accept applications now."))
    if timezone.now() > rnd.application_deadline:
        raise ValidationError(_("The application deadline has passed."))
    if Application.objects.filter(round=rnd, organization=org).exists():
        raise ValidationError(_("%(org)s already has an application in this round.") % {"org": org.name})
    application = Application.objects.create(round=rnd, organization=org, number=next_application_number(rnd),
                                             created_by=actor)
    audit_record(action="application.create", obj=application, actor=actor, after={"state": application.state})
    return application


def eligibility_reference_date(application) -> datetime.date:
    return timezone.localtime(application.round.application_deadline).date()


class EligibilityClosed(ValidationError):
    """The application has left eligibility review: its rule results are on record."""


def _eligibility_closed(application):
    return EligibilityClosed(
        _("Application %(number)s is no longer in eligibility review (it is “%(state)s”): its eligibility "
          "results are on record and can no longer be changed.")
        % {"number": application.number, "state": application.get_state_display()})


@transaction.atomic
def eligibility_evaluate(*, application_id: int, actor=None) -> list[RuleResult]:
    """Evaluate every active rule of the program for one application; keep decisions whose
    outcome did not change, reset those whose outcome changed (new facts need a new decision).

    Only while the application is in eligibility review; `actor` None is the background task
    started by the recommendation, any other actor must be allowed to decide rule results."""
    application = (Application.objects.select_for_update(of=("self",))
                   .select_related("round__program", "organization").get(pk=application_id))
    if actor is not None and not is_office(actor):
        raise PermissionDenied
    if not in_eligibility_review(application):
        raise _eligibility_closed(application)
    ctx = EligibilityContext(application=application, reference_date=eligibility_reference_date(application))
    existing = {r.rule_id: r for r in application.rule_results.all()}
    results = []
    for rule in application.round.program.eligibility_rules.filter(active=True):
        # The reason in both languages: the Chinese is the record, the English for English pages.
        with translation.override("zh-hans"):
            verdict = evaluate_rule(rule, ctx)
        with translation.override("en"):
            reason_en = evaluate_rule(rule, ctx).reason
        result = existing.get(rule.pk)
        if result is None:
            result = RuleResult(application=application, rule=rule)
        elif result.outcome != verdict.outcome:
            result.decision, result.decision_reason, result.decided_by, result.decided_at = "", "", None, None
        result.outcome, result.reason, result.reason_en = verdict.outcome, verdict.reason, reason_en
        result.save()
        results.append(result)
    summary = {}
    for r in results:
        summary[r.outcome] = summary.get(r.outcome, 0) + 1
    audit_record(action="eligibility.evaluate", obj=application, actor=actor, after=summary)
    return results


@transaction.atomic
def rule_result_decide(*, result_id: int, decision: str, reason: str, actor) -> RuleResult:
    """The office confirms or overrides a failing / doubtful rule result, with a written reason."""
    if not is_office(actor):
        raise PermissionDenied
    if decision not in (RuleResult.Decision.CONFIRMED, RuleResult.Decision.OVERRIDDEN):
        raise ValidationError(_("Unknown decision."))
    if not reason.strip():
        raise ValidationError(_("Write the reason for the decision: it is recorded in the audit trail."))
    # The application first (the order every writer takes), then the result.
    application_id = RuleResult.objects.values_list("application_id", flat=True).get(pk=result_id)
    application = Application.objects.select_for_update().get(pk=application_id)
    if not can_decide_rule_results(actor, application):
        raise _eligibility_closed(application)
    result = RuleResult.objects.select_for_update().select_related("application").get(pk=result_id)
    if result.outcome == RuleOutcome.PASS:
        raise ValidationError(_("This rule passed; only failing or doubtful results need a decision."))
    before = {"decision": result.decision, "outcome": result.outcome}
    result.decision, result.decision_reason = decision, reason.strip()
    result.decided_by, result.decided_at = actor, timezone.now()
    result.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at"])
    audit_record(action=f"eligibility.{decision}", obj=result.application, actor=actor, before=before,
                 after={"rule": result.rule_id, "decision": decision, "reason": reason.strip()})
    return result


def round_bulk_transition(*, round_id: int, action: str, actor) -> dict:
    """Run one transition on every application of the round in its source states, each in its own
    transaction (a refusal of one does not undo the others). Returns counts and the refusals."""
    if not is_office(actor):
        raise PermissionDenied
    transition = TRANSITIONS[action]
    if transition.owner:
        raise ValidationError(_("This action has its own form; take it one application at a time."))
    if transition.needs_reason or transition.needs_tier:
        raise ValidationError(_("This action needs a reason or a tier for each application; take it one by one."))
    done, refused = 0, []
    for application in Application.objects.filter(round_id=round_id, state__in=transition.sources).order_by("number"):
        try:
            application_transition(application_id=application.pk, action=action, actor=actor)
            done += 1
        except TransitionError as exc:
            refused.append((application.number, exc.message))
    return {"done": done, "refused": refused}
