"""The meeting: preparation, attendance, recusals, reports and minutes, sign-off and conclusion.

Every function is one use case: keyword-only, transactional, the meeting row locked, audited in
the same transaction. Once anyone has signed, the record is frozen (`Meeting.frozen`).
`meeting_conclude` is the owner of the pipeline's `propose` and `not_propose`.
"""

import hashlib
import json

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from applications.enums import Action as A
from applications.enums import ApplicationState, RoundPhase
from applications.models import Application, Round
from applications.workflow import application_transition
from award_portal.audit import audit_record
from award_portal.roles import Role, has_role

from . import permissions
from .models import Candidate, Meeting, MeetingMember, Recusal, Vote

#: The service that alone runs `propose` and `not_propose` (applications/workflow.py).
CONCLUDE_OWNER = "deliberation.meetings.meeting_conclude"


class DeliberationError(Exception):
    """A refused deliberation step, with a message for the user (translated)."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


def _locked_meeting(meeting_id) -> Meeting:
    return Meeting.objects.select_for_update().select_related("round__program").get(pk=meeting_id)


def _require_office(actor):
    if not permissions.can_manage(actor):
        raise DeliberationError(_("Only the review office may do this."))


def _require_unfrozen(meeting):
    if meeting.frozen:
        raise DeliberationError(_("The minutes and tally have been signed: the record can no longer change."))


def _require_no_open_vote(meeting):
    if meeting.votes.filter(status=Vote.Status.OPEN).exists():
        raise DeliberationError(_("A vote is open: close it first."))


def _users(ids):
    User = get_user_model()
    return list(User.objects.filter(pk__in=ids))


@transaction.atomic
def meeting_save(*, round_id: int, actor, held_at, place: str, member_ids, chair_id=None,
                 quorum_numerator: int = 2, quorum_denominator: int = 3, office_report: str = "",
                 supervision_report: str = "", minutes: str = "") -> Meeting:
    """Create or update the round's meeting: date, place, the members called and the chair, the
    quorum, the office's and the supervision group's reports and the minutes.

    Side effects: one `Meeting` row (created or updated), its `MeetingMember` rows, one audit entry
    `deliberation.meeting_saved`. Members must hold the committee role; once a vote has opened the
    list of members no longer changes (the rolls were made from it)."""
    _require_office(actor)
    rnd = Round.objects.select_for_update().select_related("program").get(pk=round_id)
    if rnd.phase not in permissions.PREPARE_PHASES:
        raise DeliberationError(_("The meeting is prepared during site review or deliberation; the round is in "
                                  "phase “%(phase)s”.") % {"phase": rnd.get_phase_display()})
    if not (place or "").strip():
        raise DeliberationError(_("Give the place of the meeting."), "place")
    if not (0 < quorum_numerator <= quorum_denominator):
        raise DeliberationError(_("The quorum must be a fraction between 0 and 1 (e.g. 2/3)."), "quorum_numerator")
    member_ids = {int(m) for m in member_ids}
    members = _users(member_ids)
    outsiders = [u.display_name for u in members if not has_role(u, Role.COMMITTEE)]
    if outsiders or len(members) != len(member_ids):
        raise DeliberationError(_("Only committee members may be called: %(names)s.") % {
            "names": "、".join(outsiders) or "?"}, "members")
    if chair_id is not None and int(chair_id) not in member_ids:
        raise DeliberationError(_("The chair must be one of the members called."), "chair")
    meeting = Meeting.objects.select_for_update().filter(round=rnd).first()
    before = {}
    if meeting is None:
        meeting = Meeting(round=rnd, created_by=actor)
    else:
        _require_unfrozen(meeting)
        before = {"held_at": meeting.held_at, "place": meeting.place,
                  "members": sorted(meeting.members.values_list("user_id", flat=True))}
        current = set(meeting.members.values_list("user_id", flat=True))
        if current != member_ids and meeting.votes.exclude(status=Vote.Status.DRAFT).exists():
            raise DeliberationError(_("Votes have been opened: the members called can no longer change."), "members")
    meeting.held_at = held_at
    meeting.place = place.strip()
    meeting.quorum_numerator, meeting.quorum_denominator = quorum_numerator, quorum_denominator
    meeting.office_report, meeting.supervision_report, meeting.minutes = office_report, supervision_report, minutes
    meeting.save()
    meeting.members.exclude(user_id__in=member_ids).delete()
    existing = set(meeting.members.values_list("user_id", flat=True))
    MeetingMember.objects.bulk_create([MeetingMember(meeting=meeting, user_id=m) for m in member_ids - existing])
    meeting.members.filter(is_chair=True).exclude(user_id=chair_id).update(is_chair=False)
    if chair_id is not None:
        meeting.members.filter(user_id=chair_id).update(is_chair=True)
    audit_record(action="deliberation.meeting_saved", obj=meeting, actor=actor, before=before,
                 after={"held_at": meeting.held_at, "place": meeting.place, "members": sorted(member_ids),
                        "chair": chair_id, "quorum": f"{quorum_numerator}/{quorum_denominator}"})
    return meeting


@transaction.atomic
def attendance_record(*, meeting_id: int, actor, present_ids) -> Meeting:
    """Record which members are present. Not while a vote is open (its roll is the attendance at
    opening). Side effects: `MeetingMember.present`, audit `deliberation.attendance_recorded`."""
    _require_office(actor)
    meeting = _locked_meeting(meeting_id)
    _require_unfrozen(meeting)
    _require_no_open_vote(meeting)
    present_ids = {int(p) for p in present_ids}
    members = set(meeting.members.values_list("user_id", flat=True))
    if present_ids - members:
        raise DeliberationError(_("Only members called to the meeting can be present."), "present")
    meeting.members.update(present=False)
    meeting.members.filter(user_id__in=present_ids).update(present=True)
    audit_record(action="deliberation.attendance_recorded", obj=meeting, actor=actor,
                 after={"present": sorted(present_ids), "members": len(members),
                        "quorum": meeting.quorum_for(len(members))})
    return meeting


def quorum_state(meeting) -> dict:
    members = list(meeting.members.all())
    present = sum(1 for m in members if m.present)
    required = meeting.quorum_for(len(members))
    return {"members": len(members), "present": present, "required": required,
            "met": bool(members) and present >= required}


@transaction.atomic
def recusal_record(*, meeting_id: int, actor, member_id: int, application_id: int, reason: str) -> Recusal:
    """A member stands aside on an application (conflict of interest). Not while a vote is open,
    nor for an application already on a vote that has opened. Audit `deliberation.recusal_recorded`."""
    _require_office(actor)
    meeting = _locked_meeting(meeting_id)
    _require_unfrozen(meeting)
    _require_no_open_vote(meeting)
    if not (reason or "").strip():
        raise DeliberationError(_("Give the reason for the recusal."), "reason")
    if not meeting.members.filter(user_id=member_id).exists():
        raise DeliberationError(_("Only members called to the meeting can recuse themselves."), "member")
    application = Application.objects.filter(pk=application_id, round=meeting.round).first()
    if application is None:
        raise DeliberationError(_("Choose an application of this round."), "application")
    if Candidate.objects.filter(vote__meeting=meeting, application=application).exclude(
            vote__status=Vote.Status.DRAFT).exists():
        raise DeliberationError(_("This application has already been voted on: a recusal now would come too late."),
                                "application")
    recusal, created = Recusal.objects.get_or_create(
        meeting=meeting, member_id=member_id, application=application,
        defaults={"reason": reason.strip(), "recorded_by": actor})
    if not created:
        raise DeliberationError(_("This recusal is already recorded."), "member")
    audit_record(action="deliberation.recusal_recorded", obj=meeting, actor=actor,
                 after={"member": member_id, "application": application.pk, "reason": recusal.reason})
    return recusal


@transaction.atomic
def recusal_withdraw(*, recusal_id: int, actor) -> None:
    """Take back a recusal recorded by mistake (same limits as recording one)."""
    _require_office(actor)
    recusal = Recusal.objects.select_related("meeting").get(pk=recusal_id)
    meeting = _locked_meeting(recusal.meeting_id)
    _require_unfrozen(meeting)
    _require_no_open_vote(meeting)
    if Candidate.objects.filter(vote__meeting=meeting, application_id=recusal.application_id).exclude(
            vote__status=Vote.Status.DRAFT).exists():
        raise DeliberationError(_("This application has already been voted on: the recusal stays on record."))
    audit_record(action="deliberation.recusal_withdrawn", obj=meeting, actor=actor,
                 before={"member": recusal.member_id, "application": recusal.application_id, "reason": recusal.reason})
    recusal.delete()


def signed_content(meeting) -> dict:
    """What the chair and the supervisor sign: the record, every vote and its tally."""
    votes = []
    for vote in meeting.votes.select_related("tier").prefetch_related("candidates").order_by("number"):
        votes.append({
            "number": vote.number, "tier": vote.tier.code, "method": vote.method, "places": vote.places,
            "runoff_of": vote.runoff_of.number if vote.runoff_of_id else None,
            "electorate": vote.electorate, "ballots": vote.ballots_counted, "ballots_digest": vote.ballots_digest,
            "candidates": [{"application": c.application_id, "yes": c.yes, "no": c.no, "abstain": c.abstain,
                            "recused": c.recused, "outcome": c.outcome, "resolution": c.resolution,
                            "reason": c.resolution_reason} for c in vote.candidates.all()],
        })
    return {
        "round": meeting.round_id, "held_at": meeting.held_at.isoformat(), "place": meeting.place,
        "quorum": [meeting.quorum_numerator, meeting.quorum_denominator],
        "members": [[m.user_id, m.present, m.is_chair] for m in meeting.members.order_by("user_id")],
        "recusals": sorted([r.member_id, r.application_id, r.reason] for r in meeting.recusals.all()),
        "office_report": meeting.office_report, "supervision_report": meeting.supervision_report,
        "minutes": meeting.minutes, "votes": votes,
    }


def content_digest(meeting) -> str:
    canonical = json.dumps(signed_content(meeting), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def signoff_problems(meeting) -> list[str]:
    """Why the record cannot be signed yet (empty when it can)."""
    problems = []
    quorum = quorum_state(meeting)
    if not quorum["met"]:
        problems.append(_("The quorum is not met: %(present)s of %(members)s members present, %(required)s required.")
                        % quorum)
    if not meeting.minutes.strip():
        problems.append(_("Write the minutes."))
    if not meeting.office_report.strip():
        problems.append(_("Record the office's report."))
    if not meeting.supervision_report.strip():
        problems.append(_("Record the supervision group's report."))
    if not meeting.votes.exists():
        problems.append(_("No vote has been held."))
    if meeting.votes.exclude(status=Vote.Status.CLOSED).exists():
        problems.append(_("Every vote must be closed (or deleted while prepared)."))
    if Candidate.objects.filter(vote__meeting=meeting, outcome=Candidate.Outcome.TIED).exists():
        problems.append(_("A tie is not resolved: hold a further vote or record the committee's decision."))
    if not meeting.members.filter(is_chair=True).exists():
        problems.append(_("Name the chair of the meeting."))
    return problems


@transaction.atomic
def meeting_sign(*, meeting_id: int, actor) -> Meeting:
    """The chair signs, or a supervisor co-signs, the minutes and tally (over the same digest).

    Side effects: the signature fields and `signed_digest`; audit `deliberation.signed` with the
    digest and the signer's capacity."""
    meeting = _locked_meeting(meeting_id)
    capacity = permissions.sign_role(actor, meeting)
    if capacity is None:
        raise DeliberationError(_("You may not sign this record (only its chair and a supervisor, once each)."))
    problems = signoff_problems(meeting)
    if problems:
        raise DeliberationError(" ".join(str(p) for p in problems))
    digest = content_digest(meeting)
    if meeting.signed_digest and meeting.signed_digest != digest:
        raise DeliberationError(_("The record changed since the first signature; it cannot be co-signed."))
    meeting.signed_digest = digest
    now = timezone.now()
    if capacity == "chair":
        meeting.chair_signed_by, meeting.chair_signed_at = actor, now
    else:
        meeting.supervisor_signed_by, meeting.supervisor_signed_at = actor, now
    meeting.save(update_fields=["signed_digest", f"{capacity}_signed_by", f"{capacity}_signed_at"])
    audit_record(action="deliberation.signed", obj=meeting, actor=actor,
                 after={"as": capacity, "digest": digest})
    return meeting


