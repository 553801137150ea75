"""Route gates by role (accounts.roles): who may ask at all. What they may do to a given
record is decided per object in courses/access.py."""
from rest_framework.permissions import BasePermission

from accounts import roles


class IsTeacher(BasePermission):
    message = "Only teachers can do this."

    def has_permission(self, request, view):
        return roles.is_teacher(request.user)


class IsAcademyStaff(BasePermission):
    message = "Only academy staff can do this."

    def has_permission(self, request, view):
        return roles.is_academy_staff(request.user)


class IsStudent(BasePermission):
    message = "Only students can do this."

    def has_permission(self, request, view):
        return roles.is_student(request.user)
