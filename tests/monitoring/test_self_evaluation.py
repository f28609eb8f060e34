"""Self-evaluation reports (hz2025 §六(四)): due dates from the program's settings, reminders ahead,
chasing overdue reports, filing, and a seeded spot check anyone can replay."""

import datetime

import pytest
from django.utils import timezone

from applications.enums import ApplicationState, RoundPhase
from applications.models import AwardProgram
from applications.program_fixtures import load_all_programs
from award_portal.notifications import Notification
from award_portal.roles import Role
from monitoring.errors import MonitoringError
from monitoring.models import SelfEvaluationReport
from monitoring.self_evaluation import (
    due_dates,
    remind_and_chase,
    report_file,
    schedule_reports,
    spot_check_draw,
    spot_check_replay,
)
from monitoring.tasks import self_evaluation_reports_task
from tests.applications.factories import make_application, make_org, make_round

from .support import member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def hangzhou():
    load_all_programs()
    return AwardProgram.objects.get(code="hangzhou")


def test_due_dates_of_an_award_granted_in_2024(hangzhou):
    # From the year after the award, every two years within five: reports on the previous year.
    assert due_dates(hangzhou, 2024) == [
        (1, 2024, datetime.date(2025, 6, 30)),
        (2, 2026, datetime.date(2027, 6, 30)),
        (3, 2028, datetime.date(2029, 6, 30)),
    ]
    assert due_dates(AwardProgram.objects.get(code="beijing"), 2024) == []


def _winner(program, year):
    rnd = make_round(program, phase=RoundPhase.CLOSED, year=year,
                     deadline=timezone.make_aware(datetime.datetime(year, 3, 1)))
    return make_application(rnd, make_org(), state=ApplicationState.AWARDED)


def test_schedule_remind_chase_and_file(hangzhou, make_user, django_capture_on_commit_callbacks):
    this_year = timezone.localdate().year
    overdue_winner = _winner(hangzhou, this_year - 2)  # first report due last June
    member = member_of(make_user, overdue_winner)
    assert schedule_reports() == 3
    assert schedule_reports() == 0  # idempotent
    first = SelfEvaluationReport.objects.get(application=overdue_winner, sequence=1)
    assert first.due_on < timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        result = remind_and_chase()
    assert result["chased"] == 1
    assert Notification.objects.filter(user=member, link__contains=f"/reports/{first.pk}/").exists()
    assert remind_and_chase()["chased"] == 0  # not again until MONITORING_CHASE_DAYS have passed
    # A reminder ahead of a due date, once.
    second = SelfEvaluationReport.objects.get(application=overdue_winner, sequence=2)
    assert remind_and_chase(today=second.due_on - datetime.timedelta(days=40))["reminded"] == 0
    assert remind_and_chase(today=second.due_on - datetime.timedelta(days=10))["reminded"] == 1
    assert remind_and_chase(today=second.due_on - datetime.timedelta(days=9))["reminded"] == 0
    with pytest.raises(MonitoringError):
        report_file(report_id=first.pk, actor=make_user(Role.APPLICANT), text="x")
    with pytest.raises(MonitoringError):
        report_file(report_id=first.pk, actor=member, text="  ")
    report_file(report_id=first.pk, actor=member, text="2024年度自我评价报告")
    first.refresh_from_db()
    assert first.status == SelfEvaluationReport.Status.FILED
    assert self_evaluation_reports_task()["scheduled"] == 0


def test_spot_check_is_seeded_recorded_and_replayable(hangzhou, make_user):
    office = make_user(Role.OFFICE)
    year = timezone.localdate().year - 2
    reports = []
    for _ in range(6):
        w = _winner(hangzhou, year - 1)
        m = member_of(make_user, w)
        schedule_reports()
        r = SelfEvaluationReport.objects.get(application=w, sequence=1)
        report_file(report_id=r.pk, actor=m, text="报告")
        reports.append(r.pk)
    check = spot_check_draw(program_id=hangzhou.pk, year=year, size=2, public_input="2026-11-30 公证员 0042",
                            actor=office)
    assert len(check.sample) == 2 and set(check.sample) <= set(reports) and check.population == sorted(reports)
    assert spot_check_replay(check)
    again = spot_check_draw(program_id=hangzhou.pk, year=year, size=2, public_input="2026-11-30 公证员 0042",
                            actor=office)
    assert again.sample == check.sample and again.seed == check.seed
    with pytest.raises(MonitoringError):
        spot_check_draw(program_id=hangzhou.pk, year=year, size=99, public_input="x", actor=office)
    check.sample = [reports[0], reports[1]] if check.sample != [reports[0], reports[1]] else reports[2:4]
    assert not spot_check_replay(check)
