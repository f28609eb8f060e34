"""Celery tasks of the notices app. Thin: they call services."""

from celery import shared_task

from .objections import overdue_alert


@shared_task(name="notices.alert_overdue_objections")
def alert_overdue_objections_task() -> int:
    """Daily (beat, migration 0003): alert the office of objections past their verification limit."""
    return overdue_alert()
