"""Reads of the deliberation: the rounds a user may open, the dossier the committee reads, the
meeting record with its votes, a member's own participation and the home page's to-dos."""

from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from applications.enums import ApplicationState, RoundPhase
from applications.models import Application, Round
from award_portal.roles import has_role, is_office
from award_portal.todo import TodoItem

from . import permissions
from .models import Candidate, Meeting, MeetingMember, Recusal, Vote, VoterRoll

LIST_PHASES = (RoundPhase.SITE_REVIEW, RoundPhase.DELIBERATION)


def rounds_for(user):
    """Rounds in site review or deliberation, and rounds with a meeting on record, that `user` may read."""
    rounds = (Round.objects.filter(Q(phase__in=LIST_PHASES) | Q(deliberation_meeting__isnull=False))
              .select_related("program", "deliberation_meeting")
              .annotate(finalists=Count("applications", filter=Q(applications__state=ApplicationState.IN_DELIBERATION)))
              .order_by("-year", "program__code"))
    if is_office(user) or permissions.is_supervisor(user):
        return list(rounds)
    if not permissions.is_committee(user):
        return []
    called = set(MeetingMember.objects.filter(user=user).values_list("meeting__round_id", flat=True))
    staffed = set(MeetingMember.objects.values_list("meeting__round_id", flat=True).distinct())
    return [r for r in rounds if r.pk in called or (r.pk not in staffed and r.phase in permissions.PREPARE_PHASES)]


def dossier(rnd) -> dict:
    """Everything the committee reads before the vote, in a fixed number of queries: the finalists
    ranked with their combined scores (review.ranking), their final review reports, big-data
    flags, and the guidance group's opinions."""
    from bigdata.models import Flag, Run
    from bigdata.screening import latest_run
    from review.models import GuidanceOpinion, ReviewReport, Stage
    from review.ranking import ranking_table

    rows, stage = [], None
    for candidate_stage in (Stage.SITE, Stage.MATERIAL):
        rows, _result, _rank_by = ranking_table(rnd, candidate_stage)
        if rows:
            stage = candidate_stage
            break
    finalists = list(Application.objects.filter(round=rnd, state=ApplicationState.IN_DELIBERATION)
                     .select_related("organization").order_by("pk"))
    by_pk = {r["pk"]: r for r in rows}
    reports = {}
    for report in (ReviewReport.objects.filter(application__in=finalists, status=ReviewReport.Status.FINAL)
                   .order_by("stage")):
        reports.setdefault(report.application_id, []).append(report)
    run = latest_run(rnd.program, kind=Run.Kind.SCREENING, round=rnd)
    flags = {}
    if run is not None:
        for flag in (Flag.objects.filter(run=run, organization_id__in=[a.organization_id for a in finalists])
                     .select_related("rule").order_by("outcome", "rule__code")):
            flags.setdefault(flag.organization_id, []).append(flag)
    opinions = list(GuidanceOpinion.objects.filter(round=rnd).select_related("application__organization", "author")
                    .order_by("-created_at"))
    floor = rnd.program.score_floor
    entries = []
    for application in finalists:
        row = by_pk.get(application.pk, {})
        final = row.get("final")
        entries.append({
            "application": application, "rank": row.get("rank"), "final": final, "material": row.get("material"),
            "site": row.get("site"), "bigdata": row.get("bigdata"),
            "below_floor": floor is not None and (final is None or final < floor),
            "reports": reports.get(application.pk, []), "flags": flags.get(application.organization_id, []),
            "opinions": [o for o in opinions if o.application_id == application.pk],
        })
    entries.sort(key=lambda e: (e["rank"] is None, e["rank"] or 0, e["application"].pk))
    return {"entries": entries, "stage": stage, "floor": floor, "run": run,
            "general_opinions": [o for o in opinions if o.application_id is None]}


def meeting_of(rnd):
    return Meeting.objects.filter(round=rnd).select_related("chair_signed_by", "supervisor_signed_by").first()


