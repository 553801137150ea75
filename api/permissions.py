from rest_framework.permissions import BasePermission

from accounts.models import Role


class IsTeacher(BasePermission):
    message = "Only teachers can do this."

    def has_permission(self, request, view):
        user = request.user
        return bool(user.is_authenticated and (user.role in (Role.TEACHER, Role.ADMIN) or user.is_superuser))


class IsAcademyStaff(BasePermission):
    message = "Only academy staff can do this."

    def has_permission(self, request, view):
        user = request.user
        return bool(user.is_authenticated and (user.role in (Role.ACADEMY_STAFF, Role.ADMIN) or user.is_superuser))
