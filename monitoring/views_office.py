"""The office's pages (the committee and supervisors read along): runs, incidents, revocations,
reports and spot checks. Every write goes through a service; a refusal re-renders the form with
what was typed and the service's message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.enums import ApplicationState
from applications.models import Application

from . import selectors
from .errors import MonitoringError
from .forms import (
    ApproveForm,
    CloseForm,
    CommitteeForm,
    ExplainForm,
    ProposeForm,
    RecordIncidentForm,
    ReturnsForm,
    RunForm,
    SpotCheckForm,
)
from .incidents import incident_close, incident_record
from .models import Incident, Revocation
from .permissions import (
    can_manage_monitoring,
    can_read_monitoring,
    can_record_committee_decision,
    can_view_incident,
    is_winner_member,
)
from .revocation import (
    revocation_approve,
    revocation_committee_decide,
    revocation_propose,
    revocation_returns,
)
from .self_evaluation import spot_check_draw, spot_check_replay
from .watch import MonitoringDeferred, monitoring_run


def _readers(request):
    if not can_read_monitoring(request.user):
        raise PermissionDenied


def _office(request):
    if not can_manage_monitoring(request.user):
        raise PermissionDenied


@login_required
def office(request, run_form=None, status=200):
    _readers(request)
    return render(request, "monitoring/office.html", {
        "runs": selectors.runs()[:50], "counts": selectors.counts(),
        "overdue": selectors.overdue_reports().count(),
        "can_manage": can_manage_monitoring(request.user), "run_form": run_form or RunForm()}, status=status)


@login_required
@require_POST
def run_now(request):
    _office(request)
    form = RunForm(request.POST)
    if form.is_valid():
        try:
            run = monitoring_run(program_id=form.cleaned_data["program"].pk, actor=request.user)
        except MonitoringDeferred as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Monitoring ran: %(n)s incident(s) opened.") % {"n": run.incidents_opened})
            return redirect("monitoring-office")
    return office(request, run_form=form, status=400)


@login_required
def incident_list(request):
    _readers(request)
    status = request.GET.get("status", "")
    items = selectors.incidents().order_by("-opened_at", "-id")
    if status in Incident.Status.values:
        items = items.filter(status=status)
    return render(request, "monitoring/incidents.html", {
        "incidents": items[:200], "status": status, "statuses": Incident.Status.choices})


def _incident_page(request, incident, status=200, **forms):
    manage = can_manage_monitoring(request.user)
    member = is_winner_member(request.user, incident.application)
    open_ = incident.status != Incident.Status.CLOSED
    context = {
        "incident": incident, "can_manage": manage, "is_member": member,
        "explain_form": forms.get("explain_form") or (ExplainForm(initial={"explanation": incident.explanation})
                                                      if member and open_ else None),
        "close_form": forms.get("close_form") or (CloseForm() if manage and open_ else None),
        "propose_form": forms.get("propose_form") or (
            ProposeForm(initial={"event_on": incident.occurred_on,
                                 "ground": Revocation.Ground.FRAUD if incident.kind == Incident.Kind.FRAUD
                                 else Revocation.Ground.ACCIDENT})
            if manage and incident.application.state == ApplicationState.AWARDED else None),
        "revocations": incident.revocations.all(),
    }
    return render(request, "monitoring/incident.html", context, status=status)


def _incident(pk):
    return get_object_or_404(selectors.incidents(), pk=pk)


@login_required
def incident_detail(request, pk):
    incident = _incident(pk)
    if not can_view_incident(request.user, incident):
        raise PermissionDenied
    return _incident_page(request, incident)


@login_required
@require_POST
def incident_close_view(request, pk):
    _office(request)
    incident = _incident(pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            incident_close(incident_id=incident.pk, actor=request.user, finding=form.cleaned_data["finding"],
                           text=form.cleaned_data["text"])
        except MonitoringError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The incident is closed."))
            return redirect("monitoring-incident", pk=incident.pk)
    return _incident_page(request, incident, status=400, close_form=form)


@login_required
@require_POST
def incident_propose(request, pk):
    _office(request)
    incident = _incident(pk)
    form = ProposeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            revocation = revocation_propose(application_id=incident.application_id, actor=request.user,
                                            ground=data["ground"], event_on=data["event_on"],
                                            proposal=data["proposal"], incident_id=incident.pk)
        except MonitoringError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Revocation proposed; it goes to the committee."))
            return redirect("monitoring-revocation", pk=revocation.pk)
    return _incident_page(request, incident, status=400, propose_form=form)


def _award(pk):
    return get_object_or_404(Application.objects.select_related("organization", "round__program"), pk=pk,
                             state=ApplicationState.AWARDED)


@login_required
def incident_new(request, application_pk):
    """The office records an incident (e.g. a proven fraud) on a standing award."""
    _office(request)
    application = _award(application_pk)
    form = RecordIncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident = incident_record(application_id=application.pk, actor=request.user, kind=data["kind"],
                                       occurred_on=data["occurred_on"], title=data["title"],
                                       description=data["description"])
        except MonitoringError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The incident is recorded; the winner is asked for an explanation."))
            return redirect("monitoring-incident", pk=incident.pk)
    return render(request, "monitoring/incident_new.html", {"application": application, "form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
def revocation_list(request):
    _readers(request)
    winners = []
    if can_manage_monitoring(request.user):
        winners = (Application.objects.filter(state=ApplicationState.AWARDED)
                   .select_related("organization", "round__program", "tier").order_by("round__program", "pk")[:500])
    return render(request, "monitoring/revocations.html", {
        "revocations": selectors.revocations()[:200], "winners": winners})


def _revocation(pk):
    return get_object_or_404(selectors.revocations(), pk=pk)


def _revocation_page(request, revocation, status=200, **forms):
    manage = can_manage_monitoring(request.user)
    state = revocation.status
    default_announcement = _(
        "By approval of %(body)s, the %(program)s of %(org)s is revoked; its plaque, certificate and funds are "
        "recovered.") % {"body": revocation.application.round.program.issuing_government,
                         "program": revocation.application.round.program.name,
                         "org": revocation.application.organization.name}
    context = {
        "revocation": revocation, "can_manage": manage,
        "committee_form": forms.get("committee_form") or (
            CommitteeForm() if state == Revocation.Status.PROPOSED and can_record_committee_decision(request.user)
            else None),
        "approve_form": forms.get("approve_form") or (
            ApproveForm(initial={"announcement": default_announcement})
            if state == Revocation.Status.COMMITTEE_AGREED and manage else None),
        "returns_form": forms.get("returns_form") or (
            ReturnsForm(initial={"plaque_returned_on": revocation.plaque_returned_on,
                                 "certificate_returned_on": revocation.certificate_returned_on})
            if state == Revocation.Status.REVOKED and manage else None),
        "payments": revocation.application.payments.all(),
        "certificate": getattr(revocation.application, "certificate", None)
        if hasattr(revocation.application, "certificate") else None,
    }
    return render(request, "monitoring/revocation.html", context, status=status)


@login_required
def revocation_detail(request, pk):
    _readers(request)
    return _revocation_page(request, _revocation(pk))


@login_required
@require_POST
def revocation_propose_view(request, application_pk):
    _office(request)
    application = _award(application_pk)
    form = ProposeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            revocation = revocation_propose(application_id=application.pk, actor=request.user, ground=data["ground"],
                                            event_on=data["event_on"], proposal=data["proposal"])
        except MonitoringError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Revocation proposed; it goes to the committee."))
            return redirect("monitoring-revocation", pk=revocation.pk)
    return render(request, "monitoring/propose.html", {"application": application, "form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def revocation_committee_view(request, pk):
    if not can_record_committee_decision(request.user):
        raise PermissionDenied
    return _revocation_step(request, pk, CommitteeForm, revocation_committee_decide, "committee_form",
                            _("The committee's decision is recorded."))


def _revocation_step(request, pk, form_class, service, form_name, done):
    """One step of a revocation from its page: the form's fields are the service's arguments; a
    refusal shows on the form with what was typed (400), success goes back to the revocation."""
    revocation = _revocation(pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(revocation_id=revocation.pk, actor=request.user, **form.cleaned_data)
        except MonitoringError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, done)
            return redirect("monitoring-revocation", pk=revocation.pk)
    return _revocation_page(request, revocation, status=400, **{form_name: form})


@login_required
@require_POST
def revocation_approve_view(request, pk):
    _office(request)
    return _revocation_step(request, pk, ApproveForm, revocation_approve, "approve_form",
                            _("The award is revoked and the announcement published."))


@login_required
@require_POST
def revocation_returns_view(request, pk):
    _office(request)
    return _revocation_step(request, pk, ReturnsForm, revocation_returns, "returns_form",
                            _("The returns are recorded."))


@login_required
def report_list(request, form=None, status=200):
    _readers(request)
    return render(request, "monitoring/reports.html", {
        "overdue": selectors.overdue_reports()[:200],
        "filed": selectors.reports().filter(status="filed").order_by("-filed_at")[:200],
        "spot_checks": selectors.spot_checks()[:50],
        "form": form or (SpotCheckForm() if can_manage_monitoring(request.user) else None)}, status=status)


@login_required
@require_POST
def spot_check_draw_view(request):
    _office(request)
    form = SpotCheckForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            check = spot_check_draw(program_id=data["program"].pk, year=data["year"], size=data["size"],
                                    public_input=data["public_input"], actor=request.user)
        except MonitoringError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("monitoring-spot-check", pk=check.pk)
    return report_list(request, form=form, status=400)


@login_required
def spot_check_detail(request, pk):
    _readers(request)
    check = get_object_or_404(selectors.spot_checks(), pk=pk)
    drawn = list(selectors.reports().filter(pk__in=check.sample).order_by("pk"))
    return render(request, "monitoring/spot_check.html", {"check": check, "drawn": drawn,
                                                          "replayed": spot_check_replay(check)})

