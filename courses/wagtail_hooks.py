"""Admin hooks that need learners' records (Wagtail loads each app's wagtail_hooks; cms/ sits below
courses/ and cannot read progress)."""
from django.contrib import messages
from django.utils.translation import ngettext
from wagtail import hooks

from cms.models import LessonPage

from . import progress


@hooks.register("before_edit_page")
def warn_before_a_publish_lowers_percentages(request, page):
    """Opening a lesson whose draft, once published, would lower learners' percentages says so first:
    a new lesson (one more to complete) or a new exercise in a lesson some have completed."""
    if request.method != "GET" or not isinstance(page.specific, LessonPage):
        return
    draft = page.specific.get_latest_revision_as_object()
    count = progress.learners_losing_percent(lesson=page.specific, exercise_ids=draft.exercise_ids())
    if count:
        messages.warning(request, ngettext(
            "Publishing this lesson lowers the course percentage of %(n)s learner: they have one more "
            "lesson or exercise to complete.",
            "Publishing this lesson lowers the course percentage of %(n)s learners: they have one more "
            "lesson or exercise to complete.", count) % {"n": count})
