"""Every URL of the monitoring app for every role and the anonymous visitor: the office works, the
committee and supervisors read, the winner's members explain, report and file, announcements are
public. A monitoring URL without a row here fails `test_every_monitoring_url_has_a_row`."""

import datetime
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import get_resolver, reverse
from django.utils import timezone

from applications.models import AwardProgram, Membership
from award_portal.audit import AuditEvent
from award_portal.roles import Role
from monitoring.incidents import incident_record
from monitoring.models import SelfEvaluationReport
from monitoring.revocation import revocation_approve, revocation_committee_decide, revocation_propose
from monitoring.self_evaluation import report_file, schedule_reports, spot_check_draw
from tests.award_portal.test_permission_matrix import url_names
from tests.awards.support import approval_round, conferred

pytestmark = pytest.mark.django_db
PUBLIC = "public"
READERS = {Role.OFFICE, Role.SUPERVISOR, Role.COMMITTEE}
WINNER = {Role.APPLICANT}  # the applicant of the matrix is a member of the winner
EVERYONE = set(Role)

MATRIX = {
    "monitoring-office": ("get", None, READERS),
    "monitoring-run": ("post", None, {Role.OFFICE}),
    "monitoring-incidents": ("get", None, READERS),
    "monitoring-incident": ("get", lambda o: [o.incident.pk], READERS | WINNER),
    "monitoring-incident-explain": ("post", lambda o: [o.incident.pk], WINNER),
    "monitoring-incident-close": ("post", lambda o: [o.incident.pk], {Role.OFFICE}),
    "monitoring-incident-propose": ("post", lambda o: [o.incident.pk], {Role.OFFICE}),
    "monitoring-incident-new": ("get", lambda o: [o.standing.pk], {Role.OFFICE}),
    "monitoring-self-report": ("get", lambda o: [o.mine.pk], WINNER),
    "monitoring-revocation-propose": ("post", lambda o: [o.standing.pk], {Role.OFFICE}),
    "monitoring-revocations": ("get", None, READERS),
    "monitoring-revocation": ("get", lambda o: [o.revoked.pk], READERS),
    "monitoring-revocation-committee": ("post", lambda o: [o.proposed.pk], {Role.OFFICE, Role.COMMITTEE}),
    "monitoring-revocation-approve": ("post", lambda o: [o.proposed.pk], {Role.OFFICE}),
    "monitoring-revocation-returns": ("post", lambda o: [o.revoked.pk], {Role.OFFICE}),
    "monitoring-reports": ("get", None, READERS),
    "monitoring-report": ("get", lambda o: [o.report.pk], READERS | WINNER),
    "monitoring-spot-check-draw": ("post", None, {Role.OFFICE}),
    "monitoring-spot-check": ("get", lambda o: [o.check.pk], READERS),
    "monitoring-mine": ("get", None, WINNER),
    "monitoring-announcements": ("get", None, PUBLIC),
    "monitoring-announcement": ("get", lambda o: [o.revoked.pk], PUBLIC),
    "api-monitoring-runs": ("get", None, READERS),
    "api-monitoring-incidents": ("get", None, EVERYONE),
    "api-monitoring-incident-explain": ("post", lambda o: [o.incident.pk], WINNER),
    "api-monitoring-incident-close": ("post", lambda o: [o.incident.pk], {Role.OFFICE}),
    "api-monitoring-revocations": ("get", None, READERS),
    "api-monitoring-incident-report": ("post", None, WINNER),
    "api-monitoring-revocation-propose": ("post", None, {Role.OFFICE}),
    "api-monitoring-revocation-committee": ("post", lambda o: [o.proposed.pk], {Role.OFFICE, Role.COMMITTEE}),
    "api-monitoring-revocation-approve": ("post", lambda o: [o.proposed.pk], {Role.OFFICE}),
    "api-monitoring-reports": ("get", None, EVERYONE),
    "api-monitoring-report-file": ("post", lambda o: [o.due.pk], WINNER),
}


def test_every_monitoring_url_has_a_row():
    names = {n for n in url_names(get_resolver()) if n.startswith(("monitoring-", "api-monitoring-"))}
    assert sorted(names - set(MATRIX)) == []
    assert sorted(set(MATRIX) - names) == []


def monitored_world(make_user):
    """Three winners of a Hangzhou-like program (2-year window, reports every 2 years for 5): the
    first with an incident and reports (its member is the applicant), the second standing, the
    third revoked and announced; a fourth with a revocation proposed; a spot check drawn."""
    cache.clear()
    users = {role: make_user(role) for role in Role}
    office = users[Role.OFFICE]
    o = approval_round(n_award=4, n_nomination=0, notice_days_ago=300)
    AwardProgram.objects.filter(pk=o.program.pk).update(revocation_window_years=2, self_evaluation_interval_years=2,
                                                        self_evaluation_period_years=5)
    conferred(office, o, days_ago=200)
    mine, standing, revoked, proposed = [type(a).objects.get(pk=a.pk) for a in o.apps]
    Membership.objects.create(user=users[Role.APPLICANT], organization=mine.organization)
    today = timezone.localdate()
    incident = incident_record(application_id=mine.pk, actor=office, kind="accident", title="重大事故",
                               occurred_on=today - datetime.timedelta(days=5), description="")
    r = revocation_propose(application_id=revoked.pk, actor=office, ground="fraud", event_on=today, proposal="p")
    revocation_committee_decide(revocation_id=r.pk, actor=users[Role.COMMITTEE], agreed=True, decision="同意")
    r = revocation_approve(revocation_id=r.pk, actor=office, approving_body="市政府", approval_number="1",
                           approved_on=today, announcement="撤销公告")
    pending = revocation_propose(application_id=proposed.pk, actor=office, ground="fraud", event_on=today,
                                 proposal="p")
    schedule_reports()
    reports = list(SelfEvaluationReport.objects.filter(application=mine).order_by("sequence"))
    # Filed report: due date moved into the past by test setup, then filed through the service.
    SelfEvaluationReport.objects.filter(pk=reports[0].pk).update(due_on=datetime.date(today.year - 1, 6, 30))
    report_file(report_id=reports[0].pk, actor=users[Role.APPLICANT], text="自我评价报告")
    check = spot_check_draw(program_id=o.program.pk, year=today.year - 1, size=1, public_input="x", actor=office)
    return SimpleNamespace(users=users, program=o.program, mine=mine, standing=standing, incident=incident,
                           revoked=r, proposed=pending, report=reports[0], due=reports[1], check=check)


@pytest.fixture
def objects(make_user):
    return monitored_world(make_user)


def refused(response, anonymous) -> bool:
    if response.status_code in (401, 403, 404, 405):
        return True
    return anonymous and response.status_code == 302 and response["Location"].startswith(reverse(settings.LOGIN_URL))


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_who_may_open_it(client, objects, name):
    method, args, who = MATRIX[name]
    url = reverse(name, args=args(objects) if args else None)
    for key in [*Role, None]:
        cache.clear()
        client.logout()
        if key is not None:
            client.force_login(objects.users[key])
        before = AuditEvent.objects.count()
        response = getattr(client, method)(url)
        assert response.status_code < 500, (name, key, response.status_code)
        if who == PUBLIC or key in who:
            assert not refused(response, key is None), (name, key, response.status_code)
        else:
            assert refused(response, key is None), (name, key, response.status_code)
            assert AuditEvent.objects.count() == before, (name, key)
