"""Who may open which page, and how a refused service call reads on a page."""
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role

# Service error codes shown in the interface language; others show the service's own sentence.
ERROR_MESSAGES = {
    "invalid_join_code": gettext_lazy("No open class has that join code. Check it with your teacher."),
    "not_enrolled": gettext_lazy("Enrol in the course first."),
    "unknown_student": gettext_lazy("No student has that username or email."),
    "attempt_limit": gettext_lazy("You have no attempts left for this exercise."),
    "not_in_progress": gettext_lazy("This attempt is already finished."),
    "not_graded": gettext_lazy("Only graded attempts can be reviewed."),
}


def is_teacher(user) -> bool:
    return user.is_authenticated and (user.role in (Role.TEACHER, Role.ADMIN) or user.is_superuser)


def is_staff_member(user) -> bool:
    return user.is_authenticated and (user.role in (Role.ACADEMY_STAFF, Role.ADMIN) or user.is_superuser)


def teacher_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_teacher(request.user):
            raise PermissionDenied(_("Only teachers can open this page."))
        return view(request, *args, **kwargs)

    return wrapped


def staff_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_staff_member(request.user):
            raise PermissionDenied(_("Only academy staff can open this page."))
        return view(request, *args, **kwargs)

    return wrapped


def error_text(exc) -> str:
    """The first error of a refused service call, as a sentence for the page."""
    errors = getattr(exc, "errors", None) or [{"code": "", "detail": str(exc)}]
    first = errors[0]
    return str(ERROR_MESSAGES.get(first.get("code"), first.get("detail") or _("That did not work.")))
