"""The reflection journal's pages: the learner's form under an unlocked result (its own include), "My
journal", and a class's entries for its teacher with a comment form. The same services as the API
(courses/journal.py); who may do what is courses/access.py."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.errors import ServiceError
from assessments.models import Attempt
from assessments.selectors import debrief_unlocked
from courses import journal
from courses.access import may_write_journal
from courses.errors import NotFound

from .access import error_text, teacher_required


def _int(value) -> int:
    text = str(value)
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise Http404
    return int(text)


def result_context(*, user, attempt: Attempt) -> dict | None:
    """What the result page's journal include shows: None unless the learner's own counted attempt has an
    open debrief; else who reads the entry, the entry and its comments. Three queries, four with comments."""
    if not may_write_journal(user=user, attempt=attempt) or not debrief_unlocked(attempt=attempt):
        return None
    entry = journal.attempt_entry(learner=user, attempt=attempt)
    return {"audience": journal.journal_audience(learner_id=user.pk, exercise_id=attempt.exercise_id),
            "entry": journal.entry_view(entry, entry.comments.all()) if entry else None}


@require_POST
@login_required
def journal_save(request, attempt_id):
    attempt = Attempt.objects.select_related("version", "exercise").filter(pk=_int(attempt_id)).first()
    if attempt is None or not may_write_journal(user=request.user, attempt=attempt):
        raise Http404
    back = reverse("frontend:attempt", args=[attempt.pk]) + "#journal"
    try:
        journal.journal_entry_save(learner=request.user, attempt=attempt,
                                   differently=request.POST.get("differently", ""),
                                   commitment=request.POST.get("commitment", ""))
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Your reflection is saved in your journal."))
    return redirect(back)


@login_required
def my_journal(request):
    return render(request, "frontend/journal.html", {
        "section": "progress", "entries": [journal.entry_view(e, e.comments.all())
                                           for e in journal.learner_journal(learner=request.user)[:100]]})


def _class(request, class_id):
    try:
        return journal.journal_class(user=request.user, class_id=class_id)
    except NotFound:
        raise Http404 from None


@teacher_required
def class_journal(request, class_id):
    school_class = _class(request, class_id)
    entries = [journal.entry_view(e, e.comments.all()) for e in journal.class_journal(school_class=school_class)[:100]]
    return render(request, "frontend/class_journal.html", {
        "section": "teach", "tab": "journal", "school_class": school_class, "entries": entries})


@require_POST
@teacher_required
def journal_comment(request, class_id, entry_id):
    school_class = _class(request, class_id)
    try:
        entry = journal.readable_entry(user=request.user, entry_id=_int(entry_id))
        journal.journal_comment_add(author=request.user, entry=entry, text=request.POST.get("text", ""))
    except NotFound:
        raise Http404 from None
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Your comment is posted. The student sees it under their entry."))
    return redirect(reverse("frontend:class-journal", args=[school_class.pk]) + f"#entry-{entry.pk}")
