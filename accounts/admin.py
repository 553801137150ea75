from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from . import audit
from .models import Academy, AcademyMembership, AuditEvent, User


@admin.register(User)
class ParleyUserAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("Parley", {"fields": ("role", "anonymised_at")}),)
    readonly_fields = ("anonymised_at",)
    list_display = ("username", "email", "role", "is_active", "anonymised_at")
    list_filter = UserAdmin.list_filter + ("role",)

    def save_model(self, request, obj, form, change):
        # The save's role-change event (accounts/signals.py) names this admin.
        audit.changed_by(obj, request.user, audit.client_ip(request))
        super().save_model(request, obj, form, change)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is written by the services that act, never by hand."""

    list_display = ("at", "action", "actor", "target_type", "target_id", "academy", "ip")
    list_filter = ("action", "academy")
    search_fields = ("target_id",)
    date_hierarchy = "at"
    list_select_related = ("actor", "academy")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(Academy)
admin.site.register(AcademyMembership)
