"""Votes per tier: the list of candidates, opening, the secret ballot with receipts, show of hands,
closing and the tally, ties resolved by a further vote or a recorded decision.

Secret ballot: the roll (`VoterRoll`, locked row per member) says who has voted; the ballot
(`Ballot`) carries no voter, no time and no sequence, and nothing in the audit trail names it. The
receipt is a random code shown once; the ballot stores only SHA-256("deliberation-receipt:" vote ":"
code). When the vote closes the ballots are counted and the table re-written in random order with
new ids, and the sorted receipt hashes are published with their digest: a member finds their hash
there (`receipt_check`), which proves the ballot was counted and says nothing of its content.
"""

import base64
import hashlib
import random
import re
import secrets
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import TERMINAL_STATES, ApplicationState, RoundPhase, VotingMethod
from applications.models import Application, Tier
from award_portal.audit import audit_record

from . import outcome as rule
from .meetings import DeliberationError, _locked_meeting, _require_office, _require_unfrozen, quorum_state
from .models import Ballot, Candidate, Recusal, Vote, VoterRoll

CHOICES = ("yes", "no", "abstain")


# --- Scores and the floor -------------------------------------------------------------------

def round_scores(rnd) -> dict[int, float]:
    """{application id: final score} (review.ranking.final_scores: site review, else material)."""
    from review.ranking import final_scores

    return final_scores(rnd)


def floor_problem(application, scores=None) -> str | None:
    """Why `application` is below the program's score floor (Anhui art. 11: 600 points), or None."""
    floor = application.round.program.score_floor
    if floor is None:
        return None
    scores = round_scores(application.round) if scores is None else scores
    score = scores.get(application.pk)
    if score is None:
        return _("The program requires at least %(floor)s points and %(organization)s has no final score.") % {
            "floor": floor, "organization": application.organization.name}
    if score < floor:
        return _("%(organization)s scored %(score)s, below the program's minimum of %(floor)s points.") % {
            "organization": application.organization.name, "score": score, "floor": floor}
    return None


# --- Places ---------------------------------------------------------------------------------

def places_left(meeting, tier) -> int:
    """The tier's quota less the places held in the round and those carried by this meeting's votes."""
    held = Application.objects.filter(round=meeting.round, tier=tier).exclude(state__in=TERMINAL_STATES).count()
    carried = Candidate.objects.filter(vote__meeting=meeting, vote__tier=tier, vote__runoff_of__isnull=True,
                                       outcome=Candidate.Outcome.ELECTED).count()
    return max(tier.quota - held - carried, 0)


def _elected_elsewhere(meeting) -> set[int]:
    return set(Candidate.objects.filter(vote__meeting=meeting, outcome__in=[Candidate.Outcome.ELECTED,
                                                                           Candidate.Outcome.TIED])
               .values_list("application_id", flat=True))


def eligible_candidates(meeting, scores=None):
    """Finalists that may still be put to a vote: in deliberation, not carried or tied in a vote of
    this meeting, not below the floor. Returns (applications, {application id: reason excluded})."""
    scores = round_scores(meeting.round) if scores is None else scores
    taken = _elected_elsewhere(meeting)
    ok, excluded = [], {}
    finalists = (Application.objects.filter(round=meeting.round, state=ApplicationState.IN_DELIBERATION)
                 .select_related("organization", "round__program"))
    for application in finalists:
        if application.pk in taken:
            excluded[application.pk] = _("already carried or tied in another vote")
            continue
        problem = floor_problem(application, scores)
        if problem:
            excluded[application.pk] = problem
            continue
        ok.append(application)
    ok.sort(key=lambda a: (-(scores.get(a.pk) or -1), a.pk))
    return ok, excluded


# --- Votes ----------------------------------------------------------------------------------

