"""Who may do what in the deliberation: the one vocabulary the services, pages, API and admin ask.

* The office prepares and runs the meeting (attendance, recusals, reports, minutes, votes,
  conclusion).
* Committee members read the dossier of a round whose meeting calls them (or, before the office
  has called anyone, of every round in deliberation), vote on the votes whose roll holds them, and
  the meeting's chair signs the minutes and tally.
* Supervisors read everything and co-sign.
* Anyone may check a receipt.
"""

from applications.enums import RoundPhase
from award_portal.roles import Role, has_role, is_office

from .models import Meeting, MeetingMember, VoterRoll

#: Phases in which the office may prepare the meeting (the dossier fills during site review).
PREPARE_PHASES = (RoundPhase.SITE_REVIEW, RoundPhase.DELIBERATION)


def can_manage(user) -> bool:
    return is_office(user)


def is_committee(user) -> bool:
    return has_role(user, Role.COMMITTEE)


def is_supervisor(user) -> bool:
    return has_role(user, Role.SUPERVISOR)


def can_use_deliberation(user) -> bool:
    """The menu entry and the list of rounds."""
    return getattr(user, "is_authenticated", False) and (is_office(user) or is_supervisor(user) or is_committee(user))


def is_member_of(user, meeting) -> bool:
    if meeting is None or not getattr(user, "is_authenticated", False):
        return False
    return MeetingMember.objects.filter(meeting=meeting, user=user).exists()


def can_read_round(user, rnd) -> bool:
    """The dossier, the meeting record and the tallies of a round."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_office(user) or is_supervisor(user):
        return True
    if not is_committee(user):
        return False
    meeting = Meeting.objects.filter(round=rnd).first()
    if meeting is None or not meeting.members.exists():
        return rnd.phase in PREPARE_PHASES
    return is_member_of(user, meeting)


def on_roll(user, vote) -> bool:
    """Whether `user` is on the roll of a secret ballot (present when it opened), voted or not."""
    return getattr(user, "is_authenticated", False) and VoterRoll.objects.filter(vote=vote, member=user).exists()


def can_cast(user, vote) -> bool:
    if not getattr(user, "is_authenticated", False) or vote.status != vote.Status.OPEN or not vote.secret:
        return False
    return VoterRoll.objects.filter(vote=vote, member=user, has_voted=False).exists()


def sign_role(user, meeting) -> str | None:
    """"chair" or "supervisor" when `user` may sign `meeting` now, else None."""
    if meeting is None or not getattr(user, "is_authenticated", False):
        return None
    if is_supervisor(user) and meeting.supervisor_signed_at is None:
        return "supervisor"
    if is_committee(user) and meeting.chair_signed_at is None and MeetingMember.objects.filter(
            meeting=meeting, user=user, is_chair=True).exists():
        return "chair"
    return None
