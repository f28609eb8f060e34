"""Read-only admin: notices and objections are written through their services (publication,
verification), which check the period, lock and audit; the admin only shows them."""

from django.contrib import admin

from .models import NoticeEntry, Objection, ObjectionEvidence, PublicNotice


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EntryInline(admin.TabularInline):
    model = NoticeEntry
    extra = 0
    fields = ["position", "organization_name", "tier_name_zh", "application"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PublicNotice)
class PublicNoticeAdmin(ReadOnlyAdmin):
    list_display = ["round", "stage", "starts_on", "ends_on", "working_days", "audit_event_id"]
    list_filter = ["stage", "round__program"]
    inlines = [EntryInline]


class EvidenceInline(admin.TabularInline):
    model = ObjectionEvidence
    extra = 0
    fields = ["name", "content_type", "size", "sha256"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ["receipt", "notice", "entry", "submitted_at", "due_on", "finding"]
    list_filter = ["finding"]
    search_fields = ["receipt", "entry__organization_name"]
    exclude = ["secret_hash"]
    inlines = [EvidenceInline]
