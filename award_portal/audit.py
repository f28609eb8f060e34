"""The audit trail: append-only, hash-chained, MAC'd, written in the same transaction as the change.

Each entry stores the hash of the entry before it and the SHA-256 of that hash plus its own
canonical content, so changing or removing any row breaks the chain from that row on
(`manage.py verify_audit` names the first one). A chain alone can be recomputed by whoever
can write the table, so each entry also carries an HMAC-SHA256 of its hash under a key that
is not in the database (settings.AUDIT_HMAC_KEY), and the chain head is anchored outside the
database (audit_anchor.py) so that cutting off the newest entries shows too. The ORM refuses
updates and deletes; in PostgreSQL a trigger refuses them too (migration 0002).

Privilege changes (group membership, permissions, the staff, superuser and active flags) are
audited here by signals, whatever code makes them (admin, shell, createsuperuser): the admin's
own edits are audited in admin.py.
"""

import hashlib
import hmac
import ipaddress
import json
from datetime import UTC

from django.conf import settings
from django.core import checks
from django.db import connection, models, transaction
from django.db.models.signals import m2m_changed, post_save, pre_save
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
    # HMAC-SHA256 of `hash` under AUDIT_HMAC_KEY; blank only on entries written before MACs.
    mac = models.CharField(max_length=64, blank=True, default="")

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


def audit_key() -> bytes:
    return str(settings.AUDIT_HMAC_KEY).encode()


def audit_mac(entry_hash: str) -> str:
    """The entry's MAC: HMAC-SHA256 of its hash under the key kept outside the database."""
    return hmac.new(audit_key(), entry_hash.encode(), hashlib.sha256).hexdigest()


@checks.register(checks.Tags.security)
def check_audit_key(app_configs=None, **kwargs):
    if getattr(settings, "AUDIT_HMAC_KEY_IS_DEVELOPMENT", False):
        return [checks.Warning(
            "The audit trail's MAC key is derived from SECRET_KEY (development only).",
            hint="Set AUDIT_HMAC_KEY or AUDIT_HMAC_KEY_FILE before the trail holds real entries.",
            id="award_portal.W001",
        )]
    return []


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
        event.mac = audit_mac(event.hash)
        event.save(force_insert=True)
    return event


def audit_verify_chain():
    """Walk the chain in order; return (number checked, first bad event or None, reason)."""
    walk = audit_walk()
    return walk.checked, walk.bad, walk.reason


class ChainWalk:
    """What one pass over the whole trail found (audit_walk)."""

    def __init__(self):
        self.checked = 0          # entries verified before the first bad one
        self.bad = None           # the first entry that does not verify
        self.reason = ""
        self.total = 0            # entries in the table
        self.unmaced = 0          # entries from before MACs, at the start of the trail
        self.last_id = 0
        self.seen = {}            # id -> (hash, mac) for the ids asked for


def _entry_problem(event, expected_prev, maced_before) -> str:
    if event.prev_hash != expected_prev:
        return "previous-hash link broken (an entry before it was removed or changed)"
    if event.compute_hash() != event.hash:
        return "content does not match its hash (the entry was changed)"
    if event.mac:
        if not hmac.compare_digest(event.mac, audit_mac(event.hash)):
            return "MAC does not match (the entry was changed and the chain recomputed without the key)"
    elif maced_before:
        return "MAC missing after MAC'd entries (the entry was inserted or rewritten)"
    return ""


def audit_walk(*, want_ids=frozenset()) -> ChainWalk:
    """Walk the whole chain once: links, hashes and MACs; remember the entries in `want_ids`.

    Entries without a MAC are accepted only at the start of the trail (written before MACs
    existed): the chain binds them to the first MAC'd entry after them.
    """
    walk = ChainWalk()
    expected_prev, maced = GENESIS_HASH, False
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        walk.total += 1
        walk.last_id = event.pk
        if event.pk in want_ids:
            walk.seen[event.pk] = (event.hash, event.mac)
        if walk.bad is None:
            problem = _entry_problem(event, expected_prev, maced)
            if problem:
                walk.bad, walk.reason = event, problem
            else:
                walk.checked += 1
                walk.unmaced += 0 if event.mac else 1
                maced = maced or bool(event.mac)
        expected_prev = event.hash
    return walk


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


# --- Privilege changes (GB/T 22239-2019 8.1.4.3: audit of security-relevant events) -------------
# Signals rather than a service: privileges change through the admin, the shell, createsuperuser
# and migrations alike, and each of those paths must leave a trace. The entry is written in
# the transaction of the change when there is one (the admin's views are atomic).

PRIVILEGE_FLAGS = ("is_active", "is_staff", "is_superuser")


