"""The Django admin for accounts. Every change of power goes through accounts.services, as in the API:

- a user's role: `user_set_role` (memberships, groups, admin access, tokens, sessions, verification);
- admin access or groups taken away by hand: `user_access_review` (groups follow memberships,
  sign-ins end);
- academy memberships added, changed or deleted: `academy_add_staff`, `academy_remove_staff`;
- a new password or deactivation: User.save ends the other sign-ins wherever it is saved from.
"""
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin

from . import audit, services
from .forms import AdminLoginForm
from .models import Academy, AcademyMembership, AuditEvent, User

# The sign-in view itself is frontend.auth.django_admin_login (throttled); this is its form.
admin.site.login_form = AdminLoginForm

GROUPS_RESET = "Academy groups follow academy memberships: the groups ticked by hand were put back as the " \
               "memberships give them. Add or remove academy staff under Academy memberships."


@admin.register(User)
class ParleyUserAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("Parley", {"fields": ("role", "anonymised_at", "email_verified_at")}),)
    readonly_fields = ("anonymised_at", "email_verified_at")
    list_display = ("username", "email", "role", "is_active", "anonymised_at")
    list_filter = UserAdmin.list_filter + ("role",)

    def save_model(self, request, obj, form, change):
        # The save's role-change event (accounts/signals.py) names this admin.
        audit.changed_by(obj, request.user, audit.client_ip(request))
        # What the row held before this form, read afresh (`obj` already carries the form's values).
        request._parley_access_before = services.access_snapshot(User.objects.get(pk=obj.pk)) if change else None
        if change and "role" in form.changed_data:
            # The role changes in save_related, through the service, once the form's groups are saved.
            request._parley_new_role, obj.role = obj.role, form.initial["role"]
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        before = getattr(request, "_parley_access_before", None)
        if before is None:
            before = {"role": None, "is_staff": False, "is_superuser": False, "groups": set()}
        done = services.user_access_review(user=form.instance, before=before, actor=request.user,
                                           ip=audit.client_ip(request), role=getattr(request, "_parley_new_role", None))
        if done.get("groups_reset"):
            messages.warning(request, GROUPS_RESET)

    def user_change_password(self, request, id, form_url=""):
        # The admin's password form saves the row itself: the password-change event names this admin.
        with audit.acting(request.user, audit.client_ip(request)):
            return super().user_change_password(request, id, form_url)


@admin.register(AcademyMembership)
class AcademyMembershipAdmin(admin.ModelAdmin):
    """Adding, changing and deleting memberships are the services' academy_add_staff and
    academy_remove_staff: the groups follow, the role becomes academy staff, a loss of power signs out."""

    list_display = ("user", "academy", "staff_role")
    list_filter = ("academy", "staff_role")
    raw_id_fields = ("user",)

    def get_readonly_fields(self, request, obj=None):
        # Moving a membership to another person or academy is a removal and an addition.
        return ("user", "academy") if obj is not None else ()

    def save_model(self, request, obj, form, change):
        saved = services.academy_add_staff(academy=obj.academy, user=obj.user, staff_role=obj.staff_role,
                                           actor=request.user, ip=audit.client_ip(request))
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.academy_remove_staff(academy=obj.academy, user=obj.user, actor=request.user,
                                      ip=audit.client_ip(request))

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("academy", "user"):
            self.delete_model(request, membership)


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
