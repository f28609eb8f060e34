from django.contrib import admin

from .models import EvaluationProfile, Flag, ImportBatch, RecordSource, Run, ScreeningRule


@admin.register(RecordSource)
class RecordSourceAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "family", "record_type")


@admin.register(ScreeningRule)
class ScreeningRuleAdmin(admin.ModelAdmin):
    list_display = ("program", "code", "kind", "record_type", "outcome", "window_years", "only_current", "articles",
                    "active")
    list_filter = ("program", "outcome", "kind", "record_type")


@admin.register(EvaluationProfile)
class EvaluationProfileAdmin(admin.ModelAdmin):
    list_display = ("program", "window_years", "weights")


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("id", "source", "file_name", "status", "rows_imported", "rows_rejected", "seconds")
    readonly_fields = [f.name for f in ImportBatch._meta.fields]


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "program", "version", "status", "chunks_done", "chunks_total", "flags_count")
    readonly_fields = [f.name for f in Run._meta.fields]


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    """Decisions are taken in the portal (audited), not here."""

    list_display = ("id", "run", "organization", "rule", "outcome", "decision")
    list_filter = ("outcome", "decision")
    readonly_fields = [f.name for f in Flag._meta.fields]
    raw_id_fields = ("organization",)
