from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .audit import AuditEvent, audit_record
from .models import User
from .workdays import CalendarDay, CalendarYear


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
