"""A learner's classes: the classes they are in and what each teacher sees, invitations to answer,
leaving. The same services and reads as /api/v1/me/classes/ and /api/v1/me/invitations/."""
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses import selectors, services
from courses.errors import Conflict, Forbidden, NotFound

from .access import error_text, student_required
from .forms import JoinForm
from .templatetags.bidi import isolate


@student_required
def my_classes(request):
    return render(request, "frontend/my_classes.html", {
        "section": "my-classes", "classes": selectors.my_classes(learner=request.user),
        "invitations": selectors.my_invitations(learner=request.user), "join_form": JoinForm(),
    })


@require_POST
@student_required
def answer_invitation(request, invitation_id, answer: str):
    """Accept or decline (`answer` comes from the URL): the services of POST /api/v1/invitations/{id}/accept/
    and .../decline/. Another's invitation is a missing one; a refusal is said on My classes."""
    try:
        if answer == "accept":
            school_class, _created = services.invitation_accept(user=request.user, invitation_id=invitation_id)
            done = _("You joined the class “%(name)s”.") % {"name": isolate(school_class.name)}
        else:
            services.invitation_decline(user=request.user, invitation_id=invitation_id)
            done = _("You declined the invitation.")
    except NotFound:
        raise Http404 from None
    except (Forbidden, Conflict) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, done)
    return redirect("frontend:my-classes")


@require_POST
@student_required
def leave(request, class_id):
    try:
        services.class_leave(student=request.user, class_id=class_id)
    except NotFound:
        raise Http404 from None
    messages.success(request, _("You left the class. Its teacher no longer sees your work."))
    return redirect("frontend:my-classes")