def meeting_record(meeting) -> dict:
    """The meeting with members, recusals and votes (candidates and tallies), in a fixed number of queries."""
    members = list(meeting.members.select_related("user"))
    recusals = list(meeting.recusals.select_related("member", "application__organization").order_by("recorded_at"))
    votes = list(meeting.votes.select_related("tier", "runoff_of").prefetch_related(
        Prefetch("candidates", queryset=Candidate.objects.select_related("application__organization"))))
    rolls = {}
    for row in VoterRoll.objects.filter(vote__meeting=meeting).values("vote_id").annotate(
            n=Count("id"), voted=Count("id", filter=Q(has_voted=True))):
        rolls[row["vote_id"]] = row
    for vote in votes:
        vote.roll_size = rolls.get(vote.pk, {}).get("n", 0)
        vote.roll_voted = rolls.get(vote.pk, {}).get("voted", 0)
    return {"members": members, "recusals": recusals, "votes": votes, "rolls": rolls}


def vote_roll(vote):
    """Who has voted (names, never how)."""
    return list(vote.roll.select_related("member").order_by("member__username"))


def participation(user) -> list[dict]:
    """A committee member's meetings: attendance, recusals, and for each vote whether they have voted."""
    rows = []
    memberships = MeetingMember.objects.filter(user=user).select_related("meeting__round__program")
    recused = {}
    for r in Recusal.objects.filter(member=user).select_related("application__organization"):
        recused.setdefault(r.meeting_id, []).append(r)
    roll = {r.vote_id: r.has_voted for r in VoterRoll.objects.filter(member=user)}
    votes = {}
    for vote in Vote.objects.filter(meeting__members__user=user).select_related("tier").order_by("number"):
        votes.setdefault(vote.meeting_id, []).append(
            {"vote": vote, "on_roll": vote.pk in roll, "has_voted": roll.get(vote.pk, False)})
    for m in memberships:
        rows.append({"membership": m, "meeting": m.meeting, "recusals": recused.get(m.meeting_id, []),
                     "votes": votes.get(m.meeting_id, [])})
    return rows


def todo_items(user) -> list:
    """Home to-dos: a member with an open secret ballot not yet cast; the office's meetings awaiting
    a step; a supervisor's record awaiting the co-signature."""
    items = []
    if permissions.is_committee(user):
        for roll in (VoterRoll.objects.filter(member=user, has_voted=False, vote__status=Vote.Status.OPEN)
                     .select_related("vote__tier", "vote__meeting__round")):
            vote = roll.vote
            items.append(TodoItem(title=f"{vote.meeting.round.name} · {vote.tier.name}",
                                  url=reverse("deliberation-vote", args=[vote.pk]),
                                  section=_("Votes open for you"), detail=_("Cast your secret ballot"), order=5))
        for member in MeetingMember.objects.filter(user=user, is_chair=True, meeting__chair_signed_at__isnull=True,
                                                   meeting__concluded_at__isnull=True).select_related("meeting__round"):
            if member.meeting.votes.filter(status=Vote.Status.CLOSED).exists():
                items.append(TodoItem(title=member.meeting.round.name,
                                      url=reverse("deliberation-meeting", args=[member.meeting.round_id]),
                                      section=_("Deliberation"), detail=_("Sign the minutes and tally as chair"),
                                      order=6))
    if has_role(user, "supervisor"):
        for meeting in Meeting.objects.filter(chair_signed_at__isnull=False, supervisor_signed_at__isnull=True
                                              ).select_related("round"):
            items.append(TodoItem(title=meeting.round.name, url=reverse("deliberation-meeting", args=[meeting.round_id]),
                                  section=_("Deliberation"), detail=_("Co-sign the minutes and tally"), order=6))
    if is_office(user):
        for meeting in Meeting.objects.filter(chair_signed_at__isnull=False, supervisor_signed_at__isnull=False,
                                              concluded_at__isnull=True).select_related("round"):
            items.append(TodoItem(title=meeting.round.name, url=reverse("deliberation-meeting", args=[meeting.round_id]),
                                  section=_("Deliberation"), detail=_("Carry out the signed result"), order=31))
    return items
