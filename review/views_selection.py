"""Selection of who advances (material review → site review; site review → deliberation), the
guidance group's opinions and the feedback letters (issue 13).

Selection: readers of the ranking read the page; the office acts. Every decision runs through
`applications.workflow.application_transition` (the only writer of Application.state); a refused
one is reported and the others still run. Those not advanced get a draft feedback letter.

Opinions: the office, supervisors and the guidance group read; guidance members record.

Feedback letters: the office edits and releases; the PDF is the office's always and the
applicant's members' once released (404 for anybody else).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.enums import Action, ApplicationState
from applications.models import Application
from applications.permissions import is_member
from applications.workflow import TransitionError, application_transition
from award_portal.roles import is_office

from . import feedback, permissions
from .models import ExpertGroup, FeedbackLetter, GuidanceOpinion, Stage
from .ranking import ranking_table as _ranking_table
from .views_ranking import _round, _stage

#: stage → (state the applications are in, action to advance, action not to advance)
SELECTION = {
    Stage.MATERIAL: (ApplicationState.IN_MATERIAL_REVIEW, Action.ADVANCE_TO_SITE_REVIEW, Action.NOT_ADVANCE),
    Stage.SITE: (ApplicationState.IN_SITE_REVIEW, Action.SHORTLIST, Action.NOT_SHORTLIST),
}


def _selection_stage(stage) -> str:
    stage = _stage(stage)
    if stage not in SELECTION:
        raise Http404
    return stage


def _rows(rnd, stage):
    """The ranked rows of the stage, then the applications in the stage's state without scores."""
    state = SELECTION[stage][0]
    rows, _result, _rank_by = _ranking_table(rnd, stage)
    ranked = {r["pk"] for r in rows}
    rest = (Application.objects.filter(round=rnd).exclude(pk__in=ranked).select_related("organization")
            .order_by("number"))
    rows = rows + [{"rank": None, "application": a, "pk": a.pk, "final": None} for a in rest if a.state == state]
    for r in rows:
        r["selectable"] = r["application"] is not None and r["application"].state == state
    return rows


@login_required
def selection(request, round_pk, stage):
    if not permissions.can_read_ranking(request.user):
        raise PermissionDenied
    rnd, stage = _round(round_pk), _selection_stage(stage)
    state, advance, not_advance = SELECTION[stage]
    office = is_office(request.user)
    if request.method == "POST":
        if not office:
            raise PermissionDenied
        return _select(request, rnd, stage)
    letters = (FeedbackLetter.objects.filter(application__round=rnd, stage=stage)
               .select_related("application__organization").order_by("application__number")) if office else []
    return render(request, "review/selection/selection.html", {
        "round": rnd, "stage": stage, "stage_label": Stage(stage).label, "rows": _rows(rnd, stage),
        "can_act": office, "advance_label": Action(advance).label, "not_label": Action(not_advance).label,
        "letters": letters, "can_statistics": permissions.can_read_statistics(request.user),
    })


def _ids(values) -> list[int]:
    out = []
    for v in values:
        try:
            out.append(int(v))
        except (TypeError, ValueError):
            continue
    return out


def _select(request, rnd, stage):
    state, advance, not_advance = SELECTION[stage]
    go, stop = _ids(request.POST.getlist("advance")), _ids(request.POST.getlist("not_advance"))
    back = redirect("review-selection", round_pk=rnd.pk, stage=stage)
    both = set(go) & set(stop)
    if both:
        messages.error(request, _("An application cannot both advance and not advance."))
        return back
    if not go and not stop:
        messages.error(request, _("Select at least one application."))
        return back
    reasons = {pk: (request.POST.get(f"reason_{pk}") or "").strip() for pk in stop}
    missing = [pk for pk, reason in reasons.items() if not reason]
    if missing:
        messages.error(request, _("Give a reason for every application not advanced: it becomes the feedback "
                                  "to the applicant. Nothing was changed."))
        return back
    apps = {a.pk: a for a in Application.objects.filter(round=rnd, pk__in=go + stop).select_related("organization")}
    done = 0
    for pk, action in [(pk, advance) for pk in go] + [(pk, not_advance) for pk in stop]:
        application = apps.get(pk)
        if application is None:
            continue
        try:
            application = application_transition(application_id=pk, action=action, actor=request.user,
                                                 reason=reasons.get(pk, ""), expected_state=state)
        except TransitionError as exc:
            messages.error(request, f"{application.organization.name}: {exc.message}")
            continue
        done += 1
        if action == not_advance:
            try:
                feedback.feedback_compose(application, stage, actor=request.user)
            except feedback.FeedbackError as exc:
                messages.error(request, f"{application.organization.name}: {exc.message}")
    if done:
        messages.success(request, _("%(n)s decisions were recorded.") % {"n": done})
    return back


