"""Monitoring re-screens the winners inside their window against the new records only; it is
idempotent (a second run, or a run after an interrupted one, opens no duplicate and misses none)."""

from unittest import mock

import pytest
from django.core import mail
from django_celery_beat.models import PeriodicTask

from award_portal.notifications import Notification
from monitoring import watch
from monitoring.models import Incident, MonitoringRun, Watermark
from monitoring.tasks import monitor_winners_task

from .support import accident, beijing, days_ago, member_of, winner

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    return beijing()


def test_major_accident_inside_the_window_opens_an_incident_outside_it_does_not(program, make_user):
    office = make_user("office", email="office@example.org")
    inside = winner(program, days_ago(400))
    long_ago = winner(program, days_ago(365 * 3 + 60))  # window ended two months ago
    before_award = winner(program, days_ago(100))
    member = member_of(make_user, inside)
    accident(inside, days_ago(30))
    accident(inside, days_ago(20), grade="较大")  # a warning, not serious
    accident(long_ago, days_ago(30))
    accident(before_award, days_ago(200))  # occurred before the award
    with mock.patch("django.db.transaction.on_commit", lambda fn, **kw: fn()):
        run = watch.monitoring_run(program_id=program.pk)
    assert run.winners == 2  # the one outside its window is not monitored at all
    incidents = list(Incident.objects.all())
    assert [(i.application_id, i.grade, i.rule.code) for i in incidents] == [(inside.pk, "重大", "major-accident-3y")]
    assert incidents[0].status == Incident.Status.OPEN and incidents[0].record_id
    # The office is alerted and the winner asked for its explanation (portal and mail).
    assert Notification.objects.filter(user=office).count() == 1
    assert Notification.objects.filter(user=member, link__contains=f"/incidents/{incidents[0].pk}/").exists()
    assert any("office@example.org" in m.to for m in mail.outbox)


def test_running_twice_opens_no_duplicate_and_reads_only_new_records(program):
    awarded = winner(program, days_ago(400))
    accident(awarded, days_ago(30))
    first = watch.monitoring_run(program_id=program.pk)
    second = watch.monitoring_run(program_id=program.pk)
    assert (first.incidents_opened, second.incidents_opened) == (1, 0)
    assert second.record_from == first.record_to  # the watermark moved: the second read nothing old
    accident(awarded, days_ago(10))
    third = watch.monitoring_run(program_id=program.pk)
    assert third.incidents_opened == 1 and third.record_from == first.record_to
    assert Incident.objects.count() == 2
    # A full re-screening of the same winners finds the same two and opens nothing new.
    full = watch.monitoring_run(program_id=program.pk, kind=MonitoringRun.Kind.FULL)
    assert full.record_from == 0 and full.incidents_opened == 0 and Incident.objects.count() == 2


def test_an_interrupted_run_leaves_nothing_and_the_next_one_misses_nothing(program):
    awarded = winner(program, days_ago(400))
    accident(awarded, days_ago(30))
    real_screen = watch._screen

    def killed(*args, **kwargs):
        real_screen(*args, **kwargs)  # the incidents are written …
        raise RuntimeError("worker killed")  # … and the worker dies before the commit

    with mock.patch.object(watch, "_screen", killed), pytest.raises(RuntimeError):
        watch.monitoring_run(program_id=program.pk)
    assert Incident.objects.count() == 0 and MonitoringRun.objects.count() == 0
    mark = Watermark.objects.filter(program=program).first()
    assert mark is None or mark.last_record_id == 0
    run = watch.monitoring_run(program_id=program.pk)
    assert run.incidents_opened == 1 and Incident.objects.count() == 1
    assert watch.monitoring_run(program_id=program.pk).incidents_opened == 0


def test_a_running_import_defers_the_run(program):
    from bigdata.models import ImportBatch, RecordSource

    ImportBatch.objects.create(source=RecordSource.objects.get(code="accident"), file_name="x.csv", file_sha256="0")
    with pytest.raises(watch.MonitoringDeferred):
        watch.monitoring_run(program_id=program.pk)
    assert watch.monitor_all()["beijing"] == "deferred"


def test_the_task_monitors_every_program_with_a_window(program):
    awarded = winner(program, days_ago(100))
    accident(awarded, days_ago(5))
    result = monitor_winners_task()
    assert result["beijing"] == 1 and "anhui" not in result


def test_the_beat_schedule_is_registered():
    tasks = set(PeriodicTask.objects.filter(enabled=True).values_list("task", flat=True))
    assert {"monitoring.monitor_winners", "monitoring.self_evaluation_reports"} <= tasks
    from award_portal.celery import app

    app.loader.import_default_modules()
    assert {"monitoring.monitor_winners", "monitoring.self_evaluation_reports"} <= set(app.tasks)
