"""Celery tasks of the monitoring app (scheduled by migration 0002). Thin: they call services."""

from celery import shared_task

from .self_evaluation import remind_and_chase, schedule_reports
from .watch import monitor_all


@shared_task(name="monitoring.monitor_winners")
def monitor_winners_task() -> dict:
    """Daily: re-screen every winner inside its window against the records imported since."""
    return monitor_all()


@shared_task(name="monitoring.self_evaluation_reports")
def self_evaluation_reports_task() -> dict:
    """Daily: schedule the reports winners owe, remind ahead of due dates, chase overdue ones."""
    created = schedule_reports()
    return {"scheduled": created, **remind_and_chase()}