@transaction.atomic
def vote_create(*, meeting_id: int, actor, tier_id: int, application_ids=None) -> Vote:
    """Prepare a vote on a tier with its list of candidates (default: every eligible finalist, in
    order of final score). Refused while another vote is open or a tie awaits resolution.
    Side effects: one `Vote`, its `Candidate` rows, audit `deliberation.vote_created`."""
    _require_office(actor)
    meeting = _locked_meeting(meeting_id)
    _require_unfrozen(meeting)
    tier = Tier.objects.filter(pk=tier_id, program=meeting.round.program).first()
    if tier is None:
        raise DeliberationError(_("Choose one of this program's tiers."), "tier")
    if meeting.votes.filter(status=Vote.Status.OPEN).exists():
        raise DeliberationError(_("A vote is open: close it first."))
    if Candidate.objects.filter(vote__meeting=meeting, outcome=Candidate.Outcome.TIED).exists():
        raise DeliberationError(_("A tie is not resolved: hold a further vote or record the committee's decision."))
    places = places_left(meeting, tier)
    if places == 0:
        raise DeliberationError(_("Every place of %(tier)s is taken.") % {"tier": tier.name}, "tier")
    scores = round_scores(meeting.round)
    eligible, excluded = eligible_candidates(meeting, scores)
    if application_ids:
        wanted = {int(a) for a in application_ids}
        refused = [f"{a}: {excluded.get(a, _('not a finalist of this round'))}"
                   for a in sorted(wanted - {a.pk for a in eligible})]
        if refused:
            raise DeliberationError(_("These applications cannot be put to the vote: %(list)s") % {
                "list": "; ".join(str(r) for r in refused)}, "applications")
        eligible = [a for a in eligible if a.pk in wanted]
    if not eligible:
        raise DeliberationError(_("No finalist can be put to this vote."), "applications")
    vote = Vote.objects.create(meeting=meeting, number=(meeting.votes.count() + 1), tier=tier,
                               method=tier.voting_method, places=places)
    _add_candidates(vote, eligible, scores)
    audit_record(action="deliberation.vote_created", obj=meeting, actor=actor,
                 after={"vote": vote.number, "tier": tier.code, "method": vote.method, "places": places,
                        "candidates": [a.pk for a in eligible]})
    return vote


def _add_candidates(vote, applications, scores):
    Candidate.objects.bulk_create([
        Candidate(vote=vote, application=a, position=i,
                  final_score=(Decimal(str(scores[a.pk])) if scores.get(a.pk) is not None else None))
        for i, a in enumerate(applications, start=1)])


@transaction.atomic
def vote_delete(*, vote_id: int, actor) -> None:
    """Delete a vote that has not been opened (a list prepared by mistake)."""
    _require_office(actor)
    vote = Vote.objects.select_for_update().get(pk=vote_id)
    meeting = _locked_meeting(vote.meeting_id)
    _require_unfrozen(meeting)
    if vote.status != Vote.Status.DRAFT:
        raise DeliberationError(_("Only a vote that has not been opened can be deleted."))
    if vote.runoffs.exists():
        raise DeliberationError(_("Only a vote that has not been opened can be deleted."))
    audit_record(action="deliberation.vote_deleted", obj=meeting, actor=actor,
                 before={"vote": vote.number, "tier": vote.tier.code})
    vote.candidates.all().delete()
    vote.delete()


@transaction.atomic
def vote_open(*, vote_id: int, actor) -> Vote:
    """Open a vote: the round in deliberation, the quorum present, no other vote open. A secret
    ballot gets its roll: one row per member present. Audit `deliberation.vote_opened`."""
    _require_office(actor)
    vote = Vote.objects.select_for_update().select_related("tier").get(pk=vote_id)
    meeting = _locked_meeting(vote.meeting_id)
    _require_unfrozen(meeting)
    if vote.status != Vote.Status.DRAFT:
        raise DeliberationError(_("This vote has already been opened."))
    if meeting.round.phase != RoundPhase.DELIBERATION:
        raise DeliberationError(_("Votes are held while the round is in deliberation; it is in phase “%(phase)s”.")
                                % {"phase": meeting.round.get_phase_display()})
    if meeting.votes.filter(status=Vote.Status.OPEN).exists():
        raise DeliberationError(_("A vote is open: close it first."))
    quorum = quorum_state(meeting)
    if not quorum["met"]:
        raise DeliberationError(_("The quorum is not met: %(present)s of %(members)s members present, "
                                  "%(required)s required.") % quorum)
    present = list(meeting.members.filter(present=True).values_list("user_id", flat=True))
    vote.status, vote.opened_at, vote.electorate = Vote.Status.OPEN, timezone.now(), len(present)
    vote.save(update_fields=["status", "opened_at", "electorate"])
    if vote.secret:
        VoterRoll.objects.bulk_create([VoterRoll(vote=vote, member_id=m) for m in present])
    audit_record(action="deliberation.vote_opened", obj=meeting, actor=actor,
                 after={"vote": vote.number, "electorate": len(present), "method": vote.method})
    return vote


def recused_from(meeting, member) -> set[int]:
    return set(Recusal.objects.filter(meeting=meeting, member=member).values_list("application_id", flat=True))


def ballot_lines(vote, member):
    """The candidates `member` votes on (not those they stood aside from)."""
    recused = recused_from(vote.meeting, member)
    return [c for c in vote.candidates.select_related("application__organization") if c.application_id not in recused]


