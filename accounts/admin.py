from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Academy, AcademyMembership, User


@admin.register(User)
class ParleyUserAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("Parley", {"fields": ("role",)}),)
    list_display = ("username", "email", "role", "is_active")


admin.site.register(Academy)
admin.site.register(AcademyMembership)
