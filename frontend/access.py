"""Who may open which page, and how a refused service call reads on a page."""
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import is_academy_staff, is_student, is_teacher
from courses.access import attemptable_exercise

# Service error codes shown in the interface language; others show the service's own sentence.
ERROR_MESSAGES = {
    "invalid_join_code": gettext_lazy("No open class has that join code. Check it with your teacher."),
    "not_enrolled": gettext_lazy("Enrol in the course first."),
    "verification_required": gettext_lazy("Only verified teachers change grades. Ask to be verified first."),
    "already_verified": gettext_lazy("You are verified already."),
    "already_pending": gettext_lazy("Your request is waiting for a decision."),
    "not_latest": gettext_lazy("Reverse the later reviews first."),
    "attempt_limit": gettext_lazy("You have no attempts left for this exercise."),
    "not_in_progress": gettext_lazy("This attempt is already finished."),
    "not_graded": gettext_lazy("Only graded attempts can be reviewed."),
    "due_in_past": gettext_lazy("That date has passed. Choose today or a later date."),
}


# The one definition of each role is accounts.roles; the site's guards and pages use it.
__all__ = ["is_academy_staff", "is_student", "is_teacher", "role_required", "teacher_required", "staff_required",
           "student_required", "error_text", "attemptable_exercise_or_404"]


def role_required(has_role, refusal):
    """A page guard: sign in first, then `has_role(user)` (accounts.roles) or a 403 saying `refusal`."""
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_role(request.user):
                raise PermissionDenied(refusal)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


teacher_required = role_required(is_teacher, gettext_lazy("Only teachers can open this page."))
staff_required = role_required(is_academy_staff, gettext_lazy("Only academy staff can open this page."))
student_required = role_required(is_student, gettext_lazy("Only student accounts can open this page."))


def error_text(exc) -> str:
    """The first error of a refused service call, as a sentence for the page."""
    errors = getattr(exc, "errors", None) or [{"code": "", "detail": str(exc)}]
    first = errors[0]
    return str(ERROR_MESSAGES.get(first.get("code"), first.get("detail") or _("That did not work.")))


def attemptable_exercise_or_404(user, exercise_id):
    """The exercise `user` may attempt (courses.access decides), or a 404 that looks like a missing one:
    the pages that play or start an exercise (learn, negotiate) share it."""
    text = str(exercise_id)
    # Beyond 64 bits an id names nothing (and PostgreSQL refuses to compare it).
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise Http404
    exercise = attemptable_exercise(user=user, exercise_id=int(text))
    if exercise is None:
        raise Http404
    return exercise