# --- Receipts -------------------------------------------------------------------------------

_RECEIPT = re.compile(r"^V(\d+)-([A-Z2-7]{4})-([A-Z2-7]{4})-([A-Z2-7]{4})-([A-Z2-7]{4})$")


def _new_receipt(vote) -> str:
    code = base64.b32encode(secrets.token_bytes(10)).decode()  # 80 random bits, 16 characters
    return f"V{vote.pk}-" + "-".join(code[i:i + 4] for i in range(0, 16, 4))


def receipt_hash(vote_id: int, receipt: str) -> str:
    return hashlib.sha256(f"deliberation-receipt:{vote_id}:{receipt}".encode()).hexdigest()


def normalise_receipt(text: str) -> str | None:
    compact = re.sub(r"[\s-]", "", (text or "").upper())
    match = re.match(r"^V(\d+)([A-Z2-7]{16})$", compact)
    if not match:
        return None
    code = match.group(2)
    return f"V{match.group(1)}-" + "-".join(code[i:i + 4] for i in range(0, 16, 4))


# --- Casting --------------------------------------------------------------------------------

@transaction.atomic
def ballot_cast(*, vote_id: int, actor, choices: dict) -> str:
    """Cast a secret ballot and return the receipt code (shown once, stored nowhere).

    `choices`: {candidate id: "yes" | "no" | "abstain"} for every candidate the member has not
    stood aside from; at most the vote's places in favour. The member's roll row is locked: a
    second ballot (double click, second tab, concurrent request) is refused.
    Side effects: one `Ballot` (no voter, no time), the roll row marked, audit `deliberation.voted`
    naming the member and the vote, never the ballot."""
    vote = Vote.objects.select_for_update().select_related("meeting").get(pk=vote_id)
    if not vote.secret:
        raise DeliberationError(_("This vote is not a secret ballot: the office records the show of hands."))
    if vote.status != Vote.Status.OPEN:
        raise DeliberationError(_("This vote is not open."))
    roll = VoterRoll.objects.select_for_update().filter(vote=vote, member=actor).first()
    if roll is None:
        raise DeliberationError(_("You are not on the roll of this vote (members present when it opened)."))
    if roll.has_voted:
        raise DeliberationError(_("You have already voted in this vote: a member has one ballot."))
    lines = ballot_lines(vote, actor)
    stored, in_favour = {}, 0
    for candidate in vote.candidates.all():
        key = str(candidate.pk)
        if candidate.application_id not in {c.application_id for c in lines}:
            stored[key] = "abstain"  # recused: no line; stored like an abstention so ballots look alike
            continue
        choice = choices.get(key) or choices.get(candidate.pk)
        if choice not in CHOICES:
            raise DeliberationError(_("Mark every candidate: in favour, against or abstain."), key)
        in_favour += choice == "yes"
        stored[key] = choice
    if in_favour > vote.places:
        raise DeliberationError(_("At most %(places)s in favour: this vote fills %(places)s place(s).") % {
            "places": vote.places})
    receipt = _new_receipt(vote)
    Ballot.objects.create(vote=vote, receipt_hash=receipt_hash(vote.pk, receipt), choices=stored)
    roll.has_voted = True
    roll.save(update_fields=["has_voted"])
    audit_record(action="deliberation.voted", obj=vote.meeting, actor=actor, after={"vote": vote.number})
    return receipt


def receipt_check(receipt: str) -> dict:
    """What a receipt proves: {"status": "counted" | "received" | "unknown" | "invalid", …} and the
    hash it was found under. Never the content of the ballot."""
    normal = normalise_receipt(receipt)
    if normal is None:
        return {"status": "invalid"}
    vote_id = int(_RECEIPT.match(normal).group(1))
    digest = receipt_hash(vote_id, normal)
    vote = Vote.objects.select_related("meeting__round", "tier").filter(pk=vote_id).first()
    if vote is None or not Ballot.objects.filter(vote=vote, receipt_hash=digest).exists():
        return {"status": "unknown", "receipt": normal}
    status = "counted" if vote.status == Vote.Status.CLOSED else "received"
    return {"status": status, "receipt": normal, "hash": digest, "vote": vote,
            "ballots_digest": vote.ballots_digest, "ballots_counted": vote.ballots_counted}


def published_hashes(vote) -> list[str]:
    """The receipt hashes of the counted ballots, sorted: the published list (after closing)."""
    if vote.status != Vote.Status.CLOSED or not vote.secret:
        return []
    return sorted(vote.ballots.values_list("receipt_hash", flat=True))


