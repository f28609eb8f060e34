"""Revoking an award, step by step: the office proposes (from an incident or a proven fraud), the
committee decides (a recorded decision, no vote), the government approves, and then, in the same
transaction as the approval, REVOKE runs (owned here), the announcement is published with the
audit head hash, and the payments are recovered (awards.funding.payment_recover). The plaque and
the certificate coming back are recorded afterwards.

The window is enforced for accidents (bj2020 art. 27 三年内, hz2025 §六(五) 两年内): the accident must
lie between the award and the end of the program's window. Fraud has none (bj2020 art. 24,
hz2025 §六(三)). Every step locks the revocation (or the award) and is audited.
"""

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.eligibility import add_years
from applications.enums import Action, ApplicationState
from applications.models import Application
from applications.workflow import TransitionError, application_transition
from award_portal.audit import audit_record
from awards.errors import AwardsError
from awards.funding import payment_recover
from awards.models import Payment

from .errors import MonitoringError
from .incidents import incident_close
from .models import Incident, Revocation
from .permissions import can_manage_monitoring, can_record_committee_decision

REVOKE_OWNER = "monitoring.revocation.revocation_approve"


def award_date(application) -> datetime.date | None:
    certificate = getattr(application, "certificate", None) if hasattr(application, "certificate") else None
    if certificate is not None:
        return certificate.issued_on
    if application.state_changed_at:
        return timezone.localtime(application.state_changed_at).date()
    return None


def window_problem(application, ground, event_on) -> str | None:
    """Why an accident on `event_on` cannot ground a revocation (None: it can). Fraud: never."""
    if ground == Revocation.Ground.FRAUD:
        return None
    years = application.round.program.revocation_window_years
    if not years:
        return _("This program's measures provide revocation for fraud only.")
    awarded_on = award_date(application)
    if awarded_on is None:
        return _("The date of the award is unknown.")
    end = add_years(awarded_on, years)
    if not awarded_on <= event_on <= end:
        return _("The accident lies outside the revocation window (%(years)s years after the award: %(start)s to "
                 "%(end)s).") % {"years": years, "start": awarded_on, "end": end}
    return None


def _text(value, message):
    value = (value or "").strip()
    if not value:
        raise MonitoringError(message, "input")
    return value


def _locked(revocation_id) -> Revocation:
    revocation = (Revocation.objects.select_for_update(of=("self",)).select_related("application__round__program")
                  .filter(pk=revocation_id).first())
    if revocation is None:
        raise MonitoringError(_("No such revocation."), "not_found")
    return revocation


@transaction.atomic
def revocation_propose(*, application_id: int, actor, ground: str, event_on, proposal: str,
                       incident_id: int | None = None) -> Revocation:
    if not can_manage_monitoring(actor):
        raise MonitoringError(_("Only the review office proposes a revocation."), "role")
    if ground not in Revocation.Ground.values:
        raise MonitoringError(_("Choose one of the listed grounds."), "input")
    proposal = _text(proposal, _("Write the proposal and its reasons."))
    application = (Application.objects.select_for_update(of=("self",)).select_related("round__program", "organization")
                   .filter(pk=application_id).first())
    if application is None:
        raise MonitoringError(_("No such award."), "not_found")
    if application.state != ApplicationState.AWARDED:
        raise MonitoringError(_("Only a standing award can be revoked."), "state")
    incident = None
    if incident_id:
        incident = Incident.objects.filter(pk=incident_id, application=application).first()
        if incident is None:
            raise MonitoringError(_("The incident does not concern this award."), "input")
        event_on = event_on or incident.occurred_on
    if not isinstance(event_on, datetime.date):
        raise MonitoringError(_("Give the date of the accident or of the fraud's discovery."), "input")
    problem = window_problem(application, ground, event_on)
    if problem:
        raise MonitoringError(problem, "window")
    if Revocation.objects.filter(application=application).exclude(status=Revocation.Status.REJECTED).exists():
        raise MonitoringError(_("A revocation of this award is already under way."), "exists")
    try:
        with transaction.atomic():
            revocation = Revocation.objects.create(application=application, incident=incident, ground=ground,
                                                   event_on=event_on, proposal=proposal, proposed_by=actor)
    except IntegrityError:
        raise MonitoringError(_("A revocation of this award is already under way."), "exists") from None
    audit_record(action="monitoring.revocation_proposed", obj=revocation, actor=actor,
                 after={"application": application.pk, "ground": ground, "event_on": event_on,
                        "incident": incident.pk if incident else None, "proposal": proposal})
    return revocation


@transaction.atomic
def revocation_committee_decide(*, revocation_id: int, actor, agreed: bool, decision: str,
                                decided_on=None) -> Revocation:
    """The committee's decision, recorded (by a committee member or the office)."""
    if not can_record_committee_decision(actor):
        raise MonitoringError(_("Only the committee or the review office records the committee's decision."), "role")
    decision = _text(decision, _("Write the committee's decision."))
    decided_on = decided_on or timezone.localdate()
    if decided_on > timezone.localdate():
        raise MonitoringError(_("The date cannot be in the future."), "input")
    revocation = _locked(revocation_id)
    if revocation.status != Revocation.Status.PROPOSED:
        raise MonitoringError(_("The committee has already decided on this revocation."), "state")
    before = {"status": revocation.status}
    revocation.status = Revocation.Status.COMMITTEE_AGREED if agreed else Revocation.Status.REJECTED
    revocation.committee_decision, revocation.committee_decided_on = decision, decided_on
    revocation.committee_recorded_by = actor
    revocation.save(update_fields=["status", "committee_decision", "committee_decided_on", "committee_recorded_by"])
    audit_record(action="monitoring.revocation_committee", obj=revocation, actor=actor, before=before,
                 after={"status": revocation.status, "decision": decision, "decided_on": decided_on})
    return revocation


