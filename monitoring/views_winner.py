"""The winner's pages: its awards' obligations, incidents to explain, incidents to report (bj2020
art. 27), self-evaluation reports to file (hz2025 §六(四))."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.enums import ApplicationState
from applications.models import Application

from . import selectors
from .errors import MonitoringError
from .forms import ExplainForm, ReportForm, SelfReportForm
from .incidents import incident_explain, incident_self_report
from .models import SelfEvaluationReport
from .permissions import can_read_monitoring, has_awards, is_winner_member
from .views_office import _incident, _incident_page


@login_required
def mine(request):
    if not has_awards(request.user):
        raise PermissionDenied
    return render(request, "monitoring/mine.html", {
        "winners": selectors.winners_of(request.user), "incidents": selectors.incidents_of(request.user)[:100],
        "reports": selectors.reports_of(request.user)[:100], "today": timezone.localdate()})


@login_required
@require_POST
def incident_explain_view(request, pk):
    incident = _incident(pk)
    if not is_winner_member(request.user, incident.application):
        raise PermissionDenied
    form = ExplainForm(request.POST)
    if form.is_valid():
        try:
            incident_explain(incident_id=incident.pk, actor=request.user,
                             explanation=form.cleaned_data["explanation"])
        except MonitoringError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your explanation has been sent to the review office."))
            return redirect("monitoring-incident", pk=incident.pk)
    return _incident_page(request, incident, status=400, explain_form=form)


@login_required
def self_report(request, application_pk):
    application = get_object_or_404(Application.objects.select_related("organization", "round__program"),
                                    pk=application_pk, state=ApplicationState.AWARDED)
    if not is_winner_member(request.user, application):
        raise PermissionDenied
    form = SelfReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            incident = incident_self_report(application_id=application.pk, actor=request.user, **form.cleaned_data)
        except MonitoringError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your report has been sent to the review office."))
            return redirect("monitoring-incident", pk=incident.pk)
    return render(request, "monitoring/self_report.html", {"application": application, "form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
def report(request, pk):
    item = get_object_or_404(selectors.reports(), pk=pk)
    member = is_winner_member(request.user, item.application)
    if not (member or can_read_monitoring(request.user)):
        raise PermissionDenied
    can_file = member and item.status == SelfEvaluationReport.Status.DUE
    form = ReportForm(request.POST or None) if can_file else None
    status = 200
    if request.method == "POST":
        if not can_file:
            raise PermissionDenied
        if form.is_valid():
            try:
                from .self_evaluation import report_file

                report_file(report_id=item.pk, actor=request.user, text=form.cleaned_data["text"])
            except MonitoringError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The report is filed."))
                return redirect("monitoring-report", pk=item.pk)
        status = 400
    return render(request, "monitoring/report.html", {"report": item, "form": form,
                                                      "today": timezone.localdate()}, status=status)
