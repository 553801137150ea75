"""What a role is: the one definition of "a teacher", "academy staff", "a platform admin", "a student".

Every check of a role, in the API's permissions, the site's page guards and the
services, calls these. A role grants the right to ask; what a person may do to a
given learner or record is decided in `courses/access.py`, from rows.
"""
from .models import Role


def is_platform_admin(user) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.role == Role.ADMIN or user.is_superuser))


def is_teacher(user) -> bool:
    """Teachers run classes; platform admins may act as one."""
    return bool(user.is_authenticated and user.is_active and (user.role == Role.TEACHER or is_platform_admin(user)))


def is_academy_staff(user) -> bool:
    """Staff of some academy by role; which academies comes from memberships (`selectors.academy_ids_of`)."""
    return bool(user.is_authenticated and user.is_active
                and (user.role == Role.ACADEMY_STAFF or is_platform_admin(user)))


def is_student(user) -> bool:
    """Only students join classes: a class is a teacher's view of learners who chose to be in it."""
    return bool(user.is_authenticated and user.is_active and user.role == Role.STUDENT and not user.is_superuser)
