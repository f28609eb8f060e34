"""The audit trail: append-only, hash-chained, written in the same transaction as the change.

Each entry stores the hash of the entry before it and the SHA-256 of that hash plus its own
canonical content, so changing or removing any row breaks the chain from that row on
(`manage.py verify_audit` names the first one). The ORM refuses updates and deletes; in
PostgreSQL a trigger refuses them too (migration 0002).
"""

import hashlib
import ipaddress
import json
from datetime import UTC

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address
from django.utils.translation import gettext_lazy as _

from .middleware import client_ip, current_request

GENESIS_HASH = "0" * 64
# An arbitrary constant: the advisory lock that serialises appends to the chain in PostgreSQL.
_CHAIN_LOCK_KEY = 19580


class AuditImmutableError(Exception):
    """Raised on any attempt to change or delete an audit entry."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditImmutableError("audit entries cannot be updated")

    def delete(self):
        raise AuditImmutableError("audit entries cannot be deleted")

    def bulk_create(self, *args, **kwargs):
        raise AuditImmutableError("audit entries are appended one at a time by audit_record()")

    def bulk_update(self, *args, **kwargs):
        raise AuditImmutableError("audit entries cannot be updated")


class AuditEvent(models.Model):
    created_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("actor"),
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=32, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id", "id"])]

    def __str__(self):
        return f"#{self.pk} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditImmutableError("audit entries cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditImmutableError("audit entries cannot be deleted")

    def canonical_content(self) -> str:
        """The entry's content as stable JSON: the bytes the hash covers."""
        content = {
            "created_at": self.created_at.astimezone(UTC).isoformat(),
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "role": self.role,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "before": self.before,
            "after": self.after,
            "ip": self.ip,
        }
        return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def compute_hash(self) -> str:
        return hashlib.sha256((self.prev_hash + self.canonical_content()).encode()).hexdigest()


def _jsonable(value) -> dict:
    # Round-trip through JSON now so that what is hashed equals what the database gives back.
    return json.loads(json.dumps(value or {}, default=str, ensure_ascii=False))


def _stored_ip(value: str | None) -> str | None:
    """The address as the database will give it back, so the hash covers the stored form.

    GenericIPAddressField compresses and lower-cases IPv6 on save; a value that is not an
    address at all (a forged X-Forwarded-For) is dropped rather than failing the write in
    PostgreSQL's inet column.
    """
    if not value:
        return None
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return None
    return clean_ipv6_address(value) if ":" in value else value


def _role_of(actor) -> str:
    from .roles import primary_role

    if actor is None:
        return "system"
    return primary_role(actor) or ""


def audit_record(*, action: str, obj=None, actor=None, role: str | None = None,
                 before: dict | None = None, after: dict | None = None,
                 object_type: str = "", object_id: str = "", object_repr: str = "",
                 request=None) -> AuditEvent:
    """Append one entry to the chain, inside the caller's transaction.

    `obj` fills the object fields from a model instance; the actor and IP default to the
    current request's user and address.
    """
    request = request or current_request()
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        if request.user.is_authenticated:
            actor = request.user
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:255]
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event = AuditEvent(
            created_at=timezone.now(),
            actor=actor,
            actor_name=(actor.get_username() if actor else "")[:150],
            role=role if role is not None else _role_of(actor),
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            object_repr=object_repr[:255],
            before=_jsonable(before),
            after=_jsonable(after),
            ip=_stored_ip(client_ip(request)),
            prev_hash=last or GENESIS_HASH,
        )
        event.hash = event.compute_hash()
        event.save(force_insert=True)
    return event


def audit_verify_chain():
    """Walk the chain in order; return (number checked, first bad event or None, reason)."""
    expected_prev = GENESIS_HASH
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != expected_prev:
            return checked, event, "previous-hash link broken (an entry before it was removed or changed)"
        if event.compute_hash() != event.hash:
            return checked, event, "content does not match its hash (the entry was changed)"
        expected_prev = event.hash
        checked += 1
    return checked, None, ""


def audit_events_for(obj):
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


POSTGRES_TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION award_portal_audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS award_portal_audit_append_only ON award_portal_auditevent;
CREATE TRIGGER award_portal_audit_append_only
    BEFORE UPDATE OR DELETE ON award_portal_auditevent
    FOR EACH ROW EXECUTE FUNCTION award_portal_audit_refuse_change();
"""

POSTGRES_TRIGGER_DROP_SQL = """
DROP TRIGGER IF EXISTS award_portal_audit_append_only ON award_portal_auditevent;
DROP FUNCTION IF EXISTS award_portal_audit_refuse_change();
"""
