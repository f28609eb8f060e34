"""The demo's closed Hangzhou 2023 round and its winners' self-evaluation reports (issue 15, "Demo
data: ... one with an overdue self-evaluation report"): replayed through the services like the
Beijing 2016 round, its winners owe the reports falling due after the measures took effect
(2025-11-30); one filed its 2026 report, one did not and is chased, on the office's list and on
the winner's page. One demo load (seconds) for every check."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from applications.enums import ApplicationState, NoticeStage, RoundPhase
from applications.models import Application, Membership, Round
from award_portal.audit import AuditEvent
from award_portal.models import User
from awards.models import Approval, Certificate, CommendationDecision
from deliberation.models import Vote
from monitoring.models import Incident, SelfEvaluationReport, SpotCheck
from monitoring.selectors import overdue_reports
from monitoring.self_evaluation import spot_check_replay
from monitoring.watch import award_dates
from notices.models import PublicNotice

pytestmark = pytest.mark.django_db

D = datetime.date
FILED = {"杭州示范智造装备有限公司", "杭州示范数智物流有限公司"}
OVERDUE = "杭州示范康健医疗器械有限公司"


def test_a_closed_hangzhou_round_whose_winners_owe_reports_one_overdue_and_chased(client):
    call_command("load_demo")
    demo = Round.objects.get(program__code="hangzhou", year=2023)
    _the_round_was_replayed_through_its_program(demo)
    _the_winners_owe_the_reports_due_after_the_measures_one_filed_one_chased(demo, client)


def _the_round_was_replayed_through_its_program(demo):
    assert demo.phase == RoundPhase.CLOSED and demo.edition == 1
    assert Round.objects.get(program__code="hangzhou", year=2026).edition == 2
    applications = Application.objects.filter(round=demo)
    assert {a.organization.credit_code[2:6] for a in applications} == {"3301"}
    assert all(a.recommender_id is None for a in applications)  # filed with the bureau directly
    awarded = applications.filter(state=ApplicationState.AWARDED)
    assert sorted(awarded.values_list("tier__code", flat=True)) == ["innovation", "quality", "quality"]
    assert applications.filter(state=ApplicationState.NOT_PROPOSED).count() == 1
    # Three notices of 7 working days each, all in 2023, each ended before its list moved on.
    notices = {n.stage: n for n in PublicNotice.objects.filter(round=demo)}
    assert set(notices) == {NoticeStage.MATERIAL_REVIEW_LIST, NoticeStage.SITE_REVIEW_LIST,
                            NoticeStage.PROPOSED_WINNERS}
    assert all(n.working_days == 7 and n.starts_on.year == n.ends_on.year == 2023 for n in notices.values())
    # A secret ballot for 质量奖, a show of hands for 创新奖.
    assert dict(Vote.objects.filter(meeting__round=demo).values_list("tier__code", "method")) == {
        "quality": "secret_ballot", "innovation": "show_of_hands"}
    approval = Approval.objects.get(round=demo)
    assert approval.approving_body == "杭州市人民政府" and approval.approved_on.year == 2023
    assert "演示" in approval.document_number
    decision = CommendationDecision.objects.get(round=demo)
    assert "演示" in decision.document_number and decision.issued_on.year == 2023
    assert set(Certificate.objects.filter(decision=decision).values_list("issued_on", flat=True)) == {D(2023, 12, 20)}
    # Past the two-year revocation window on the demo's day: not screened, no incident.
    assert not set(awarded.values_list("pk", flat=True)) & {w[0] for w in award_dates(demo.program, D(2026, 11, 30))}
    assert not Incident.objects.filter(application__round=demo).exists()


def _the_winners_owe_the_reports_due_after_the_measures_one_filed_one_chased(demo, client):
    reports = SelfEvaluationReport.objects.filter(application__round=demo).select_related("application__organization")
    assert sorted({(r.sequence, r.covers_year, r.due_on) for r in reports}) == [
        (2, 2025, D(2026, 6, 30)), (3, 2027, D(2028, 6, 30))]
    assert reports.count() == 6  # three winners, none owing the report due 2024-06-30
    due_2026 = {r.application.organization.name: r for r in reports if r.due_on == D(2026, 6, 30)}
    for name in FILED:
        report = due_2026[name]
        assert report.status == SelfEvaluationReport.Status.FILED
        assert report.filed_at.year == 2026 and report.filed_at.date() <= report.due_on
        assert AuditEvent.objects.filter(action="monitoring.report_filed", object_id=str(report.pk)).exists()
    overdue = due_2026[OVERDUE]
    assert overdue.status == SelfEvaluationReport.Status.DUE and overdue.chased_at is not None
    assert AuditEvent.objects.filter(action="monitoring.report_chased", object_id=str(overdue.pk)).exists()
    assert list(overdue_reports(D(2026, 11, 30))) == [overdue]
    # The bureau's spot check of the reports due in 2026: one of the two filed, replayable.
    check = SpotCheck.objects.get(program=demo.program, year=2026)
    assert sorted(check.population) == sorted(due_2026[n].pk for n in FILED) and len(check.sample) == 1
    assert spot_check_replay(check)
    # The office sees it chased; the winner sees it overdue on its page.
    client.force_login(User.objects.get(username="office"))
    body = client.get(reverse("monitoring-reports")).content.decode()
    assert OVERDUE in body and overdue.chased_at.strftime("%Y-%m-%d") in body
    member = Membership.objects.filter(organization=overdue.application.organization).first().user
    client.force_login(member)
    body = client.get(reverse("monitoring-mine")).content.decode()
    assert 'class="overdue"' in body and "2025" in body
