"""Read-only admin: every write of the awards app goes through its services (audited). The
incentive table is configuration: the office may correct it here (the admin's own audit covers it)."""

from django.contrib import admin

from .models import (
    Approval,
    ApprovedEntry,
    Certificate,
    CommendationDecision,
    CqaRecommendation,
    ExternalHonour,
    IncentiveRate,
    Payment,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EntryInline(admin.TabularInline):
    model = ApprovedEntry
    extra = 0
    can_delete = False
    readonly_fields = ["application", "tier"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Approval)
class ApprovalAdmin(ReadOnlyAdmin):
    list_display = ["round", "approving_body", "approved_on", "document_number", "conferred_on"]
    inlines = [EntryInline]


@admin.register(CommendationDecision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["document_number", "title", "issued_on", "audit_event_id"]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["number", "organization_name", "tier", "issued_on"]
    search_fields = ["number", "organization_name"]
    exclude = ["code"]  # the verification code stays with the certificate's holder


@admin.register(CqaRecommendation)
class CqaAdmin(ReadOnlyAdmin):
    list_display = ["document_number", "round", "addressee", "sent_on"]


@admin.register(ExternalHonour)
class HonourAdmin(ReadOnlyAdmin):
    list_display = ["organization", "kind", "year", "reference"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["organization", "program", "basis", "entitlement", "deducted", "amount", "status", "approved_on"]
    list_filter = ["program", "status"]


@admin.register(IncentiveRate)
class IncentiveRateAdmin(admin.ModelAdmin):
    list_display = ["program", "code", "tier", "honour_kind", "amount", "is_cap", "line", "source_article"]
    list_filter = ["program"]