def _user_flags_before(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._audit_flags_before = None
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(PRIVILEGE_FLAGS):
        return  # e.g. last_login on every login: no query
    instance._audit_flags_before = (
        sender._base_manager.filter(pk=instance.pk).values(*PRIVILEGE_FLAGS).first())


def _user_flags_after(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    now = {flag: getattr(instance, flag) for flag in PRIVILEGE_FLAGS}
    if created:
        if instance.is_staff or instance.is_superuser:
            audit_record(action="privilege.flags_changed", obj=instance, before={}, after=now)
        return
    before = getattr(instance, "_audit_flags_before", None)
    if not before:
        return
    changed = [flag for flag in PRIVILEGE_FLAGS if before[flag] != now[flag]]
    if changed:
        audit_record(action="privilege.flags_changed", obj=instance,
                     before={flag: before[flag] for flag in changed},
                     after={flag: now[flag] for flag in changed})


class _PrivilegeRelation:
    """One many-to-many relation that grants privileges, audited on every change of it."""

    def __init__(self, owner_label, attr, label_fields, action):
        self.owner_label, self.attr, self.label_fields, self.action = owner_label, attr, label_fields, action

    def owner_model(self):
        from django.apps import apps

        return apps.get_model(self.owner_label)

    def labels(self, owner_ids) -> dict:
        """owner id -> sorted labels of what it holds through the relation."""
        fields = [f"{self.attr}__{field}" for field in self.label_fields]
        held = {pk: set() for pk in owner_ids}
        rows = self.owner_model()._base_manager.filter(pk__in=owner_ids).values_list("pk", *fields)
        for pk, *parts in rows:
            if parts[0] is not None:
                held[pk].add(".".join(parts))
        return {pk: sorted(values) for pk, values in held.items()}

    def owner_ids(self, instance, reverse, pk_set):
        if not reverse:
            return [instance.pk]
        if pk_set is not None:
            return list(pk_set)
        return list(self.owner_model()._base_manager.filter(**{self.attr: instance}).values_list("pk", flat=True))

    def changed(self, sender, instance, action, reverse, pk_set, **kwargs):
        key = f"_audit_{self.attr}_before"
        if action.startswith("pre_"):
            setattr(instance, key, self.labels(self.owner_ids(instance, reverse, pk_set)))
            return
        before = instance.__dict__.pop(key, None)
        if before is None:
            return
        after = self.labels(list(before))
        owners = self.owner_model()._base_manager.in_bulk([pk for pk in before if before[pk] != after[pk]])
        for pk, owner in sorted(owners.items()):
            audit_record(action=self.action, obj=owner,
                         before={self.attr: before[pk]}, after={self.attr: after[pk]})


PRIVILEGE_RELATIONS = {
    f"{settings.AUTH_USER_MODEL}_groups": _PrivilegeRelation(
        settings.AUTH_USER_MODEL, "groups", ["name"], "privilege.groups_changed"),
    f"{settings.AUTH_USER_MODEL}_user_permissions": _PrivilegeRelation(
        settings.AUTH_USER_MODEL, "user_permissions", ["content_type__app_label", "codename"],
        "privilege.permissions_changed"),
    "auth.Group_permissions": _PrivilegeRelation(
        "auth.Group", "permissions", ["content_type__app_label", "codename"],
        "privilege.group_permissions_changed"),
}

pre_save.connect(_user_flags_before, sender=settings.AUTH_USER_MODEL, dispatch_uid="audit_flags_before")
post_save.connect(_user_flags_after, sender=settings.AUTH_USER_MODEL, dispatch_uid="audit_flags_after")
for _through, _relation in PRIVILEGE_RELATIONS.items():
    m2m_changed.connect(_relation.changed, sender=_through, weak=False, dispatch_uid=f"audit_{_through}")


# --- Names for the audit trail page -------------------------------------------------------
# The trail stores stable codes (they are hashed); the page shows them by name in the reader's
# language. award_portal imports no other app, so the labels of every app's codes live here as
# plain strings; an app that adds codes may also call register_action_labels() in its ready().

ACTION_LABELS = {
    "auth.login": _("Logged in"),
    "auth.logout": _("Logged out"),
    "auth.login_failed": _("Failed log-in"),
    "auth.lockout": _("Account locked after failed log-ins"),
    "auth.session_expired": _("Session expired"),
    "auth.password_change": _("Changed the password"),
    "auth.otp_enrol": _("Set up the second factor"),
    "auth.otp_enrol_failed": _("Failed to set up the second factor"),
    "auth.otp_verify": _("Confirmed the second factor"),
    "auth.otp_failed": _("Wrong second-factor code"),
    "privilege.flags_changed": _("Changed account flags (active, staff, superuser)"),
    "privilege.groups_changed": _("Changed roles"),
    "privilege.permissions_changed": _("Changed permissions"),
    "privilege.group_permissions_changed": _("Changed a role's permissions"),
    "admin.add": _("Added in the admin"),
    "admin.change": _("Changed in the admin"),
    "admin.delete": _("Deleted in the admin"),
    "admin.other": _("Other admin action"),
    "system.heartbeat": _("System heartbeat"),
    "calendar.year_saved": _("Saved a calendar year in the admin"),
    "calendar.year_enter": _("Entered a year of the working-day calendar"),
    "organization.register": _("Registered an organisation"),
    "organization.join": _("Joined an organisation"),
    "organization.invite": _("Invited a member"),
    "round.create": _("Created a round"),
    "round.phase": _("Moved a round to another phase"),
    "application.create": _("Started an application"),
    "application.step_saved": _("Saved a step of the application form"),
    "application.commitment_signed": _("Signed the commitment letter"),
    "application.pdf_download": _("Downloaded the application PDF"),
    "application.submit": _("Submitted an application"),
    "application.withdraw": _("Withdrew an application"),
    "application.return": _("Returned an application to the applicant"),
    "application.recommend": _("Recommended an application"),
    "application.mark_eligible": _("Marked an application eligible"),
    "application.mark_ineligible": _("Marked an application ineligible"),
    "application.start_material_review": _("Started material review"),
    "application.advance_to_site_review": _("Advanced to site review"),
    "application.not_advance": _("Did not advance to site review"),
    "application.shortlist": _("Shortlisted for deliberation"),
    "application.not_shortlist": _("Did not shortlist"),
    "application.propose": _("Proposed for a tier"),
    "application.not_propose": _("Did not propose"),
    "application.start_notice": _("Put on public notice"),
    "application.withdraw_after_objection": _("Withdrew after a sustained objection"),
    "application.approve": _("Recorded government approval"),
    "application.award": _("Conferred the award"),
    "application.revoke": _("Revoked the award"),
    "application.disqualify": _("Disqualified an applicant"),
    "attachment.upload": _("Uploaded an attachment"),
    "attachment.remove": _("Removed an attachment"),
    "attachment.download": _("Downloaded an attachment"),
    "eligibility.evaluate": _("Evaluated the eligibility rules"),
    "eligibility.confirmed": _("Confirmed a failing eligibility rule"),
    "eligibility.overridden": _("Overrode a failing eligibility rule"),
    "bigdata.import": _("Imported public records"),
    "bigdata.import_queued": _("Queued an import of public records"),
    "bigdata.import_refused": _("Refused an import of public records"),
    "bigdata.screening_run_created": _("Started a screening run"),
    "bigdata.screening_run_resumed": _("Resumed a screening run"),
    "bigdata.screening_run_finished": _("Finished a screening run"),
    "bigdata.evaluation_run_created": _("Started a big-data evaluation run"),
    "bigdata.evaluation_run_resumed": _("Resumed a big-data evaluation run"),
    "bigdata.evaluation_run_finished": _("Finished a big-data evaluation run"),
    "bigdata.flag_confirmed": _("Confirmed a risk flag"),
    "bigdata.flag_dismissed": _("Dismissed a risk flag"),
}

ROLE_LABELS = {"system": _("System"), "admin": _("Administrator")}


def register_action_labels(labels: dict) -> None:
    """Add the labels of an app's audit codes (called from its AppConfig.ready())."""
    ACTION_LABELS.update(labels)


def action_label(code: str) -> str:
    """The reader's-language name of an audit action; the code itself when nobody named it."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def role_label(code: str) -> str:
    from .roles import Role

    if code in Role.values:
        return str(Role(code).label)
    label = ROLE_LABELS.get(code)
    return str(label) if label is not None else (code or "—")


# --- Searching the trail by name ----------------------------------------------------------
# Entries store codes and ids; the office searches by what it knows: a person's name, an
# organisation, an application number, an action or role as the page names it. Apps add the
# names of their objects through register_audit_search() (award_portal imports no other app).

AUDIT_SEARCHES: list = []


def register_audit_search(search) -> None:
    """`search(text)` returns a Q over AuditEvent: the entries about objects named like `text`."""
    if search not in AUDIT_SEARCHES:
        AUDIT_SEARCHES.append(search)


def entries_about(object_type: str, ids) -> models.Q:
    """A Q for the entries about the objects of `object_type` whose primary keys `ids` (a
    queryset's values("pk") or a list) gives; object ids are stored as text."""
    from django.db.models import CharField, QuerySet
    from django.db.models.functions import Cast

    if isinstance(ids, QuerySet):
        ids = ids.annotate(audit_object_id=Cast("pk", CharField())).values("audit_object_id")
    else:
        ids = [str(pk) for pk in ids]
    return models.Q(object_type=object_type, object_id__in=ids)


def audit_search(events, text: str):
    """The entries matching `text`: by the actor's name or user name, the object's name at the
    time, an action or role by its code or by its name in the reader's language, or any name an
    app registered (an organisation's, an application's …)."""
    from django.contrib.auth import get_user_model

    from .roles import Role

    Q = models.Q
    needle = text.casefold()
    query = (Q(action__icontains=text) | Q(object_repr__icontains=text) | Q(actor_name__icontains=text)
             | Q(object_id=text))
    User = get_user_model()
    users = User.objects.filter(Q(username__icontains=text) | Q(full_name__icontains=text))
    query |= Q(actor__in=users) | entries_about(User._meta.label_lower, users.values("pk"))
    actions = [code for code, label in ACTION_LABELS.items() if needle in str(label).casefold()]
    roles = [code for code in Role.values if needle in str(Role(code).label).casefold()]
    roles += [code for code, label in ROLE_LABELS.items() if needle in str(label).casefold()]
    if actions:
        query |= Q(action__in=actions)
    if roles:
        query |= Q(role__in=roles)
    for search in AUDIT_SEARCHES:
        query |= search(text)
    return events.filter(query)
