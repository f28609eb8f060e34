"""Read-mostly admin: cultivation records are written through the services (audited)."""

from django.contrib import admin

from .models import Campaign, Course, Enrolment, MethodAdoption, TrackedOrganization


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ["name_zh", "program", "starts_on", "ends_on", "target_cultivated", "target_adopting", "is_public"]


@admin.register(TrackedOrganization)
class TrackedAdmin(ReadOnlyAdmin):
    list_display = ["organization", "campaign", "tracked_since", "cultivated_on"]
    list_select_related = ["organization", "campaign"]
    search_fields = ["organization__name", "organization__credit_code"]


@admin.register(MethodAdoption)
class MethodAdoptionAdmin(ReadOnlyAdmin):
    list_display = ["tracked", "method", "adopted_on"]
    list_select_related = ["tracked__organization", "tracked__campaign"]


@admin.register(Course)
class CourseAdmin(ReadOnlyAdmin):
    list_display = ["held_on", "kind", "topic", "place", "trainer", "capacity"]


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdmin):
    list_display = ["course", "organization", "person", "attendance"]
    list_select_related = ["course", "organization"]
