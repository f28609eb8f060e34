"""The review models in the admin, read-mostly.

The pool, conflicts, draws and groups change through the services (`experts`, `conflicts`,
`draws`, `assignment`), which check the rules, keep the guardian grants in step and audit each
step: here they are shown, not edited. A draw is never edited by hand (its hash and replay would
no longer hold), nor are groups, their members or their applications (a member added here would
get no grant, or keep one after a conflict). Editable here: the programs' review settings, an
expert's profile data (not their status, which needs a written reason), employers and
relationships (conflicts are recomputed on save), and groups of companies. Every admin edit is
audited (award_portal.admin).
"""

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from . import draws
from .models import (
    Availability,
    Conflict,
    CorporateGroup,
    CorporateGroupMember,
    DrawnExpert,
    Employment,
    Expert,
    ExpertDraw,
    ExpertGroup,
    GroupApplication,
    GroupMember,
    Relationship,
    ReviewerCommitment,
    ReviewSettings,
    TrainingRecord,
)

PROVINCES = {"11": _("Beijing"), "12": _("Tianjin"), "13": _("Hebei"), "31": _("Shanghai"), "32": _("Jiangsu"),
             "33": _("Zhejiang"), "34": _("Anhui")}


class ReadOnlyAdminMixin:
    """View only: no add, change or delete in the admin (the services do that)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False


class ProvinceFilter(admin.SimpleListFilter):
    title = _("region")
    parameter_name = "province"

    def lookups(self, request, model_admin):
        codes = sorted({code[:2] for code in Expert.objects.values_list("region_code", flat=True)})
        return [(code, f"{PROVINCES.get(code, code)} ({code})") for code in codes]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(region_code__startswith=self.value())
        return queryset


class ExpertiseFilter(admin.SimpleListFilter):
    title = _("field of expertise")
    parameter_name = "section"

    def lookups(self, request, model_admin):
        letters = sorted({c for value in Expert.objects.values_list("expertise", flat=True) for c in value})
        return [(c, c) for c in letters]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(expertise__contains=self.value()[:1])
        return queryset


@admin.register(ReviewSettings)
class ReviewSettingsAdmin(admin.ModelAdmin):
    list_display = ("program", "min_group_size", "max_group_size", "applications_per_group", "partner_regions")


class EmploymentInline(admin.TabularInline):
    model = Employment
    extra = 0


class RelationshipInline(admin.TabularInline):
    model = Relationship
    extra = 0


class TrainingInline(ReadOnlyInline):
    model = TrainingRecord
    fields = readonly_fields = ("kind", "held_on", "title", "passed", "score", "recorded_by")


class ConflictInline(ReadOnlyInline):
    model = Conflict
    fields = readonly_fields = ("organization", "source", "reason", "detail", "dismissed_at", "dismissal_reason")


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    """Profile data is editable; the status (approval, suspension with a written reason) changes
    through the pool services, and experts join through the form or the office's invitation."""

    list_display = ("name", "title", "expertise", "region_code", "shared", "can_lead", "status")
    list_filter = ("status", ProvinceFilter, "shared", "can_lead", ExpertiseFilter)
    search_fields = ("name", "name_en", "email", "qualifications", "employments__employer",
                     "employments__credit_code")
    readonly_fields = ("user", "status", "status_reason", "created_at")
    inlines = [EmploymentInline, RelationshipInline, TrainingInline, ConflictInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Conflict)
class ConflictAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Declared, derived or set by the office, dismissed with a reason: all through the services."""

    list_display = ("expert", "organization", "source", "reason", "is_active", "created_at", "dismissed_at")
    list_filter = ("source", "reason", ("dismissed_at", admin.EmptyFieldListFilter))
    search_fields = ("expert__name", "organization__name", "organization__credit_code")
    list_select_related = ("expert", "organization")

    @admin.display(boolean=True, description=_("in force"))
    def is_active(self, obj):
        return obj.active


class CorporateGroupMemberInline(admin.TabularInline):
    model = CorporateGroupMember
    extra = 0


@admin.register(CorporateGroup)
class CorporateGroupAdmin(admin.ModelAdmin):
    """Companies of one group (集团): a change recomputes the conflicts of the experts concerned."""

    list_display = ("name",)
    search_fields = ("name", "members__credit_code")
    inlines = [CorporateGroupMemberInline]


class DrawnExpertInline(ReadOnlyInline):
    model = DrawnExpert
    fields = readonly_fields = ("position", "expert", "response", "responded_at", "decline_reason")


@admin.register(ExpertDraw)
class ExpertDrawAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A draw is never edited by hand: shown with the check anybody can make (the replay)."""

    list_display = ("__str__", "status", "frozen_at", "drawn_at", "public_input", "replays")
    list_filter = ("stage", "status", "round")
    inlines = [DrawnExpertInline]
    fields = readonly_fields = ("round", "stage", "replaces", "status", "constraints", "candidates_sha256",
                                "frozen_at", "frozen_by", "public_input", "public_input_by", "seed", "algorithm",
                                "result", "drawn_at", "replays", "candidates")

    @admin.display(boolean=True, description=_("replays identically"))
    def replays(self, obj):
        if obj.status != ExpertDraw.Status.DRAWN:
            return None
        check = draws.draw_replay(obj)
        return check["hash_matches"] and check["result_matches"] and check["algorithm_matches"]


class GroupMemberInline(ReadOnlyInline):
    model = GroupMember
    fields = readonly_fields = ("expert", "is_leader")


class GroupApplicationInline(ReadOnlyInline):
    model = GroupApplication
    fields = readonly_fields = ("application", "stage")


@admin.register(ExpertGroup)
class ExpertGroupAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Groups are formed, changed and emptied through the assignment services (rules checked,
    grants synchronised): shown here only."""

    list_display = ("__str__", "round", "stage", "members_list", "created_at")
    list_filter = ("stage", "round")
    inlines = [GroupMemberInline, GroupApplicationInline]
    fields = readonly_fields = ("round", "stage", "number", "created_at")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("round").prefetch_related("members__expert")

    @admin.display(description=_("members"))
    def members_list(self, obj):
        return format_html_join(", ", "{}{}", ((m.expert.name, " ★" if m.is_leader else "")
                                              for m in obj.members.all()))


@admin.register(Availability)
class AvailabilityAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("expert", "round", "available", "note")
    list_filter = ("available", "round")


@admin.register(ReviewerCommitment)
class ReviewerCommitmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("expert", "round", "signed_at", "text_sha256")
    list_filter = ("round",)
