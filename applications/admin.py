from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import services
from .criteria_freeze import criteria_frozen
from .models import (
    Application,
    AwardProgram,
    Category,
    Certification,
    CriteriaVersion,
    EligibilityRule,
    Item,
    Membership,
    Organization,
    PhaseChange,
    ProgramNoticeStage,
    Recommender,
    Round,
    RuleResult,
    StateChange,
    Tier,
)


class TierInline(admin.TabularInline):
    model = Tier
    extra = 0


class NoticeStageInline(admin.TabularInline):
    model = ProgramNoticeStage
    extra = 0


class EligibilityRuleInline(admin.StackedInline):
    model = EligibilityRule
    extra = 0


@admin.register(AwardProgram)
class AwardProgramAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh", "cycle", "in_force_from", "score_floor", "expert_weight", "bigdata_weight")
    inlines = [TierInline, NoticeStageInline, EligibilityRuleInline]
    filter_horizontal = ("recommenders",)


class FrozenCriteriaReadOnly:
    """Criteria in use by scorecards are shown read-only (applications/criteria_freeze.py): the
    freeze would refuse the save anyway; here it is visible before anyone types."""

    @staticmethod
    def version_id_of(obj):
        if isinstance(obj, CriteriaVersion):
            return obj.pk
        if isinstance(obj, Category):
            return obj.version_id
        return None

    def _frozen(self, obj) -> bool:
        return obj is not None and criteria_frozen(self.version_id_of(obj))

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        if isinstance(self, admin.options.InlineModelAdmin):
            return not self._frozen(obj) and super().has_add_permission(request, obj)
        return super().has_add_permission(request)


class ItemInline(FrozenCriteriaReadOnly, admin.TabularInline):
    model = Item
    extra = 0


@admin.register(Category)
class CategoryAdmin(FrozenCriteriaReadOnly, admin.ModelAdmin):
    list_display = ("version", "number", "name_zh", "points")
    list_filter = ("version",)
    inlines = [ItemInline]


class CategoryInline(FrozenCriteriaReadOnly, admin.TabularInline):
    model = Category
    extra = 0
    show_change_link = True


@admin.register(CriteriaVersion)
class CriteriaVersionAdmin(FrozenCriteriaReadOnly, admin.ModelAdmin):
    list_display = ("code", "name_zh", "total_points", "based_on")
    inlines = [CategoryInline]


@admin.register(Recommender)
class RecommenderAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh", "kind", "region_code")
    list_filter = ("kind",)
    filter_horizontal = ("members",)


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ("name_zh", "program", "edition", "year", "phase", "application_deadline")
    list_filter = ("program", "phase")
    readonly_fields = ("phase",)

    def save_model(self, request, obj, form, change):
        # Through the service: it locks the program so the cycle check holds under concurrency.
        services.round_save(rnd=obj, actor=request.user)


class CertificationInline(admin.TabularInline):
    model = Certification
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "region_code", "industry_section", "size_class")
    search_fields = ("name", "credit_code")
    readonly_fields = ("region_code", "size_class")
    inlines = [CertificationInline, MembershipInline]


class StateChangeInline(admin.TabularInline):
    model = StateChange
    extra = 0
    can_delete = False
    readonly_fields = ("action", "from_state", "to_state", "actor", "role", "reason", "tier", "created_at")

    def has_add_permission(self, request, obj=None):
        return False


class RuleResultInline(admin.TabularInline):
    model = RuleResult
    extra = 0
    can_delete = False
    readonly_fields = ("rule", "outcome", "reason", "decision", "decision_reason", "decided_by", "decided_at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """State is read-only here: it changes only through the pipeline's transition service."""

    list_display = ("number", "organization", "round", "state", "tier")
    list_filter = ("round", "state")
    search_fields = ("number", "organization__name", "organization__credit_code")
    readonly_fields = ("state", "tier", "submitted_at", "state_changed_at", "version")
    inlines = [RuleResultInline, StateChangeInline]


@admin.register(PhaseChange)
class PhaseChangeAdmin(admin.ModelAdmin):
    list_display = ("round", "from_phase", "to_phase", "actor", "created_at")

    def has_change_permission(self, request, obj=None):
        return False


admin.site.site_header = _("Quality Award Portal administration")
