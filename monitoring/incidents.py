"""Incidents after monitoring opened them: the winner explains, the winner reports one itself
(bj2020 art. 27: 获奖组织应及时书面报告评审办), the office records one (e.g. proven fraud) and closes
each with a finding. Every write locks the incident (or the award) and is audited."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import ApplicationState
from applications.models import Application
from award_portal.audit import audit_record

from .errors import MonitoringError
from .models import Incident
from .notifications import ask_explanation, notify_office_of_explanation, notify_office_of_incident
from .permissions import can_manage_monitoring, is_winner_member


def _text(value, message):
    value = (value or "").strip()
    if not value:
        raise MonitoringError(message, "input")
    return value


def _date(value, today):
    if not isinstance(value, datetime.date):
        raise MonitoringError(_("Give the date of the incident."), "input")
    if value > today:
        raise MonitoringError(_("The date cannot be in the future."), "input")
    return value


def _locked(incident_id) -> Incident:
    incident = (Incident.objects.select_for_update(of=("self",)).select_related("application__organization")
                .filter(pk=incident_id).first())
    if incident is None:
        raise MonitoringError(_("No such incident."), "not_found")
    return incident


@transaction.atomic
def incident_explain(*, incident_id: int, actor, explanation: str) -> Incident:
    """The winner's written explanation (open → explained; a later one replaces it until closed)."""
    incident = _locked(incident_id)
    if not is_winner_member(actor, incident.application):
        raise MonitoringError(_("Only members of the winning organisation explain its incidents."), "role")
    if incident.status == Incident.Status.CLOSED:
        raise MonitoringError(_("This incident is closed."), "state")
    explanation = _text(explanation, _("Write the explanation."))
    before = {"status": incident.status}
    incident.explanation, incident.explained_by, incident.explained_at = explanation, actor, timezone.now()
    incident.status = Incident.Status.EXPLAINED
    incident.save(update_fields=["explanation", "explained_by", "explained_at", "status"])
    audit_record(action="monitoring.incident_explained", obj=incident, actor=actor, before=before,
                 after={"status": incident.status, "explanation": explanation})
    transaction.on_commit(lambda: notify_office_of_explanation(incident))
    return incident


def _award(application_id) -> Application:
    application = (Application.objects.select_for_update(of=("self",)).select_related("organization")
                   .filter(pk=application_id).first())
    if application is None:
        raise MonitoringError(_("No such award."), "not_found")
    if application.state != ApplicationState.AWARDED:
        raise MonitoringError(_("Only a standing award can have incidents."), "state")
    return application


@transaction.atomic
def incident_self_report(*, application_id: int, actor, occurred_on, title: str, description: str) -> Incident:
    """The winner reports an incident itself; the office is alerted. It counts as explained: the
    report is the written account."""
    application = _award(application_id)
    if not is_winner_member(actor, application):
        raise MonitoringError(_("Only members of the winning organisation report its incidents."), "role")
    occurred_on = _date(occurred_on, timezone.localdate())
    title = _text(title, _("Give a short summary."))[:300]
    description = _text(description, _("Describe what happened."))
    incident = Incident.objects.create(
        application=application, source=Incident.Source.SELF_REPORT, kind=Incident.Kind.ACCIDENT,
        occurred_on=occurred_on, title=title, description=description, opened_by=actor,
        status=Incident.Status.EXPLAINED, explanation=description, explained_by=actor, explained_at=timezone.now())
    audit_record(action="monitoring.incident_reported", obj=incident, actor=actor,
                 after={"application": application.pk, "occurred_on": occurred_on, "title": title})
    transaction.on_commit(lambda: notify_office_of_incident(incident))
    return incident


@transaction.atomic
def incident_record(*, application_id: int, actor, kind: str, occurred_on, title: str,
                    description: str) -> Incident:
    """The office records an incident it learnt of otherwise (a proven fraud, a report); the
    winner is asked for its explanation."""
    if not can_manage_monitoring(actor):
        raise MonitoringError(_("Only the review office records incidents."), "role")
    if kind not in Incident.Kind.values:
        raise MonitoringError(_("Choose one of the listed kinds."), "input")
    application = _award(application_id)
    occurred_on = _date(occurred_on, timezone.localdate())
    title = _text(title, _("Give a short summary."))[:300]
    incident = Incident.objects.create(application=application, source=Incident.Source.OFFICE, kind=kind,
                                       occurred_on=occurred_on, title=title, description=(description or "").strip(),
                                       opened_by=actor)
    audit_record(action="monitoring.incident_recorded", obj=incident, actor=actor,
                 after={"application": application.pk, "kind": kind, "occurred_on": occurred_on, "title": title})
    transaction.on_commit(lambda: ask_explanation(incident))
    return incident


@transaction.atomic
def incident_close(*, incident_id: int, actor, finding: str, text: str) -> Incident:
    """The office closes an incident with its finding (no action, or grounds for revocation)."""
    if not can_manage_monitoring(actor):
        raise MonitoringError(_("Only the review office closes incidents."), "role")
    if finding not in Incident.Finding.values:
        raise MonitoringError(_("Choose one of the listed findings."), "input")
    text = _text(text, _("Write the finding: it is recorded in the audit trail."))
    incident = _locked(incident_id)
    if incident.status == Incident.Status.CLOSED:
        raise MonitoringError(_("This incident is already closed."), "state")
    before = {"status": incident.status}
    incident.status, incident.finding, incident.finding_text = Incident.Status.CLOSED, finding, text
    incident.closed_by, incident.closed_at = actor, timezone.now()
    incident.save(update_fields=["status", "finding", "finding_text", "closed_by", "closed_at"])
    audit_record(action="monitoring.incident_closed", obj=incident, actor=actor, before=before,
                 after={"status": incident.status, "finding": finding, "text": text})
    return incident
