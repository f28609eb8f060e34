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


@pytest.fixture
def hangzhou_in_force_all_along(hangzhou):
    """The mechanics (reminding, chasing, filing, drawing) at any date: measures with no start day."""
    hangzhou.in_force_from = None
    hangzhou.save(update_fields=["in_force_from"])
    return hangzhou


def test_due_dates_of_an_award_granted_in_2024(hangzhou_in_force_all_along):
    # From the year after the award, every two years within five: reports on the previous year.
    assert due_dates(hangzhou_in_force_all_along, 2024) == [
        (1, 2024, datetime.date(2025, 6, 30)),
        (2, 2026, datetime.date(2027, 6, 30)),
        (3, 2028, datetime.date(2029, 6, 30)),
    ]
    assert due_dates(AwardProgram.objects.get(code="beijing"), 2024) == []


def test_no_report_is_owed_before_the_measures_took_effect(hangzhou):
    # hz2025 七: in force from 2025-11-30. A report due before it is not owed; one due after it is,
    # also by a winner awarded under the earlier measures (§六(四) binds every municipal winner).
    assert hangzhou.in_force_from == datetime.date(2025, 11, 30)
    assert due_dates(hangzhou, 2023) == [
        (2, 2025, datetime.date(2026, 6, 30)),
        (3, 2027, datetime.date(2028, 6, 30)),
    ]
    assert due_dates(hangzhou, 2024) == [
        (2, 2026, datetime.date(2027, 6, 30)),
        (3, 2028, datetime.date(2029, 6, 30)),
    ]
    assert due_dates(hangzhou, 2026) == [
        (1, 2026, datetime.date(2027, 6, 30)),
        (2, 2028, datetime.date(2029, 6, 30)),
        (3, 2030, datetime.date(2031, 6, 30)),
    ]
    assert due_dates(hangzhou, 2019) == []  # its five years ended before the measures


def test_schedule_creates_no_row_due_before_the_measures(hangzhou):
    winner = _winner(hangzhou, 2023)
    assert schedule_reports() == 2
    rows = list(SelfEvaluationReport.objects.filter(application=winner).order_by("sequence")
                .values_list("sequence", "covers_year", "due_on"))
    assert rows == [(2, 2025, datetime.date(2026, 6, 30)), (3, 2027, datetime.date(2028, 6, 30))]
    assert not SelfEvaluationReport.objects.filter(due_on__lt=hangzhou.in_force_from).exists()
    assert schedule_reports() == 0


def test_a_row_due_before_the_measures_is_neither_reminded_nor_chased(hangzhou, make_user):
    # A row scheduled before the program's start day was set stays, but is not owed.
    winner = _winner(hangzhou, 2023)
    member_of(make_user, winner)
    early = SelfEvaluationReport.objects.create(application=winner, sequence=1, covers_year=2023,
                                                due_on=datetime.date(2024, 6, 30))
    assert remind_and_chase(today=datetime.date(2024, 7, 15)) == {"reminded": 0, "chased": 0}
    schedule_reports()
    assert remind_and_chase(today=datetime.date(2026, 7, 15)) == {"reminded": 0, "chased": 1}
    early.refresh_from_db()
    assert early.chased_at is None


def _winner(program, year):
    rnd = make_round(program, phase=RoundPhase.CLOSED, year=year,
                     deadline=timezone.make_aware(datetime.datetime(year, 3, 1)))
    return make_application(rnd, make_org(), state=ApplicationState.AWARDED)


def test_schedule_remind_chase_and_file(hangzhou_in_force_all_along, make_user, django_capture_on_commit_callbacks):
    hangzhou = hangzhou_in_force_all_along
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


def test_spot_check_is_seeded_recorded_and_replayable(hangzhou_in_force_all_along, make_user):
    hangzhou = hangzhou_in_force_all_along
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