def elected_tier(meeting, application_id):
    """The tier a closed vote of `meeting` carried the application into, or None."""
    row = (Candidate.objects.filter(vote__meeting=meeting, vote__status=Vote.Status.CLOSED,
                                    application_id=application_id, outcome=Candidate.Outcome.ELECTED)
           .select_related("vote__tier").order_by("vote__tier__rank").first())
    return row.vote.tier if row else None


@transaction.atomic
def meeting_conclude(*, meeting_id: int, actor) -> dict:
    """Move the round's finalists through the pipeline by the signed outcome: `propose` with the
    tier a vote carried them into, `not_propose` for the others (the reason names the meeting).

    Side effects: one transition per finalist (its `StateChange` and audit entry, notifications
    after commit), `Meeting.concluded_at`, audit `deliberation.concluded`. Any refusal (a guard:
    the floor, the quota, the phase) rolls the whole conclusion back."""
    from applications.workflow import TransitionError

    _require_office(actor)
    meeting = _locked_meeting(meeting_id)
    if not meeting.signed:
        raise DeliberationError(_("The minutes and tally must be signed by the chair and a supervisor first."))
    if meeting.concluded_at is not None:
        raise DeliberationError(_("The deliberation has already been concluded."))
    if meeting.round.phase != RoundPhase.DELIBERATION:
        raise DeliberationError(_("The round is in phase “%(phase)s”; the result is carried out during "
                                  "deliberation.") % {"phase": meeting.round.get_phase_display()})
    finalists = list(Application.objects.filter(round=meeting.round, state=ApplicationState.IN_DELIBERATION)
                     .select_related("organization").order_by("pk"))
    when = date_format(timezone.localtime(meeting.held_at).date())
    outcome = {"proposed": [], "not_proposed": []}
    try:
        for application in finalists:
            tier = elected_tier(meeting, application.pk)
            if tier is not None:
                application_transition(application_id=application.pk, action=A.PROPOSE, actor=actor, tier=tier,
                                       owner=CONCLUDE_OWNER, expected_state=ApplicationState.IN_DELIBERATION)
                outcome["proposed"].append((application.pk, tier.code))
            else:
                reason = _("Not carried by the award committee's vote at its meeting of %(date)s.") % {"date": when}
                application_transition(application_id=application.pk, action=A.NOT_PROPOSE, actor=actor,
                                       reason=reason, owner=CONCLUDE_OWNER,
                                       expected_state=ApplicationState.IN_DELIBERATION)
                outcome["not_proposed"].append(application.pk)
    except TransitionError as error:
        raise DeliberationError(_("%(organization)s: %(message)s") % {
            "organization": application.organization.name, "message": error.message}) from error
    meeting.concluded_at = timezone.now()
    meeting.save(update_fields=["concluded_at"])
    audit_record(action="deliberation.concluded", obj=meeting, actor=actor, after=outcome)
    return outcome
