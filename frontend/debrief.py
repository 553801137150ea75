"""The debrief section of a scenario's result page: the learner's path beside the strongest path, as a
timeline (text) and on the scenario's diagram (the same, drawn). The numbers come from the engine through
assessments.selectors; this module only words and draws them."""
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments import selectors as assessment_selectors
from assessments.diagram import render_svg
from assessments.documents import normalised_document
from assessments.models import Attempt, Exercise

from . import labels

LEARNER_COLOUR, STRONGEST_COLOUR = "#1f5fa8", "#1e7a46"


def debrief_context(*, attempt: Attempt, own: bool) -> dict:
    """{"debrief": ...} for the result template: None for quizzes, a locked note, or the whole debrief."""
    if attempt.exercise.kind != Exercise.Kind.SCENARIO:
        return {"debrief": None}
    if not assessment_selectors.debrief_unlocked(attempt=attempt):
        return {"debrief": {"locked": True, "when": _locked_text(attempt, own)}}
    page = assessment_selectors.debrief_page(attempt=attempt)
    for step in page["strongest"]:
        if "outcome" in step:
            step["outcome_label"] = labels.outcome(step["outcome"])
    document = normalised_document(attempt.version)
    learner_label = _("Your path") if own else _("The learner's path")
    highlights = [
        {"name": "learner", "label": _("%(who)s is drawn as a wide blue band.") % {"who": learner_label},
         "colour": LEARNER_COLOUR, "width": 9, "dash": "", "steps": page["learner_path"]},
        {"name": "strongest", "label": _("The strongest path is drawn as a dashed green line."),
         "colour": STRONGEST_COLOUR, "width": 3.5, "dash": "9 5", "steps": page["strongest_path"]},
    ]
    # render_svg escapes every text of the document and of the labels: its output is markup we wrote.
    svg = mark_safe(render_svg(document, title=_("The two paths on the scenario’s map"),  # noqa: S308
                               svg_id=f"debrief-{attempt.pk}", highlights=highlights))
    same = [s["node"] for s in page["learner_path"]] == [s["node"] for s in page["strongest_path"]] and all(
        s.get("kept", True) for s in page["steps"])
    # The author's texts are in the scenario's language, which may not be the interface's: marked with it.
    return {"debrief": {"locked": False, **page, "svg": svg, "learner_label": learner_label, "same_path": same,
                        "language": document["language"],
                        "lost_text": _("Points lost against the strongest path, in all: %(n)s.")
                        % {"n": page["lost_total"]}}}


def _locked_text(attempt: Attempt, own: bool) -> str:
    if attempt.status != Attempt.Status.GRADED:
        return _("The debrief opens once this attempt is graded.")
    limit = attempt.exercise.attempt_limit
    if own:
        if limit is None:
            return _("The debrief opens once you pass this exercise.")
        return ngettext("The debrief opens once you pass this exercise or have used your %(n)s attempt.",
                        "The debrief opens once you pass this exercise or have used all %(n)s attempts.",
                        limit) % {"n": limit}
    if limit is None:
        return _("The debrief opens once the learner passes this exercise.")
    return ngettext("The debrief opens once the learner passes this exercise or has used their %(n)s attempt.",
                    "The debrief opens once the learner passes this exercise or has used all %(n)s attempts.",
                    limit) % {"n": limit}
