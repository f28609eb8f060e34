"""Read-only admin of the monitoring app: every write goes through the services (audited)."""

from django.contrib import admin

from .models import Incident, MonitoringRun, Revocation, SelfEvaluationReport, SpotCheck, Watermark


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Watermark)
class WatermarkAdmin(ReadOnly):
    list_display = ["program", "last_record_id", "updated_at"]


@admin.register(MonitoringRun)
class MonitoringRunAdmin(ReadOnly):
    list_display = ["created_at", "program", "kind", "record_from", "record_to", "winners", "incidents_opened",
                    "seconds"]
    list_filter = ["program", "kind"]


@admin.register(Incident)
class IncidentAdmin(ReadOnly):
    list_display = ["opened_at", "application", "source", "kind", "title", "occurred_on", "status"]
    list_filter = ["status", "source", "kind"]
    list_select_related = ["application__organization", "application__round"]


@admin.register(Revocation)
class RevocationAdmin(ReadOnly):
    list_display = ["proposed_at", "application", "ground", "status", "approved_on"]
    list_filter = ["status", "ground"]
    list_select_related = ["application__organization", "application__round"]


@admin.register(SelfEvaluationReport)
class SelfEvaluationReportAdmin(ReadOnly):
    list_display = ["application", "sequence", "covers_year", "due_on", "status", "filed_at"]
    list_filter = ["status"]
    list_select_related = ["application__organization", "application__round"]


@admin.register(SpotCheck)
class SpotCheckAdmin(ReadOnly):
    list_display = ["drawn_at", "program", "year", "size"]
