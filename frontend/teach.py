"""Pages for teachers: classes, join codes, roster, assignments, extensions, progress, replies.

Every page fetches the class through courses.services.access_class, so a
teacher reaches only their own classes (404 otherwise, as in the API).
"""
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.errors import ServiceError
from accounts.mail import site_url
from api.throttles import InvitationThrottle, invitation_budget_wait, refusal_wait
from courses import access, bulk_invitations, progress, reviews, services
from courses import selectors as course_selectors
from courses.errors import NotFound

from .access import error_text, teacher_required
from .forms import (
    AssignForm,
    BulkInviteForm,
    ClassForm,
    DueForm,
    ExtensionForm,
    InviteForm,
    VerificationForm,
    end_of_day,
)
from .views import too_many


def _class(request, class_id):
    try:
        return services.access_class(user=request.user, class_id=class_id)
    except NotFound:
        raise Http404 from None


def _to_class(school_class, anchor=""):
    return redirect(reverse("frontend:class", args=[school_class.pk]) + (f"#{anchor}" if anchor else ""))


@teacher_required
def teach_home(request):
    form = ClassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            school_class = services.class_create(teacher=request.user, name=form.cleaned_data["name"])
        except ServiceError as exc:
            form.add_error("name", error_text(exc))
        else:
            messages.success(request, _("Class created. Share the join code with your students."))
            return _to_class(school_class)
    classes = course_selectors.teacher_classes(teacher=request.user)
    return render(request, "frontend/teach_home.html", {"section": "teach", "classes": classes, "form": form})


