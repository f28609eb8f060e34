"""Foundation tasks. Thin: they call services."""

from celery import shared_task

from .audit import audit_record


@shared_task(name="award_portal.record_heartbeat")
def record_heartbeat_task(*, note: str = "") -> int:
    """Writes one audit entry: proves a worker reaches the database (used by beat and tests)."""
    event = audit_record(action="system.heartbeat", role="system", after={"note": note})
    return event.pk