@login_required
def opinions(request, round_pk, stage):
    if not permissions.can_read_statistics(request.user):
        raise PermissionDenied
    rnd, stage = _round(round_pk), _stage(stage)
    can_record = feedback.can_record_opinion(request.user)
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied
        try:
            group_ids, application_ids = _ids([request.POST.get("group")]), _ids([request.POST.get("application")])
            feedback.guidance_opinion_record(round_obj=rnd, stage=stage, text=request.POST.get("text", ""),
                                             actor=request.user, group_id=group_ids[0] if group_ids else None,
                                             application_id=application_ids[0] if application_ids else None)
        except feedback.FeedbackError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The opinion was recorded."))
        return redirect("review-opinions", round_pk=rnd.pk, stage=stage)
    return render(request, "review/selection/opinions.html", {
        "round": rnd, "stage": stage, "stage_label": Stage(stage).label, "can_record": can_record,
        "opinions": GuidanceOpinion.objects.filter(round=rnd, stage=stage).select_related(
            "author", "group", "application__organization"),
        "groups": ExpertGroup.objects.filter(round=rnd, stage=stage).order_by("number"),
        "applications": Application.objects.filter(round=rnd).select_related("organization").order_by("number"),
    })


def _office_letter(request, letter_pk) -> FeedbackLetter:
    if not is_office(request.user):
        raise PermissionDenied
    return get_object_or_404(FeedbackLetter.objects.select_related("application__organization", "application__round"),
                             pk=letter_pk)


@login_required
def feedback_letter(request, letter_pk):
    letter = _office_letter(request, letter_pk)
    if request.method == "POST":
        try:
            if request.POST.get("recompose"):
                if str(letter.version) != request.POST.get("version"):
                    raise feedback.FeedbackError(_("The letter changed in the meantime; reload the page."), "stale")
                feedback.feedback_compose(letter.application, letter.stage, actor=request.user, recompose=True)
                messages.success(request, _("The letter was composed again from the scorecards."))
            else:
                feedback.feedback_edit(letter_id=letter.pk, body=request.POST.get("body", ""),
                                       version=request.POST.get("version"), actor=request.user)
                messages.success(request, _("The letter was saved."))
        except feedback.FeedbackError as exc:
            messages.error(request, exc.message)
            if exc.code == "body":
                letter.body = request.POST.get("body", "")
                return render(request, "review/selection/feedback.html", {"letter": letter}, status=400)
        return redirect("review-feedback", letter_pk=letter.pk)
    return render(request, "review/selection/feedback.html", {"letter": letter})


@login_required
@require_POST
def feedback_release(request, letter_pk):
    letter = _office_letter(request, letter_pk)
    try:
        feedback.feedback_release(letter_id=letter.pk, version=request.POST.get("version"), actor=request.user)
    except feedback.FeedbackError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The letter was released to the applicant."))
    return redirect("review-feedback", letter_pk=letter.pk)


def can_read_letter(user, letter) -> bool:
    if is_office(user):
        return True
    return letter.status == FeedbackLetter.Status.RELEASED and is_member(user, letter.application)


@login_required
def feedback_pdf(request, letter_pk):
    letter = get_object_or_404(FeedbackLetter.objects.select_related("application__organization",
                                                                     "application__round"), pk=letter_pk)
    if not can_read_letter(request.user, letter):
        raise Http404
    data = feedback.feedback_pdf_bytes(letter, actor=request.user)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="feedback-{letter.application.number}-{letter.stage}.pdf"'
    return response


def feedback_panel(application, user):
    """The application page's panel: released letters for the organisation's members, every letter
    for the office."""
    if not getattr(user, "is_authenticated", False):
        return None
    office = is_office(user)
    if not office and not is_member(user, application):
        return None
    letters = FeedbackLetter.objects.filter(application=application)
    if not office:
        letters = letters.filter(status=FeedbackLetter.Status.RELEASED)
    letters = list(letters.order_by("stage"))
    if not letters:
        return None
    return "review/selection/_feedback_panel.html", {"letters": letters, "office": office}