@transaction.atomic
def revocation_approve(*, revocation_id: int, actor, approving_body: str, approval_number: str, approved_on,
                       announcement: str) -> Revocation:
    """The government's approval, and with it the revocation: REVOKE, the announcement with the
    audit head hash, the payments recovered. All or nothing."""
    if not can_manage_monitoring(actor):
        raise MonitoringError(_("Only the review office records the government's approval."), "role")
    approving_body = _text(approving_body, _("Name the approving government."))[:100]
    announcement = _text(announcement, _("Write the public announcement."))
    if not isinstance(approved_on, datetime.date) or approved_on > timezone.localdate():
        raise MonitoringError(_("Give the date of the approval (not in the future)."), "input")
    revocation = _locked(revocation_id)
    if revocation.status != Revocation.Status.COMMITTEE_AGREED:
        raise MonitoringError(_("The committee must agree before the government's approval is recorded."), "state")
    application = revocation.application
    reason = _("Award revoked: %(ground)s. Approved by %(body)s %(number)s on %(date)s.") % {
        "ground": revocation.get_ground_display(), "body": approving_body, "number": approval_number,
        "date": approved_on}
    try:
        application_transition(application_id=application.pk, action=Action.REVOKE, actor=actor, reason=reason,
                               expected_state=ApplicationState.AWARDED, owner=REVOKE_OWNER)
    except TransitionError as exc:
        raise MonitoringError(exc.message, "state") from exc
    recovered = Decimal("0")
    payments = Payment.objects.filter(application=application).exclude(status=Payment.Status.RECOVERED)
    for payment in payments.order_by("pk"):
        try:
            payment_recover(payment_id=payment.pk, actor=actor, reason=reason, recovered_on=approved_on)
        except AwardsError as exc:
            raise MonitoringError(exc.message if hasattr(exc, "message") else str(exc), "state") from exc
        recovered += payment.amount
    before = {"status": revocation.status}
    revocation.status, revocation.revoked_by, revocation.revoked_at = Revocation.Status.REVOKED, actor, timezone.now()
    revocation.approving_body, revocation.approval_number = approving_body, (approval_number or "").strip()[:64]
    revocation.approved_on, revocation.announcement, revocation.funds_recovered = approved_on, announcement, recovered
    revocation.save()
    event = audit_record(action="monitoring.revocation_announced", obj=revocation, actor=actor, before=before,
                         after={"status": revocation.status, "application": application.pk,
                                "approving_body": approving_body, "approval_number": revocation.approval_number,
                                "approved_on": approved_on, "funds_recovered": recovered,
                                "announcement": announcement})
    Revocation.objects.filter(pk=revocation.pk).update(audit_event_id=event.pk, audit_hash=event.hash)
    revocation.audit_event_id, revocation.audit_hash = event.pk, event.hash
    # The award is gone: incidents still open about it have nothing left to decide.
    closing = _("Closed with the revocation of the award (%(body)s %(number)s, %(date)s).") % {
        "body": approving_body, "number": revocation.approval_number, "date": approved_on}
    for incident_id in (Incident.objects.filter(application=application).exclude(status=Incident.Status.CLOSED)
                        .order_by("pk").values_list("pk", flat=True)):
        incident_close(incident_id=incident_id, actor=actor, finding=Incident.Finding.REVOCATION, text=closing)
    return revocation


@transaction.atomic
def revocation_returns(*, revocation_id: int, actor, plaque_returned_on=None,
                       certificate_returned_on=None) -> Revocation:
    """Record the plaque and the certificate coming back (收回奖牌、证书)."""
    if not can_manage_monitoring(actor):
        raise MonitoringError(_("Only the review office records returns."), "role")
    revocation = _locked(revocation_id)
    if revocation.status != Revocation.Status.REVOKED:
        raise MonitoringError(_("Returns are recorded once the award is revoked."), "state")
    today = timezone.localdate()
    for day in (plaque_returned_on, certificate_returned_on):
        if day is not None and (not isinstance(day, datetime.date) or day > today):
            raise MonitoringError(_("The date cannot be in the future."), "input")
    if plaque_returned_on is None and certificate_returned_on is None:
        raise MonitoringError(_("Give the date the plaque or the certificate came back."), "input")
    before = {"plaque": revocation.plaque_returned_on, "certificate": revocation.certificate_returned_on}
    revocation.plaque_returned_on = plaque_returned_on or revocation.plaque_returned_on
    revocation.certificate_returned_on = certificate_returned_on or revocation.certificate_returned_on
    revocation.save(update_fields=["plaque_returned_on", "certificate_returned_on"])
    audit_record(action="monitoring.revocation_returns", obj=revocation, actor=actor, before=before,
                 after={"plaque": revocation.plaque_returned_on, "certificate": revocation.certificate_returned_on})
    return revocation
