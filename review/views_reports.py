"""Site visits of a round, the group leader's review report per application, and the PDF and
Excel downloads (the report; the round summary per stage). Who may do what: `site_visits`
(office manages; supervisors and the guidance group read) and `reports` (readers, members,
leader). Refused readers of an application's report get 404; downloads are no-store
(`award_portal.no_store`, every signed-in response)."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from applications.models import Application, Round
from award_portal.roles import is_office

from . import permissions, reports, site_visits
from .models import SiteVisit, Stage


def _date(value):
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def visits(request, round_pk):
    if not permissions.can_read_pool(request.user):
        raise PermissionDenied
    rnd = get_object_or_404(Round, pk=round_pk)
    office = is_office(request.user)
    if request.method == "POST":
        if not office:
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action == "plan":
                application_id = _int(request.POST.get("application"))
                # The team is the application's site-review group unless the form names one.
                group_id = _int(request.POST.get("group")) or (
                    site_visits.site_group_of(application_id) if application_id else None)
                site_visits.visit_plan(application_id=application_id, group_id=group_id,
                                       visit_on=_date(request.POST.get("visit_on")),
                                       ends_on=_date(request.POST.get("ends_on")),
                                       address=request.POST.get("address", ""), agenda=request.POST.get("agenda", ""),
                                       actor=request.user)
            elif action == "reschedule":
                site_visits.visit_reschedule(visit_id=_int(request.POST.get("visit")),
                                             visit_on=_date(request.POST.get("visit_on")),
                                             ends_on=_date(request.POST.get("ends_on")),
                                             address=request.POST.get("address"), agenda=request.POST.get("agenda"),
                                             actor=request.user)
            elif action in ("done", "cancelled"):
                site_visits.visit_mark(visit_id=_int(request.POST.get("visit")), status=action,
                                       note=request.POST.get("note", ""), actor=request.user)
            else:
                raise site_visits.SiteVisitError("invalid", _("Unknown action."))
        except site_visits.SiteVisitError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The site visit was saved."))
        return redirect("review-site-visits", round_pk=rnd.pk)
    return render(request, "review/reports/site_visits.html", {
        "round": rnd, "visits": site_visits.round_visits(rnd.pk),
        "assignments": site_visits.round_site_assignments(rnd.pk), "office": office,
        "planned": SiteVisit.Status.PLANNED,
    })


def _stage(stage) -> str:
    if stage not in Stage.values:
        raise Http404
    return stage


def _application(pk):
    return get_object_or_404(Application.objects.select_related("organization", "round__program"), pk=pk)


@login_required
def report(request, application_pk, stage):
    stage, application = _stage(stage), _application(application_pk)
    if not reports.may_read(request.user, application, stage):
        raise Http404
    editable = reports.may_edit(request.user, application, stage)
    current = reports.report_for(application, stage)
    posted = None
    if request.method == "POST":
        if not editable:
            raise Http404
        try:
            if request.POST.get("action") == "finalise":
                reports.report_finalise(application_id=application.pk, stage=stage, actor=request.user,
                                        version=request.POST.get("version"))
                messages.success(request, _("The report is final."))
            else:
                reports.report_save(application_id=application.pk, stage=stage, actor=request.user,
                                    version=request.POST.get("version"), summary=request.POST.get("summary", ""),
                                    strengths=request.POST.get("strengths", ""),
                                    opportunities=request.POST.get("opportunities", ""))
                messages.success(request, _("The report was saved."))
        except reports.ReportError as exc:
            messages.error(request, exc.message)
            posted = {k: request.POST.get(k, "") for k in ("summary", "strengths", "opportunities")}
            current = reports.report_for(application, stage)
            return render(request, "review/reports/report.html", {
                "application": application, "stage": stage, "stage_label": Stage(stage).label,
                "report": current, "editable": editable and current.status != "final", "posted": posted},
                status=409 if exc.code == "conflict" else 400)
        return redirect("review-report", application_pk=application.pk, stage=stage)
    return render(request, "review/reports/report.html", {
        "application": application, "stage": stage, "stage_label": Stage(stage).label, "report": current,
        "editable": editable and current.status != "final", "posted": posted,
    })


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def report_pdf(request, application_pk, stage):
    stage, application = _stage(stage), _application(application_pk)
    if not reports.may_read_pdf(request.user, application, stage):
        raise Http404
    data = reports.report_pdf(reports.report_for(application, stage))
    return _download(data, "application/pdf", f"review-report-{application.number}-{stage}.pdf")


def _summary_round(request, round_pk, stage):
    if not reports.may_read_summary(request.user):
        raise PermissionDenied
    return get_object_or_404(Round.objects.select_related("program__criteria"), pk=round_pk), _stage(stage)


@login_required
def summary_pdf(request, round_pk, stage):
    rnd, stage = _summary_round(request, round_pk, stage)
    return _download(reports.summary_pdf(rnd, stage), "application/pdf", f"round-{rnd.pk}-{stage}-summary.pdf")


@login_required
def summary_xlsx(request, round_pk, stage):
    rnd, stage = _summary_round(request, round_pk, stage)
    return _download(reports.summary_xlsx(rnd, stage),
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     f"round-{rnd.pk}-{stage}-summary.xlsx")