def ballots_digest(hashes) -> str:
    return hashlib.sha256("\n".join(sorted(hashes)).encode()).hexdigest()


# --- Closing and the tally ------------------------------------------------------------------

def _entitled(vote) -> dict[int, tuple[int, int, int]]:
    """{candidate id: (members entitled to vote on it, recused members present, recused members who
    cast a ballot)}. A secret ballot's electorate is its roll; a show of hands', the members present."""
    if vote.secret:
        present = set(vote.roll.values_list("member_id", flat=True))
        voted = set(vote.roll.filter(has_voted=True).values_list("member_id", flat=True))
    else:
        present = set(vote.meeting.members.filter(present=True).values_list("user_id", flat=True))
        voted = set()
    pairs = list(Recusal.objects.filter(meeting=vote.meeting, member_id__in=present).values_list(
        "application_id", "member_id"))
    result = {}
    for c in vote.candidates.all():
        recused = [m for a, m in pairs if a == c.application_id]
        result[c.pk] = (len(present) - len(recused), len(recused), sum(1 for m in recused if m in voted))
    return result


def _shake_the_box(vote):
    """Re-write the ballots in random order under new ids, so that neither their physical order
    nor their ids follow the order of casting."""
    ballots = list(vote.ballots.values_list("receipt_hash", "choices"))
    random.SystemRandom().shuffle(ballots)
    vote.ballots.all().delete()
    Ballot.objects.bulk_create([Ballot(vote=vote, receipt_hash=h, choices=c) for h, c in ballots])


@transaction.atomic
def vote_close(*, vote_id: int, actor, counts: dict | None = None) -> Vote:
    """Close a vote and count it. A secret ballot is counted from its ballots (the ballot box
    shaken, the receipt hashes' digest published); a show of hands or a deliberation takes the
    office's `counts` {candidate id: (in favour, against, abstentions)}. Outcomes follow
    `outcome.decide`; a runoff's outcome goes back to the vote whose tie it settles.
    Side effects: the candidates' tally and outcome, the vote closed, audit `deliberation.vote_closed`."""
    _require_office(actor)
    vote = Vote.objects.select_for_update().select_related("tier").get(pk=vote_id)
    meeting = _locked_meeting(vote.meeting_id)
    _require_unfrozen(meeting)
    if vote.status != Vote.Status.OPEN:
        raise DeliberationError(_("Only an open vote can be closed."))
    candidates = list(vote.candidates.select_related("application__organization"))
    entitled = _entitled(vote)
    tally = {}
    if vote.secret:
        # Lock the roll: no ballot can slip in while the box is counted.
        list(VoterRoll.objects.select_for_update().filter(vote=vote))
        _shake_the_box(vote)
        ballots = list(vote.ballots.values_list("choices", flat=True))
        for c in candidates:
            marks = [b.get(str(c.pk), "abstain") for b in ballots]
            tally[c.pk] = (marks.count("yes"), marks.count("no"), marks.count("abstain") - entitled[c.pk][2])
        hashes = vote.ballots.values_list("receipt_hash", flat=True)
        vote.ballots_counted = len(ballots)
        vote.ballots_digest = ballots_digest(hashes)
    else:
        counts = counts or {}
        for c in candidates:
            row = counts.get(c.pk) or counts.get(str(c.pk))
            try:
                yes, no, abstain = (int(x) for x in row)
            except (TypeError, ValueError):
                raise DeliberationError(_("Give the numbers in favour, against and abstaining for %(organization)s.")
                                        % {"organization": c.application.organization.name}, str(c.pk)) from None
            if min(yes, no, abstain) < 0 or yes + no + abstain > entitled[c.pk][0]:
                raise DeliberationError(_("%(organization)s: %(total)s hands counted but only %(entitled)s members "
                                          "present may vote on it.") % {
                    "organization": c.application.organization.name, "total": yes + no + abstain,
                    "entitled": entitled[c.pk][0]}, str(c.pk))
            tally[c.pk] = (yes, no, abstain)
    decided = rule.decide([rule.Count(c.pk, tally[c.pk][0], entitled[c.pk][0]) for c in candidates], vote.places)
    for c in candidates:
        c.yes, c.no, c.abstain = tally[c.pk]
        c.recused = entitled[c.pk][1]
        c.outcome = decided[c.pk]
    Candidate.objects.bulk_update(candidates, ["yes", "no", "abstain", "recused", "outcome"])
    vote.status, vote.closed_at = Vote.Status.CLOSED, timezone.now()
    vote.save(update_fields=["status", "closed_at", "ballots_counted", "ballots_digest"])
    _propagate(vote)
    audit_record(action="deliberation.vote_closed", obj=meeting, actor=actor, after={
        "vote": vote.number, "ballots": vote.ballots_counted, "ballots_digest": vote.ballots_digest,
        "tally": {c.application_id: [c.yes, c.no, c.abstain, c.outcome] for c in candidates}})
    return vote


