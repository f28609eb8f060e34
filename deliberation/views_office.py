"""The office's and readers' pages: the rounds, the dossier, the meeting record and its actions.

Readers (office, supervisors, the committee members the meeting calls: `permissions.can_read_round`)
read; the office acts through the services in meetings.py and voting.py; the chair and a supervisor
sign. A refused step is reported in the user's language and what was typed stays in the form.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.enums import ApplicationState
from applications.models import Application, Round

from . import meetings, permissions, selectors, voting
from .forms import MeetingForm, RecusalForm, VoteCreateForm
from .meetings import DeliberationError
from .models import Recusal


def _readable_round(request, round_pk):
    rnd = get_object_or_404(Round.objects.select_related("program"), pk=round_pk)
    if not permissions.can_read_round(request.user, rnd):
        raise PermissionDenied
    return rnd


def _office_only(request):
    if not permissions.can_manage(request.user):
        raise PermissionDenied


@login_required
def rounds(request):
    if not permissions.can_use_deliberation(request.user):
        raise PermissionDenied
    return render(request, "deliberation/rounds.html", {
        "rounds": selectors.rounds_for(request.user), "can_manage": permissions.can_manage(request.user)})


@login_required
def dossier(request, round_pk):
    rnd = _readable_round(request, round_pk)
    return render(request, "deliberation/dossier.html", {"round": rnd, **selectors.dossier(rnd),
                                                         "meeting": selectors.meeting_of(rnd)})


def _meeting_context(request, rnd, *, meeting_form=None, recusal_form=None):
    meeting = selectors.meeting_of(rnd)
    office = permissions.can_manage(request.user)
    context = {"round": rnd, "meeting": meeting, "can_manage": office, "sign_as": None}
    if meeting is not None:
        record = selectors.meeting_record(meeting)
        context.update(record)
        context["quorum"] = meetings.quorum_state(meeting)
        context["sign_as"] = permissions.sign_role(request.user, meeting)
        context["problems"] = meetings.signoff_problems(meeting) if not meeting.frozen else []
        context["digest"] = meeting.signed_digest
    if office:
        finalists = list(Application.objects.filter(round=rnd, state=ApplicationState.IN_DELIBERATION)
                         .select_related("organization").order_by("pk"))
        context["meeting_form"] = meeting_form or MeetingForm(initial=MeetingForm.initial_for(meeting))
        if meeting is not None:
            context["recusal_form"] = recusal_form or RecusalForm(members=context["members"], applications=finalists)
            context["vote_form"] = VoteCreateForm(tiers=rnd.program.tiers.order_by("rank"))
            context["places"] = [(t, voting.places_left(meeting, t)) for t in rnd.program.tiers.order_by("rank")]
            if not meeting.frozen:
                eligible, excluded = voting.eligible_candidates(meeting)
                names = {a.pk: a.organization.name for a in finalists}
                context["eligible"] = eligible
                context["excluded"] = [(names.get(pk, pk), reason) for pk, reason in excluded.items()]
    return context


@login_required
def meeting(request, round_pk):
    rnd = _readable_round(request, round_pk)
    return render(request, "deliberation/meeting.html", _meeting_context(request, rnd))


@login_required
@require_POST
def meeting_save(request, round_pk):
    _office_only(request)
    rnd = get_object_or_404(Round, pk=round_pk)
    form = MeetingForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            meetings.meeting_save(
                round_id=rnd.pk, actor=request.user, held_at=data["held_at"], place=data["place"],
                member_ids=[u.pk for u in data["members"]], chair_id=data["chair"].pk if data["chair"] else None,
                quorum_numerator=data["quorum_numerator"], quorum_denominator=data["quorum_denominator"],
                office_report=data["office_report"], supervision_report=data["supervision_report"],
                minutes=data["minutes"])
        except DeliberationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The meeting record was saved."))
            return redirect("deliberation-meeting", round_pk=rnd.pk)
    messages.error(request, _("The meeting record was not saved: see the form."))
    return render(request, "deliberation/meeting.html", _meeting_context(request, rnd, meeting_form=form),
                  status=400)


def _meeting_or_404(rnd):
    meeting = selectors.meeting_of(rnd)
    if meeting is None:
        raise PermissionDenied
    return meeting


def _ids(values) -> list[int]:
    out = []
    for value in values:
        try:
            out.append(int(value))
        except (TypeError, ValueError):
            continue
    return out


def _run(request, fn, success, **kwargs):
    try:
        result = fn(actor=request.user, **kwargs)
    except DeliberationError as error:
        messages.error(request, error.message)
        return None, False
    messages.success(request, success)
    return result, True


@login_required
@require_POST
def attendance(request, round_pk):
    _office_only(request)
    rnd = get_object_or_404(Round, pk=round_pk)
    meeting = _meeting_or_404(rnd)
    _run(request, meetings.attendance_record, _("Attendance recorded."), meeting_id=meeting.pk,
         present_ids=_ids(request.POST.getlist("present")))
    return redirect("deliberation-meeting", round_pk=rnd.pk)


@login_required
@require_POST
def recusal_add(request, round_pk):
    _office_only(request)
    rnd = get_object_or_404(Round, pk=round_pk)
    meeting = _meeting_or_404(rnd)
    finalists = Application.objects.filter(round=rnd, state=ApplicationState.IN_DELIBERATION).select_related(
        "organization")
    form = RecusalForm(request.POST, members=meeting.members.select_related("user"), applications=finalists)
    if form.is_valid():
        try:
            meetings.recusal_record(meeting_id=meeting.pk, actor=request.user, member_id=form.cleaned_data["member"],
                                    application_id=form.cleaned_data["application"],
                                    reason=form.cleaned_data["reason"])
        except DeliberationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The recusal was recorded."))
            return redirect("deliberation-meeting", round_pk=rnd.pk)
    messages.error(request, _("The recusal was not recorded: see the form."))
    return render(request, "deliberation/meeting.html", _meeting_context(request, rnd, recusal_form=form), status=400)


@login_required
@require_POST
def recusal_withdraw(request, pk):
    _office_only(request)
    recusal = get_object_or_404(Recusal.objects.select_related("meeting"), pk=pk)
    round_pk = recusal.meeting.round_id
    _run(request, meetings.recusal_withdraw, _("The recusal was withdrawn."), recusal_id=recusal.pk)
    return redirect("deliberation-meeting", round_pk=round_pk)


@login_required
@require_POST
def vote_create(request, round_pk):
    _office_only(request)
    rnd = get_object_or_404(Round, pk=round_pk)
    meeting = _meeting_or_404(rnd)
    form = VoteCreateForm(request.POST, tiers=rnd.program.tiers.all())
    if not form.is_valid():
        messages.error(request, _("Choose one of this program's tiers."))
        return redirect("deliberation-meeting", round_pk=rnd.pk)
    vote, ok = _run(request, voting.vote_create, _("The vote was prepared."), meeting_id=meeting.pk,
                    tier_id=form.cleaned_data["tier"], application_ids=_ids(request.POST.getlist("applications")))
    if ok:
        return redirect("deliberation-vote", pk=vote.pk)
    return redirect("deliberation-meeting", round_pk=rnd.pk)


@login_required
@require_POST
def sign(request, round_pk):
    rnd = get_object_or_404(Round, pk=round_pk)
    meeting = selectors.meeting_of(rnd)
    if permissions.sign_role(request.user, meeting) is None:
        raise PermissionDenied
    _run(request, meetings.meeting_sign, _("Signed."), meeting_id=meeting.pk)
    return redirect("deliberation-meeting", round_pk=rnd.pk)


@login_required
@require_POST
def conclude(request, round_pk):
    _office_only(request)
    rnd = get_object_or_404(Round, pk=round_pk)
    meeting = _meeting_or_404(rnd)
    _run(request, meetings.meeting_conclude, _("The committee's decision was carried out in the pipeline."),
         meeting_id=meeting.pk)
    return redirect("deliberation-meeting", round_pk=rnd.pk)
