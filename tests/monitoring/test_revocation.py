"""Revocation: proposed by the office, decided by the committee, approved by the government; then
the award is revoked (REVOKE owned here), the certificate's page says so, the winners list drops it,
the announcement carries the audit head, payments are recovered. The window binds accidents only."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from applications.enums import Action, ApplicationState
from applications.models import AwardProgram
from applications.workflow import TransitionError, application_transition
from award_portal.audit import AuditEvent
from award_portal.roles import Role
from awards import funding
from monitoring.errors import MonitoringError
from monitoring.incidents import incident_close, incident_explain, incident_record, incident_self_report
from monitoring.models import Incident, Revocation
from monitoring.revocation import (
    revocation_approve,
    revocation_committee_decide,
    revocation_propose,
    revocation_returns,
)
from tests.awards.support import approval_round, conferred, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def won(make_user):
    cache.clear()
    office = make_user(Role.OFFICE)
    o = approval_round(n_award=2, n_nomination=0, notice_days_ago=300)
    AwardProgram.objects.filter(pk=o.program.pk).update(revocation_window_years=2)
    o.office = office
    o.decision, o.certificates = conferred(office, o, days_ago=200)
    o.committee = make_user(Role.COMMITTEE)
    o.member = member(make_user, o.apps[0])
    o.apps = [type(a).objects.get(pk=a.pk) for a in o.apps]
    return o


def today():
    return timezone.localdate()


def revoke(o, application, *, ground=Revocation.Ground.ACCIDENT, event_on=None, incident_id=None):
    revocation = revocation_propose(application_id=application.pk, actor=o.office, ground=ground,
                                    event_on=event_on or today() - datetime.timedelta(days=10),
                                    proposal="获奖后两年内发生重大生产安全事故", incident_id=incident_id)
    revocation_committee_decide(revocation_id=revocation.pk, actor=o.committee, agreed=True,
                                decision="评审委员会同意撤销")
    return revocation_approve(revocation_id=revocation.pk, actor=o.office, approving_body="北京市人民政府",
                              approval_number="京政字〔2026〕9号", approved_on=today(),
                              announcement="经市政府批准，撤销该组织所获奖项，收回奖牌、证书和奖金。")


def test_the_whole_revocation_and_what_the_public_sees(client, won):
    o = won
    application = o.apps[0]
    payment = funding.payment_approve(program_id=o.program.pk, actor=o.office, application_id=application.pk)
    incident = incident_record(application_id=application.pk, actor=o.office, kind=Incident.Kind.ACCIDENT,
                               occurred_on=today() - datetime.timedelta(days=10), title="重大生产安全事故",
                               description="")
    incident_explain(incident_id=incident.pk, actor=o.member, explanation="事故经过及整改措施")
    results = reverse("notices-results")
    assert application.organization.name in client.get(results).content.decode()
    revocation = revoke(o, application, incident_id=incident.pk)
    application.refresh_from_db()
    assert application.state == ApplicationState.REVOKED
    assert revocation.status == Revocation.Status.REVOKED and revocation.funds_recovered == payment.amount
    payment.refresh_from_db()
    assert payment.status == "recovered"
    event = AuditEvent.objects.get(pk=revocation.audit_event_id)
    assert event.hash == revocation.audit_hash and event.action == "monitoring.revocation_announced"
    # The certificate's public page says revoked; the winners list no longer shows it.
    certificate = application.certificate
    page = client.get(reverse("awards-certificate-verify", args=[certificate.code])).content.decode()
    assert 'data-verdict="revoked"' in page
    cache.clear()
    body = client.get(results).content.decode()
    assert application.organization.name not in body and o.apps[1].organization.name in body
    announcement = client.get(reverse("monitoring-announcement", args=[revocation.pk])).content.decode()
    assert revocation.audit_hash in announcement and "撤销" in announcement
    assert application.organization.name in client.get(reverse("notices-revoked")).content.decode()
    revocation_returns(revocation_id=revocation.pk, actor=o.office, plaque_returned_on=today())
    revocation.refresh_from_db()
    assert revocation.plaque_returned_on == today()
    assert set(AuditEvent.objects.filter(object_type="monitoring.revocation").values_list("action", flat=True)) == {
        "monitoring.revocation_proposed", "monitoring.revocation_committee", "monitoring.revocation_announced",
        "monitoring.revocation_returns"}


def test_revoke_is_owned_by_the_revocation_service(won):
    with pytest.raises(TransitionError) as exc:
        application_transition(application_id=won.apps[0].pk, action=Action.REVOKE, actor=won.office, reason="x")
    assert exc.value.code == "owned"


def test_the_window_binds_accidents_but_not_fraud(won):
    o = won
    before_award = today() - datetime.timedelta(days=400)
    with pytest.raises(MonitoringError) as exc:
        revocation_propose(application_id=o.apps[0].pk, actor=o.office, ground=Revocation.Ground.ACCIDENT,
                           event_on=before_award, proposal="p")
    assert exc.value.code == "window"
    revocation = revocation_propose(application_id=o.apps[0].pk, actor=o.office, ground=Revocation.Ground.FRAUD,
                                    event_on=before_award, proposal="以弄虚作假手段骗取奖项")
    assert revocation.status == Revocation.Status.PROPOSED
    with pytest.raises(MonitoringError) as exc:
        revocation_propose(application_id=o.apps[0].pk, actor=o.office, ground=Revocation.Ground.FRAUD,
                           event_on=before_award, proposal="again")
    assert exc.value.code == "exists"


def test_steps_in_order_and_by_the_right_people(won):
    o = won
    revocation = revocation_propose(application_id=o.apps[0].pk, actor=o.office, ground=Revocation.Ground.FRAUD,
                                    event_on=today(), proposal="p")
    with pytest.raises(MonitoringError) as exc:
        revocation_approve(revocation_id=revocation.pk, actor=o.office, approving_body="g", approval_number="",
                           approved_on=today(), announcement="a")
    assert exc.value.code == "state"
    with pytest.raises(MonitoringError) as exc:
        revocation_propose(application_id=o.apps[1].pk, actor=o.committee, ground="fraud", event_on=today(),
                           proposal="p")
    assert exc.value.code == "role"
    revocation_committee_decide(revocation_id=revocation.pk, actor=o.committee, agreed=False, decision="证据不足")
    revocation.refresh_from_db()
    assert revocation.status == Revocation.Status.REJECTED
    # A rejected proposal frees the award for a new one.
    revocation_propose(application_id=o.apps[0].pk, actor=o.office, ground="fraud", event_on=today(), proposal="p2")


def test_the_winner_reports_an_incident_and_the_office_closes_it(won):
    o = won
    incident = incident_self_report(application_id=o.apps[0].pk, actor=o.member,
                                    occurred_on=today() - datetime.timedelta(days=3), title="质量事故",
                                    description="事故经过")
    assert incident.source == Incident.Source.SELF_REPORT and incident.status == Incident.Status.EXPLAINED
    with pytest.raises(MonitoringError) as exc:
        incident_self_report(application_id=o.apps[1].pk, actor=o.member, occurred_on=today(), title="t",
                             description="d")
    assert exc.value.code == "role"
    with pytest.raises(MonitoringError):
        incident_close(incident_id=incident.pk, actor=o.office, finding="no_action", text="  ")
    incident_close(incident_id=incident.pk, actor=o.office, finding="no_action", text="影响轻微，已整改")
    incident.refresh_from_db()
    assert incident.status == Incident.Status.CLOSED


def test_the_revocation_closes_the_awards_open_incidents_and_leaves_other_winners_alone(won):
    o = won
    first, other = o.apps[0], o.apps[1]
    pending = [incident_record(application_id=first.pk, actor=o.office, kind=Incident.Kind.ACCIDENT,
                               occurred_on=today() - datetime.timedelta(days=d), title=f"事故{d}", description="")
               for d in (10, 20)]
    incident_explain(incident_id=pending[1].pk, actor=o.member, explanation="书面说明")
    elsewhere = incident_record(application_id=other.pk, actor=o.office, kind=Incident.Kind.ACCIDENT,
                                occurred_on=today() - datetime.timedelta(days=5), title="另一获奖组织的事故",
                                description="")
    revoke(o, first, incident_id=pending[0].pk)
    for incident in pending:
        incident.refresh_from_db()
        assert incident.status == Incident.Status.CLOSED and incident.finding == Incident.Finding.REVOCATION
        assert "京政字〔2026〕9号" in incident.finding_text and incident.closed_by == o.office
        assert AuditEvent.objects.filter(object_type="monitoring.incident", object_id=str(incident.pk),
                                         action="monitoring.incident_closed").exists()
    elsewhere.refresh_from_db()
    assert elsewhere.status == Incident.Status.OPEN