def _propagate(vote):
    """A runoff without ties settles its parent's tie: the parent's tied candidates take its outcome."""
    if vote.runoff_of_id is None or vote.candidates.filter(outcome=Candidate.Outcome.TIED).exists():
        return
    parent = vote.runoff_of
    results = dict(vote.candidates.values_list("application_id", "outcome"))
    for c in parent.candidates.filter(outcome=Candidate.Outcome.TIED):
        c.outcome = results.get(c.application_id, Candidate.Outcome.NOT_ELECTED)
        c.resolution = Candidate.Resolution.RUNOFF
        c.save(update_fields=["outcome", "resolution"])
    _propagate(parent)


def remaining_places(vote) -> int:
    return vote.places - vote.candidates.filter(outcome=Candidate.Outcome.ELECTED).count()


@transaction.atomic
def tie_runoff(*, vote_id: int, actor) -> Vote:
    """Prepare a further vote among the tied candidates for the places the tie leaves open.
    Audit `deliberation.runoff_created`."""
    _require_office(actor)
    vote = Vote.objects.select_for_update().get(pk=vote_id)
    meeting = _locked_meeting(vote.meeting_id)
    _require_unfrozen(meeting)
    tied = list(vote.candidates.filter(outcome=Candidate.Outcome.TIED).select_related("application"))
    if not tied:
        raise DeliberationError(_("This vote has no tie to resolve."))
    if vote.runoffs.exclude(status=Vote.Status.CLOSED).exists():
        raise DeliberationError(_("A further vote on this tie is already prepared."))
    runoff = Vote.objects.create(meeting=meeting, number=meeting.votes.count() + 1, tier=vote.tier,
                                 method=vote.method, runoff_of=vote, places=remaining_places(vote))
    Candidate.objects.bulk_create([
        Candidate(vote=runoff, application=c.application, position=i, final_score=c.final_score)
        for i, c in enumerate(tied, start=1)])
    audit_record(action="deliberation.runoff_created", obj=meeting, actor=actor,
                 after={"vote": runoff.number, "of": vote.number, "candidates": [c.application_id for c in tied]})
    return runoff


@transaction.atomic
def tie_decide(*, vote_id: int, actor, elected_application_ids, reason: str) -> Vote:
    """Record the committee's decision on a tie: which tied candidates take the open places (at
    most that many), with the reason (in the minutes' words). Audit `deliberation.tie_decided`."""
    _require_office(actor)
    vote = Vote.objects.select_for_update().get(pk=vote_id)
    meeting = _locked_meeting(vote.meeting_id)
    _require_unfrozen(meeting)
    tied = list(vote.candidates.filter(outcome=Candidate.Outcome.TIED))
    if not tied:
        raise DeliberationError(_("This vote has no tie to resolve."))
    if vote.runoffs.exclude(status=Vote.Status.CLOSED).exists():
        raise DeliberationError(_("A further vote on this tie is prepared: hold it or delete it first."))
    if not (reason or "").strip():
        raise DeliberationError(_("Give the committee's reason for the decision."), "reason")
    chosen = {int(a) for a in elected_application_ids}
    if chosen - {c.application_id for c in tied}:
        raise DeliberationError(_("Choose among the tied candidates only."), "elected")
    if len(chosen) > remaining_places(vote):
        raise DeliberationError(_("At most %(n)s place(s) are open.") % {"n": remaining_places(vote)}, "elected")
    for c in tied:
        c.outcome = Candidate.Outcome.ELECTED if c.application_id in chosen else Candidate.Outcome.NOT_ELECTED
        c.resolution, c.resolution_reason = Candidate.Resolution.DECISION, reason.strip()
    Candidate.objects.bulk_update(tied, ["outcome", "resolution", "resolution_reason"])
    _propagate(vote)
    audit_record(action="deliberation.tie_decided", obj=meeting, actor=actor,
                 after={"vote": vote.number, "elected": sorted(chosen), "reason": reason.strip()})
    return vote


def open_votes_for(user):
    """Secret ballots open now in which `user` has not voted yet."""
    return (Vote.objects.filter(status=Vote.Status.OPEN, method=VotingMethod.SECRET_BALLOT,
                                roll__member=user, roll__has_voted=False)
            .select_related("tier", "meeting__round"))