def _class_context(request, school_class, **forms):
    roster = course_selectors.class_roster(school_class=school_class)
    groups = course_selectors.assignable_modules()
    assignments = course_selectors.class_assignments(school_class=school_class)
    for a in assignments:
        a["form"] = forms.get(f"extend_{a['id']}") or ExtensionForm(students=roster, prefix=f"ext{a['id']}")
        a["due_form"] = forms.get(f"due_{a['id']}") or DueForm(prefix=f"due{a['id']}",
                                                               initial={"due": timezone.localdate(a["due_at"])})
    return {
        "section": "teach", "tab": "overview", "school_class": school_class, "roster": roster,
        "join_link": site_url(reverse("frontend:join") + "?" + urlencode({"code": school_class.join_code})),
        "assignments": assignments,
        "assign_form": forms.get("assign") or AssignForm(module_groups=groups),
        "invite_form": forms.get("invite") or InviteForm(),
        "bulk_form": forms.get("bulk") or BulkInviteForm(),
        "bulk_caps": {"rows": bulk_invitations.MAX_ROWS, "kib": bulk_invitations.MAX_BYTES // 1024},
        "invitations": course_selectors.class_invitations(school_class=school_class),
    }


@teacher_required
def class_detail(request, class_id):
    school_class = _class(request, class_id)
    return render(request, "frontend/class_overview.html", _class_context(request, school_class))


def _confirm(request, school_class, *, title, text, button, back_anchor, danger=True):
    """The step before an act that cannot be undone: a page with one POST form, so it works without scripts."""
    return render(request, "frontend/confirm.html", {
        "section": "teach", "tab": "overview", "school_class": school_class, "title": title, "text": text,
        "button": button, "danger": danger,
        "back": reverse("frontend:class", args=[school_class.pk]) + f"#{back_anchor}",
    })


@require_http_methods(["GET", "POST"])
@teacher_required
def class_rotate(request, class_id):
    """GET asks (the class page links here); POST makes the new code."""
    school_class = _class(request, class_id)
    if request.method == "GET":
        return _confirm(request, school_class, title=_("Make a new join code?"),
                        text=_("The code %(code)s stops working at once. Students who have not joined yet need "
                               "the new code; students in the class stay in it.") % {"code": school_class.join_code},
                        button=_("Make a new code"), back_anchor="join-code", danger=False)
    school_class = services.class_rotate_code(actor=request.user, school_class=school_class)
    messages.success(request, _("New join code: %(code)s. The old code no longer works.") %
                     {"code": school_class.join_code})
    return _to_class(school_class, "join-code")


TOO_MANY_INVITATIONS = gettext_lazy("You have sent many invitations in a short time. Wait a while and try again, "
                                    "or send a shorter list.")


def _too_many_invitations(request, school_class, wait: int):
    return too_many(render(request, "frontend/too_many.html", {
        "section": "teach", "message": TOO_MANY_INVITATIONS,
        "back": reverse("frontend:class", args=[school_class.pk]) + "#invitations"}), wait)


@require_POST
@teacher_required
def invite(request, class_id):
    """Invite by email: the same service, the same answer and the same limits as
    POST /api/v1/classes/{id}/invitations/ (the request rate, then one address of the budget)."""
    school_class = _class(request, class_id)
    if (wait := refusal_wait(request, (InvitationThrottle(),))) is not None:
        return _too_many_invitations(request, school_class, wait)
    form = InviteForm(request.POST)
    if form.is_valid():
        if (wait := invitation_budget_wait(request, 1)) is not None:
            return _too_many_invitations(request, school_class, wait)
        try:
            services.invitation_send(actor=request.user, school_class=school_class, email=form.cleaned_data["email"])
        except ServiceError as exc:
            form.add_error("email", error_text(exc))
        else:
            messages.success(request, _("If the address is right, its owner has been invited. They join the class "
                                        "when they accept."))
            return _to_class(school_class, "invitations")
    return render(request, "frontend/class_overview.html", _class_context(request, school_class, invite=form),
                  status=400)


@require_POST
@teacher_required
def invite_bulk(request, class_id):
    """The preview of a file of addresses (the API's dry run): each row's fate, and a form that sends the
    addresses to invite. Writes nothing."""
    school_class = _class(request, class_id)
    if (wait := refusal_wait(request, (InvitationThrottle(),))) is not None:
        return _too_many_invitations(request, school_class, wait)
    form = BulkInviteForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            plan = bulk_invitations.invitation_bulk_preview(actor=request.user, school_class=school_class,
                                                            data=form.content())
        except ServiceError as exc:
            form.add_error("file" if form.cleaned_data.get("file") else "text", error_text(exc))
        else:
            return render(request, "frontend/class_bulk_invitations.html", {
                "section": "teach", "tab": "overview", "school_class": school_class, "plan": plan,
                "counts": plan.counts, "addresses": "\n".join(plan.to_invite),
            })
    return render(request, "frontend/class_overview.html", _class_context(request, school_class, bulk=form),
                  status=400)


@require_POST
@teacher_required
def invite_bulk_send(request, class_id):
    """Send what the preview showed: its addresses to invite, read again as a file (so anything pending by now
    is skipped), at the API's limits: one request, and each address to invite from the budget."""
    school_class = _class(request, class_id)
    if (wait := refusal_wait(request, (InvitationThrottle(),))) is not None:
        return _too_many_invitations(request, school_class, wait)
    data = request.POST.get("addresses", "")
    try:
        plan = bulk_invitations.invitation_bulk_preview(actor=request.user, school_class=school_class, data=data)
        if (wait := invitation_budget_wait(request, plan.counts["invite"])) is not None:
            return _too_many_invitations(request, school_class, wait)
        plan = bulk_invitations.invitation_bulk_send(actor=request.user, school_class=school_class, data=data)
    except ServiceError as exc:
        messages.error(request, error_text(exc))
        return _to_class(school_class, "invitations")
    sent = plan.counts["invite"]
    if sent:
        messages.success(request, ngettext(
            "If the address is right, its owner has been invited (%(n)s address). They join the class when they "
            "accept.",
            "If the addresses are right, their owners have been invited (%(n)s addresses). They join the class "
            "when they accept.", sent) % {"n": sent})
    else:
        messages.info(request, _("Nobody new to invite: every address was invited already."))
    return _to_class(school_class, "invitations")


@require_POST
@teacher_required
def invitation_withdraw(request, class_id, invitation_id):
    school_class = _class(request, class_id)
    try:
        services.invitation_withdraw(actor=request.user, school_class=school_class, invitation_id=invitation_id)
    except NotFound:
        raise Http404 from None
    messages.success(request, _("The invitation was withdrawn."))
    return _to_class(school_class, "invitations")


@require_http_methods(["GET", "POST"])
@teacher_required
def roster_remove(request, class_id, student_id):
    """GET asks (the roster links here); POST removes the student."""
    school_class = _class(request, class_id)
    if request.method == "GET":
        member = next((s for s in course_selectors.class_roster(school_class=school_class) if s["id"] == student_id),
                      None)
        if member is None:
            raise Http404
        return _confirm(request, school_class, title=_("Remove %(student)s from the class?") %
                        {"student": member["name"]},
                        text=_("You will no longer see their work. Their extensions in this class are deleted; "
                               "they can join again with the join code."),
                        button=_("Remove from the class"), back_anchor="roster")
    try:
        services.roster_remove(school_class=school_class, student_id=student_id, actor=request.user)
    except NotFound:
        raise Http404 from None
    messages.success(request, _("The student was removed from the class."))
    return _to_class(school_class, "roster")


@require_POST
@teacher_required
def assign(request, class_id):
    school_class = _class(request, class_id)
    form = AssignForm(request.POST, module_groups=course_selectors.assignable_modules())
    if form.is_valid():
        try:
            _row, created = services.assignment_create(
                actor=request.user, school_class=school_class, module_id=form.cleaned_data["module"],
                                                    due_at=end_of_day(form.cleaned_data["due"]))
        except ServiceError as exc:
            form.add_error("due" if exc.attr == "due_at" else "module", error_text(exc))
        else:
            if created:
                messages.success(request, _("Module assigned."))
            else:
                messages.warning(request, _("That module was already assigned to this class. Nothing was changed: "
                                            "edit its due date below."))
            return _to_class(school_class, "assignments")
    return render(request, "frontend/class_overview.html", _class_context(request, school_class, assign=form),
                  status=400)


def _assignment(school_class, assignment_id):
    try:
        return services.access_assignment(school_class=school_class, assignment_id=assignment_id)
    except NotFound:
        raise Http404 from None


@require_POST
@teacher_required
def assignment_due(request, class_id, assignment_id):
    """A new due date for the class: the same service as PATCH /api/v1/classes/{id}/assignments/{id}/."""
    school_class = _class(request, class_id)
    assignment = _assignment(school_class, assignment_id)
    form = DueForm(request.POST, prefix=f"due{assignment.pk}")
    if form.is_valid():
        try:
            services.assignment_update(actor=request.user, assignment=assignment,
                                       due_at=end_of_day(form.cleaned_data["due"]))
        except ServiceError as exc:
            form.add_error("due", error_text(exc))
        else:
            messages.success(request, _("Due date changed."))
            return _to_class(school_class, "assignments")
    context = _class_context(request, school_class, **{f"due_{assignment.pk}": form})
    return render(request, "frontend/class_overview.html", context, status=400)


@require_http_methods(["GET", "POST"])
@teacher_required
def assignment_remove(request, class_id, assignment_id):
    """GET asks; POST unassigns: the same service as DELETE /api/v1/classes/{id}/assignments/{id}/."""
    school_class = _class(request, class_id)
    assignment = _assignment(school_class, assignment_id)
    if request.method == "GET":
        return _confirm(request, school_class, title=_("Unassign “%(module)s”?") % {"module": assignment.module.title},
                        text=_("The module leaves the class's progress and its extensions are deleted. Students keep "
                               "their work and stay enrolled in the course."),
                        button=_("Unassign the module"), back_anchor="assignments")
    services.assignment_delete(actor=request.user, assignment=assignment)
    messages.success(request, _("The module was unassigned."))
    return _to_class(school_class, "assignments")


@require_POST
@teacher_required
def extend(request, class_id, assignment_id):
    school_class = _class(request, class_id)
    try:
        assignment = services.access_assignment(school_class=school_class, assignment_id=assignment_id)
    except NotFound:
        raise Http404 from None
    roster = course_selectors.class_roster(school_class=school_class)
    form = ExtensionForm(request.POST, students=roster, prefix=f"ext{assignment.pk}")
    if form.is_valid():
        try:
            services.extension_set(actor=request.user, assignment=assignment, student_id=form.cleaned_data["student"],
                                   due_at=end_of_day(form.cleaned_data["due"]))
        except ServiceError as exc:
            form.add_error("due", _("An extension must be later than the due date.")
                           if exc.errors[0]["code"] == "invalid" else error_text(exc))
        else:
            messages.success(request, _("Extension saved."))
            return _to_class(school_class, "assignments")
    context = _class_context(request, school_class, **{f"extend_{assignment.pk}": form})
    return render(request, "frontend/class_overview.html", context, status=400)


HEAT_STEPS = ((100.0, 5), (75.0, 4), (50.0, 3), (25.0, 2), (0.01, 1))


def heat_level(percent: float) -> int:
    return next((level for bound, level in HEAT_STEPS if percent >= bound), 0)


@teacher_required
def class_progress(request, class_id):
    school_class = _class(request, class_id)
    now = timezone.now()
    matrix = progress.class_progress(school_class=school_class, now=now)
    raw_days = request.GET.get("days", "7")
    days = int(raw_days) if raw_days.isdigit() and 1 <= int(raw_days) <= 365 else 7
    at_risk = progress.students_at_risk(school_class=school_class, inactive_days=days, now=now, matrix=matrix)
    for row in matrix["students"]:
        for cell in row["modules"]:
            cell["heat"] = heat_level(cell["percent"])
    titles = {m["id"]: m["title"] for m in matrix["modules"]}
    for row in at_risk:
        row["overdue_titles"] = [titles.get(mid, mid) for mid in row["overdue_modules"]]
    return render(request, "frontend/class_progress.html", {
        "section": "teach", "tab": "progress", "school_class": school_class, "matrix": matrix,
        "at_risk": at_risk, "days": days, "days_invalid": raw_days != str(days), "now": now,
        "csv_url": reverse("api:class-progress-csv", args=[school_class.pk]),
    })


@teacher_required
def class_replies(request, class_id):
    """The class's written replies, not yet reviewed by default (?show=reviewed or all for the others)."""
    school_class = _class(request, class_id)
    show = request.GET.get("show", "unreviewed")
    show = show if show in reviews.REPLY_FILTERS else "unreviewed"
    return render(request, "frontend/class_replies.html", {
        "section": "teach", "tab": "replies", "school_class": school_class, "show": show,
        "replies": reviews.replies_by_review(course_selectors.class_replies(school_class=school_class), show=show),
    })


@require_POST
@teacher_required
def reply_reviewed(request, class_id, attempt_id):
    """File a reply as reviewed, or back (reviewed=0): courses.reviews.reply_mark_reviewed."""
    school_class = _class(request, class_id)
    attempt = course_selectors.class_reply_attempt(school_class=school_class, attempt_id=attempt_id)
    if attempt is None:
        raise Http404
    node, reviewed = request.POST.get("node", ""), request.POST.get("reviewed", "1") != "0"
    try:
        reviews.reply_mark_reviewed(actor=request.user, attempt=attempt, node=node, reviewed=reviewed)
    except NotFound:
        raise Http404 from None
    messages.success(request, _("Filed under “Reviewed”.") if reviewed else _("Filed under “Not reviewed yet”."))
    show = request.POST.get("show", "unreviewed")
    query = urlencode({"show": show if show in reviews.REPLY_FILTERS else "unreviewed"})
    return redirect(reverse("frontend:class-replies", args=[school_class.pk]) + f"?{query}")


@require_POST
@teacher_required
def override(request, class_id, attempt_id):
    """The teacher's review of one reply: the same service as POST /api/v1/attempts/{id}/override/."""
    school_class = _class(request, class_id)
    attempt = course_selectors.class_reply_attempt(school_class=school_class, attempt_id=attempt_id)
    node = request.POST.get("node", "")
    reply_nodes = {s["node"] for s in (attempt.answers.get("steps", []) if attempt else []) if "reply" in s}
    if attempt is None or node not in reply_nodes:
        raise Http404
    reason = (request.POST.get("reason") or "").strip()[:2000]
    met, avoided = request.POST.getlist("met"), request.POST.getlist("avoided")
    target = reverse("frontend:class-replies", args=[school_class.pk]) + f"#reply-{attempt.pk}-{node}"
    if not reason:
        messages.error(request, _("Give a reason for the override."))
        return redirect(target)
    try:
        reviews.review_override(actor=request.user, attempt=attempt, node=node, met=met, avoided=avoided,
                                reason=reason)
    except NotFound:
        raise Http404 from None
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        attempt.refresh_from_db()
        # Named as on the class's roster and replies page: a former learner keeps their number.
        student = course_selectors.class_names(
            school_class=school_class, people=[(attempt.learner_id, attempt.learner.username)])[attempt.learner_id]
        messages.success(request, _("Override saved. %(student)s's score is now %(score)s.") %
                         {"student": student, "score": attempt.score})
    return redirect(target)


@teacher_required
def verification(request):
    """A teacher's verification: its state, and the request form while there is nothing pending."""
    form = VerificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.verification_request(teacher=request.user, school=form.cleaned_data["school"],
                                          note=form.cleaned_data["note"])
        except ServiceError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("Your request was sent. Academy staff will decide on it."))
            return redirect("frontend:verification")
    return render(request, "frontend/verification.html", {
        "section": "teach", "state": access.verification_state(request.user), "form": form,
    }, status=400 if form.errors else 200)
