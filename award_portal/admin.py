"""The Django admin: the portal's models, and every edit made through any ModelAdmin audited.

Django writes a LogEntry for each add, change and delete made in the admin, but LogEntry rows
can be edited and deleted by a superuser. Each one is therefore copied into the audit trail
(model, object, fields changed), in the admin view's transaction. The bulk "delete selected"
action writes its LogEntries with bulk_create, which sends no signal: it is wrapped below.
"""

import functools
import json
from contextvars import ContextVar

from django.contrib import admin
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _

from .audit import AuditEvent, audit_record
from .models import User
from .workdays import CalendarDay, CalendarYear

ADMIN_ACTIONS = {ADDITION: "admin.add", CHANGE: "admin.change", DELETION: "admin.delete"}
_bulk_deleting: ContextVar = ContextVar("admin_bulk_deleting", default=False)


def _changed_fields(messages) -> list[str]:
    """The fields named by a LogEntry's change message (inline objects as "object: field")."""
    fields = []
    for message in messages if isinstance(messages, list) else []:
        changed = message.get("changed") if isinstance(message, dict) else None
        if changed:
            prefix = f"{changed['object']}: " if changed.get("object") else ""
            fields += [f"{prefix}{field}" for field in changed.get("fields", [])]
    return fields


def audit_admin_log_entry(sender, instance, created, raw=False, **kwargs):
    """Copy one admin LogEntry into the audit trail."""
    if raw or not created or (instance.action_flag == DELETION and _bulk_deleting.get()):
        return
    try:
        messages = json.loads(instance.change_message) if instance.change_message else []
    except ValueError:
        messages = instance.change_message
    content_type = instance.content_type
    audit_record(
        action=ADMIN_ACTIONS.get(instance.action_flag, "admin.other"), actor=instance.user,
        object_type=f"{content_type.app_label}.{content_type.model}" if content_type else "",
        object_id=instance.object_id or "", object_repr=instance.object_repr or "",
        after={"fields": _changed_fields(messages), "message": messages},
    )


post_save.connect(audit_admin_log_entry, sender=LogEntry, dispatch_uid="audit_admin_log_entry")


@functools.wraps(delete_selected)
def audited_delete_selected(modeladmin, request, queryset):
    """Django's bulk delete, with one audit entry per object actually deleted."""
    model = queryset.model
    targets = {obj.pk: str(obj) for obj in queryset}
    with transaction.atomic():
        token = _bulk_deleting.set(True)
        try:
            response = delete_selected(modeladmin, request, queryset)
        finally:
            _bulk_deleting.reset(token)
        remaining = set(model._base_manager.filter(pk__in=list(targets)).values_list("pk", flat=True))
        for pk, text in targets.items():
            if pk not in remaining:
                audit_record(action="admin.delete", actor=request.user, object_type=model._meta.label_lower,
                             object_id=str(pk), object_repr=text,
                             after={"fields": [], "message": [{"deleted": {}}], "bulk": True})
    return response


admin.site.add_action(audited_delete_selected, "delete_selected")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + ((_("Portal"), {"fields": ("full_name", "phone", "language")}),)
    list_display = ("username", "full_name", "email", "is_active", "is_staff")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only."""

    list_display = ("id", "created_at", "actor_name", "role", "action", "object_repr", "ip")
    list_filter = ("action", "role")
    search_fields = ("action", "object_repr", "actor_name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 10


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "source_document", "published_on")
    inlines = [CalendarDayInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(action="calendar.year_saved", obj=obj, actor=request.user,
                     after={"year": obj.year, "source": obj.source_document})
