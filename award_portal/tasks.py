"""Foundation tasks. Thin: they call services."""

import logging

from celery import shared_task

from .audit import AuditEvent, audit_record
from .audit_anchor import anchor_last, anchor_path, audit_anchor_write

logger = logging.getLogger("award_portal.audit")


@shared_task(name="award_portal.record_heartbeat")
def record_heartbeat_task(*, note: str = "") -> int:
    """Writes one audit entry: proves a worker reaches the database (used by beat and tests)."""
    event = audit_record(action="system.heartbeat", role="system", after={"note": note})
    return event.pk


@shared_task(name="award_portal.anchor_audit")
def anchor_audit_task() -> int:
    """Appends the audit chain's head to the anchor file (beat, every 10 minutes: migration 0005).

    Cheap checks only (a full verification reads the whole trail: `manage.py verify_audit`):
    if the previous anchor's entry is gone or differs, the trail was cut or rewritten since,
    and the error is logged for the operator's alarm; the new anchor is written regardless,
    since the old one keeps proving what was there.
    """
    previous = anchor_last(anchor_path())
    if previous and previous.get("id"):
        stored = AuditEvent.objects.filter(pk=previous["id"]).values_list("hash", "mac").first()
        if stored != (previous.get("hash"), previous.get("mac")):
            logger.error(
                "audit trail truncated/rewritten after anchor %s (id %s): run manage.py verify_audit",
                previous.get("seq"), previous["id"])
    return audit_anchor_write()["id"]
