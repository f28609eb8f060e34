"""A vote's page (candidates, the roll of who has voted, the tally once closed), the ballot and its
receipt, the office's vote actions, a member's own participation and the public receipt check."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import permissions, selectors, voting
from .meetings import DeliberationError
from .models import Candidate, Vote
from .views_office import _ids, _run


def _vote(request, pk) -> Vote:
    vote = get_object_or_404(Vote.objects.select_related("tier", "meeting__round__program", "runoff_of"), pk=pk)
    if not permissions.can_read_round(request.user, vote.meeting.round):
        raise PermissionDenied
    return vote


def _context(request, vote, *, choices=None, counts=None, errors=None):
    candidates = list(vote.candidates.select_related("application__organization"))
    office = permissions.can_manage(request.user)
    may_cast = permissions.can_cast(request.user, vote)
    lines = voting.ballot_lines(vote, request.user) if may_cast else []
    line_ids = {c.pk for c in lines}
    hashes = voting.published_hashes(vote)
    return {
        "vote": vote, "round": vote.meeting.round, "meeting": vote.meeting, "candidates": candidates,
        "closed": vote.status == Vote.Status.CLOSED, "can_manage": office and not vote.meeting.frozen,
        "may_cast": may_cast, "lines": lines, "recused_lines": [c for c in candidates if may_cast and c.pk not in line_ids],
        "choices": choices or {}, "counts": counts or {}, "errors": errors or [],
        "roll": selectors.vote_roll(vote) if vote.secret else [],
        "hashes": hashes, "tied": [c for c in candidates if c.outcome == Candidate.Outcome.TIED],
        "remaining": voting.remaining_places(vote) if vote.status == Vote.Status.CLOSED else vote.places,
        "runoffs": list(vote.runoffs.all()),
    }


@login_required
def vote(request, pk):
    v = _vote(request, pk)
    return render(request, "deliberation/vote.html", _context(request, v))


@login_required
@require_POST
def ballot(request, pk):
    """Cast a secret ballot; the receipt is shown on this response only (never stored, never mailed)."""
    v = _vote(request, pk)
    if not permissions.can_cast(request.user, v):
        raise PermissionDenied
    choices = {key[len("c_"):]: value for key, value in request.POST.items() if key.startswith("c_")}
    try:
        receipt = voting.ballot_cast(vote_id=v.pk, actor=request.user, choices=choices)
    except DeliberationError as error:
        return render(request, "deliberation/vote.html", _context(request, v, choices=choices, errors=[error.message]),
                      status=400)
    response = render(request, "deliberation/receipt_issued.html", {"vote": v, "receipt": receipt,
                                                                    "round": v.meeting.round})
    response["Cache-Control"] = "no-store"
    return response


def _office_vote(request, pk) -> Vote:
    if not permissions.can_manage(request.user):
        raise PermissionDenied
    return get_object_or_404(Vote.objects.select_related("meeting"), pk=pk)


@login_required
@require_POST
def vote_open(request, pk):
    v = _office_vote(request, pk)
    _run(request, voting.vote_open, _("The vote is open."), vote_id=v.pk)
    return redirect("deliberation-vote", pk=v.pk)


@login_required
@require_POST
def vote_close(request, pk):
    v = _office_vote(request, pk)
    counts = None
    raw = {}
    if not v.secret:
        counts = {}
        for c in v.candidates.all():
            row = [request.POST.get(f"{kind}_{c.pk}", "").strip() for kind in ("yes", "no", "abstain")]
            raw[c.pk] = row
            counts[c.pk] = row
    try:
        voting.vote_close(vote_id=v.pk, actor=request.user, counts=counts)
    except DeliberationError as error:
        return render(request, "deliberation/vote.html", _context(request, v, counts=raw, errors=[error.message]),
                      status=400)
    messages.success(request, _("The vote is closed and counted."))
    return redirect("deliberation-vote", pk=v.pk)


@login_required
@require_POST
def vote_delete(request, pk):
    v = _office_vote(request, pk)
    round_pk = v.meeting.round_id
    _result, ok = _run(request, voting.vote_delete, _("The prepared vote was deleted."), vote_id=v.pk)
    if ok:
        return redirect("deliberation-meeting", round_pk=round_pk)
    return redirect("deliberation-vote", pk=v.pk)


@login_required
@require_POST
def runoff(request, pk):
    v = _office_vote(request, pk)
    new, ok = _run(request, voting.tie_runoff, _("A further vote among the tied candidates was prepared."),
                   vote_id=v.pk)
    return redirect("deliberation-vote", pk=new.pk if ok else v.pk)


@login_required
@require_POST
def tie_decide(request, pk):
    v = _office_vote(request, pk)
    try:
        voting.tie_decide(vote_id=v.pk, actor=request.user, elected_application_ids=_ids(request.POST.getlist("elected")),
                          reason=request.POST.get("reason", ""))
    except DeliberationError as error:
        context = _context(request, v, errors=[error.message])
        context["decision_reason"] = request.POST.get("reason", "")
        return render(request, "deliberation/vote.html", context, status=400)
    messages.success(request, _("The committee's decision on the tie was recorded."))
    return redirect("deliberation-vote", pk=v.pk)


@login_required
def mine(request):
    if not permissions.is_committee(request.user):
        raise PermissionDenied
    return render(request, "deliberation/mine.html", {"rows": selectors.participation(request.user)})


def receipt(request):
    """Public: anyone holding a receipt learns whether its ballot was counted, and nothing else."""
    answer = None
    if request.method == "POST":
        answer = voting.receipt_check(request.POST.get("receipt", ""))
    response = render(request, "deliberation/receipt_check.html", {"answer": answer})
    response["Cache-Control"] = "no-store"
    return response
