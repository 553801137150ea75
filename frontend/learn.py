"""Pages for learners: catalogue, course, lesson, players, results, progress, competencies, joining a class.

Reads go through the selectors the API uses; writes through the same services
(plain POST forms), or the page's script calls API v1 (the scenario player).
"""
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.errors import ServiceError
from api.throttles import AttemptThrottle, JoinAccountThrottle, JoinAddressThrottle, refusal_wait
from assessments import selectors as assessment_selectors
from assessments import services as assessment_services
from assessments.models import Attempt, Exercise
from cms import selectors as cms_selectors
from cms.blocks import block_json, image_json
from cms.selectors import course_page, published_courses, published_lesson
from courses import progress, reviews, services
from courses import selectors as course_selectors
from courses.access import may_read_attempt, may_replay_attempt, may_see_staff_details
from courses.errors import Forbidden, NotFound

from . import journal, labels, negotiate, reflections
from .access import attemptable_exercise_or_404, error_text
from .charts import bar_chart, bar_legend
from .debrief import debrief_context
from .forms import JoinForm
from .templatetags.bidi import isolate
from .views import TOO_MANY, too_many


def _int(value) -> int:
    text = str(value)
    # Beyond 64 bits an id names nothing (and PostgreSQL refuses to compare it).
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise Http404
    return int(text)


def _cover(course):
    return image_json(course.cover_image, course.cover_alt) if course.cover_image_id else None


# --- catalogue and course --------------------------------------------------------------


def catalogue(request):
    params = {key: (request.GET.get(key) or "").strip()[:100] for key in ("q", "language", "level", "competency")}
    if params["language"] not in dict(settings.LANGUAGES):
        params["language"] = ""
    published = published_courses()  # built once: the cards and the filters' facets both read it
    courses = cms_selectors.catalogue(ui_language=request.LANGUAGE_CODE, published=published, **params)
    facets = cms_selectors.catalogue_facets(published=published)
    cards = [{
        "course": c, "academy": c.academy_name, "cover": _cover(c), "level": labels.level(c.level),
        "language": dict(settings.LANGUAGES).get(c.locale.language_code, c.locale.language_code),
        "competencies": [labels.competency(k) for k in c.competencies or []],
    } for c in courses]
    return render(request, "frontend/catalogue.html", {
        "section": "catalogue", "cards": cards, "params": params, "filtered": any(params.values()),
        "languages": settings.LANGUAGES,
        "levels": [(k, labels.level(k)) for k in facets["levels"]],
        "competencies": [(k, labels.competency(k)) for k in facets["competencies"]],
    })


def course_detail(request, course_id):
    # The course, its structure and its academy's name are one page-tree cache entry; what is the
    # visitor's is one query (progress.course_page_state), so the page's query count stays flat
    # whatever the number of lessons or learners (tests/frontend/test_page_queries.py).
    page = course_page(_int(course_id))
    if page is None:
        raise Http404
    course, modules = page["course"], page["modules"]
    lesson_ids = [lesson["id"] for m in modules for lesson in m["lessons"]]
    visitor = progress.course_page_state(learner=request.user, course=course, modules=modules)
    enrolled, states, summary = visitor["enrolled"], visitor["states"], visitor["progress"]
    course_percent = None
    if enrolled:
        course_percent = summary["percent"]
        percents = {m["id"]: m["percent"] for m in summary["modules"]}
        for module in modules:
            module["percent"] = percents.get(module["id"], 0.0)
    lesson_url = reverse("frontend:lesson", args=[0]).replace("/0/", "/{}/")  # one reverse, not one a lesson
    for module in modules:
        for lesson in module["lessons"]:
            lesson["state"] = states.get(lesson["id"], progress.NOT_STARTED)
            lesson["url"] = lesson_url.format(lesson["id"])
    first_lesson = lesson_ids[0] if lesson_ids else None
    next_lesson = next((lid for lid in lesson_ids if states.get(lid) != progress.COMPLETED), first_lesson)
    return render(request, "frontend/course.html", {
        "section": "catalogue", "course": course, "modules": modules, "enrolled": enrolled,
        "percent": course_percent, "cover": _cover(course), "academy": page["academy"],
        "level": labels.level(course.level), "competencies": [labels.competency(k) for k in course.competencies or []],
        "continue_lesson": next_lesson, "lesson_count": len(lesson_ids),
    })


@require_POST
@login_required
def enrol(request, course_id):
    course = get_object_or_404(published_courses(), pk=_int(course_id))
    _row, created = services.enrol(learner=request.user, course=course)
    if created:
        messages.success(request, _("You are enrolled. Welcome to the course!"))
    return redirect("frontend:course", course_id=course.pk)


# --- lessons ---------------------------------------------------------------------------


def lesson_detail(request, lesson_id):
    # As the course page: the course and its structure from one cache entry, the lesson's row, and one
    # query for what is the visitor's (progress.lesson_page_state).
    found = published_lesson(_int(lesson_id))
    if found is None:
        raise Http404
    lesson, page = found
    course, modules = page["course"], page["modules"]
    rendered = [block_json(b) for b in course_selectors.lesson_blocks(lesson)]
    place = course_selectors.lesson_navigation(lesson_id=lesson.pk, modules=modules)
    exercise_ids = [b["value"]["exercise"] for b in rendered if b["type"] == "exercise" and b["value"]["exercise"]]
    visitor = progress.lesson_page_state(learner=request.user, course=course, lesson=place["lesson"],
                                         exercise_ids=exercise_ids)
    passed = visitor["passed"]
    for block in rendered:
        if block["type"] == "exercise":
            block["value"]["passed"] = block["value"]["exercise"] in passed
            block["value"]["state"] = progress.exercise_state(exercise=block["value"]["exercise"], passed=passed,
                                                              attempted=visitor["attempted"])
    reflections.attach(rendered, user=request.user, lesson_id=lesson.pk)  # one query when it has some
    return render(request, "frontend/lesson.html", {
        "section": "catalogue", "lesson": lesson, "course": course, "module": place["module"], "blocks": rendered,
        "enrolled": visitor["enrolled"], "state": visitor["state"], "read": visitor["read"],
        "has_exercises": bool(place["lesson"]["exercises"]) if place["lesson"] else False,
        "position": place["position"], "total": place["total"],
        "previous": place["previous"], "next": place["next"],
    })


@require_POST
@login_required
def lesson_read(request, lesson_id):
    lesson_id = _int(lesson_id)
    try:
        _row, created = services.lesson_mark_read(learner=request.user, lesson_id=lesson_id)
    except (Forbidden, NotFound) as exc:
        if isinstance(exc, NotFound):
            raise Http404 from None
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Marked as read.") if created else _("You had already marked this lesson read."))
    return redirect("frontend:lesson", lesson_id=lesson_id)


# --- exercises -------------------------------------------------------------------------


def _player_strings() -> dict:
    return {
        "start": _("Start"), "send": _("Send reply"), "words": _("words"),
        "wordRange": _("Between %(min)s and %(max)s words."),
        "tooShort": _("Write at least %(min)s words."), "tooLong": _("Write at most %(max)s words."),
        "you": _("You"), "waiting": _("Grading your path. This usually takes a few seconds…"),
        "graded": _("Graded. Opening your result…"), "failed": _("Grading failed. Please try again later."),
        "error": _("Something went wrong. Please try again."), "step": _("Step %(n)s"),
        "outcome": _("Outcome"), "yourReply": _("Your reply"), "chooseOne": _("What do you do?"),
        "reached": _("You reached an outcome."), "stillWaiting": _("Still grading… the page checks again."),
        "slow": _("This is taking longer than usual. Your answer is saved: nothing is lost if you wait or "
                  "come back later."),
        "verySlow": _("Grading is delayed. Your answer is saved and will be graded; you can leave this page "
                      "and find the result under My progress."),
    }


# Seconds after which the waiting words stop promising "a few seconds" (as Parley.patience in api.js).
SLOW_AFTER, VERY_SLOW_AFTER = 10, 35


def _waiting_text(strings: dict, waited: float) -> str:
    if waited >= VERY_SLOW_AFTER:
        return strings["verySlow"]
    return strings["slow"] if waited >= SLOW_AFTER else strings["waiting"]


def _exercise_context(request, exercise, summary) -> dict:
    history = list(Attempt.objects.filter(exercise=exercise, learner=request.user).order_by("-created_at", "-id")[:5])
    return {"section": "catalogue", "exercise": exercise, "summary": summary, "history": history,
            "lesson_id": cms_selectors.exercise_lesson(exercise=exercise),
            "competencies": summary.get("competencies", []),
            "preview": assessment_services.is_preview(learner=request.user, exercise=exercise)}


@login_required
def exercise_play(request, exercise_id):
    exercise = attemptable_exercise_or_404(request.user, exercise_id)
    summary = assessment_selectors.exercise_learner_view(exercise=exercise, learner=request.user)
    context = _exercise_context(request, exercise, summary)
    if exercise.kind == Exercise.Kind.QUIZ:
        context.update(questions=_quiz_questions(summary["questions"]), idempotency_key=uuid.uuid4().hex)
        return render(request, "frontend/quiz.html", context)
    if exercise.kind == Exercise.Kind.NEGOTIATION:
        playing = assessment_selectors.open_attempt(learner=request.user, exercise=exercise)
        context.update(negotiate.play_context(exercise=exercise, summary=summary, attempt=playing))
        return render(request, "frontend/negotiation.html", context)
    replay = request.GET.get("replay")
    replay_id = _int(replay) if replay else None
    resume = assessment_selectors.open_attempt(learner=request.user, exercise=exercise, replay_id=replay_id)
    config = {
        "exercise": exercise.pk,
        "startUrl": reverse("api:attempts", args=[exercise.pk]),
        "attemptUrl": reverse("api:attempt", args=[0]).replace("/0/", "/{id}/"),
        "stepUrl": reverse("api:attempt-steps", args=[0]).replace("/0/", "/{id}/"),
        "resultUrl": reverse("frontend:attempt", args=[0]).replace("/0/", "/{id}/"),
        "resume": None,
        "strings": _player_strings(),
    }
    if resume is not None:
        view = assessment_selectors.attempt_view(attempt=resume)
        config["resume"] = {"id": resume.pk, "node": view["node"], "path": assessment_selectors.attempt_path(resume)}
    context.update(config=config, resume=resume)
    return render(request, "frontend/scenario.html", context)


def _lettered(options) -> bool:
    """Options whose ids are single letters (a, b, c...) show them, since feedback may name them."""
    return bool(options) and all(len(o["id"]) == 1 and o["id"].isalpha() for o in options)


def _quiz_questions(questions, answers=None, errors=None, post=None) -> list[dict]:
    """The questions as the quiz form shows them: positions to choose from, option letters, and, when the
    form comes back (a step to confirm, or an error), what the learner had answered (the positions as
    chosen, from `post`) and each one's error."""
    answers, errors, post = answers or {}, errors or {}, post or {}
    for number, q in enumerate(questions, start=1):
        given = answers.get(q["id"])
        q.update(number=number, answered=given is not None, error=errors.get(q["id"], ""),
                 positions=list(range(1, len(q.get("options", [])) + 1)), lettered=_lettered(q.get("options", [])))
        if q["type"] == "text":
            q["value"] = given or ""
        for o in q.get("options", []):
            o["checked"] = q["type"] in ("single", "multiple") and o["id"] in (given or [])
            raw = post.get(f"q-{q['id']}-{o['id']}", "") if q["type"] == "order" else ""
            o["position"] = int(raw) if raw.isdigit() else None
    return questions


def _with_answer_items(result: dict, attempt) -> dict:
    """Each question's answer and correct answer as items with the option's letter when the quiz form
    showed letters (see _lettered), so the result page lists an order as numbered steps and several
    options as a list, and feedback that names a letter finds it."""
    from assessments.documents import normalised_document

    options = {q["id"]: q.get("options", []) for q in normalised_document(attempt.version)["questions"]}
    for q in result["questions"]:
        letters = {o["text"]: o["id"] for o in options.get(q["id"], [])} if _lettered(options.get(q["id"], [])) else {}
        for key in ("answer", "correct"):
            q[f"{key}_items"] = [{"letter": letters.get(text, ""), "text": text} for text in q[key]]
    return result


def _quiz_answers(post, questions) -> tuple[dict, dict[str, str]]:
    """The answers of the form without JavaScript, and an error by question id (an ordering question
    whose steps are not each given a different position; its answer is kept to show it again)."""
    answers, problems = {}, {}
    for q in questions:
        key = f"q-{q['id']}"
        if q["type"] == "single":
            value = post.get(key)
            if value:
                answers[q["id"]] = [value]
        elif q["type"] == "multiple":
            chosen = post.getlist(key)
            if chosen:
                answers[q["id"]] = chosen
        elif q["type"] == "order":
            positions = {}
            for option in q["options"]:
                raw = post.get(f"{key}-{option['id']}", "")
                if raw.isdigit():
                    positions[option["id"]] = int(raw)
            if positions:
                if len(positions) != len(q["options"]) or len(set(positions.values())) != len(positions):
                    problems[q["id"]] = _("Give each step a different position, from 1 to %(n)s.") % {
                        "n": len(q["options"])}
                answers[q["id"]] = sorted(positions, key=positions.get)
        else:
            value = (post.get(key) or "").strip()
            if value:
                answers[q["id"]] = value[:500]
    return answers, problems


@require_POST
@login_required
def quiz_submit(request, exercise_id):
    """The quiz form without JavaScript: the same service the API's POST attempts calls."""
    exercise = attemptable_exercise_or_404(request.user, exercise_id)
    if exercise.kind != Exercise.Kind.QUIZ:
        raise Http404
    if (wait := refusal_wait(request, (AttemptThrottle(),))) is not None:
        return too_many(render(request, "frontend/too_many.html", {
            "message": TOO_MANY, "back": reverse("frontend:exercise", args=[exercise.pk])}), wait)
    summary = assessment_selectors.exercise_learner_view(exercise=exercise, learner=request.user)
    answers, problems = _quiz_answers(request.POST, summary["questions"])
    key = (request.POST.get("idempotency_key") or "")[:200] or None
    unanswered = [q for q in summary["questions"] if q["id"] not in answers]
    if problems or (unanswered and not request.POST.get("confirm")):
        # The form again, as the learner left it: with each error beside its question, or with the
        # summary of what is unanswered and a button to submit as it is.
        context = _exercise_context(request, exercise, summary)
        questions = _quiz_questions(summary["questions"], answers, problems, request.POST)
        context.update(questions=questions, idempotency_key=key or uuid.uuid4().hex,
                       unanswered=[] if problems else [q for q in questions if not q["answered"]])
        return render(request, "frontend/quiz.html", context, status=400 if problems else 200)
    try:
        attempt, _created = assessment_services.attempt_submit(
            exercise=exercise, learner=request.user, answers={"answers": answers}, idempotency_key=key)
    except ServiceError as exc:
        messages.error(request, error_text(exc))
        return redirect("frontend:exercise", exercise_id=exercise.pk)
    return redirect("frontend:attempt", attempt_id=attempt.pk)


@login_required
def attempt_detail(request, attempt_id):
    attempt = Attempt.objects.select_related("version", "exercise", "learner").filter(pk=_int(attempt_id)).first()
    if attempt is None or not may_read_attempt(user=request.user, attempt=attempt):
        raise Http404
    own = attempt.learner_id == request.user.pk
    if attempt.status == Attempt.Status.IN_PROGRESS and own:
        player = reverse("frontend:exercise", args=[attempt.exercise_id])
        return redirect(player + (f"?replay={attempt.pk}" if attempt.practice else ""))
    next_step = course_selectors.exercise_next_step(exercise=attempt.exercise)
    # Whose result: a former learner is numbered as on the roster of the class the page was opened from.
    learner_name = attempt.learner.username if own else course_selectors.attempt_learner_name(
        attempt=attempt, viewer=request.user, class_id=request.GET.get("class"))
    context = {"section": "progress" if own else "", "attempt": attempt, "own": own, "next_step": next_step,
               "learner_name": learner_name,
               "lesson_id": next_step["lesson"]["id"] if next_step else None,
               "api_url": reverse("api:attempt", args=[attempt.pk]),
               "reviews": reviews.attempt_reviews(attempt=attempt),
               "may_reverse": may_see_staff_details(user=request.user, attempt=attempt)}
    if attempt.status != Attempt.Status.GRADED:
        strings = _player_strings()
        since = attempt.submitted_at or attempt.created_at
        waited = max(0.0, (timezone.now() - since).total_seconds()) if since else 0.0
        context.update(strings=strings, waiting_text=_waiting_text(strings, waited),
                       wait_config={"strings": strings, "waited": round(waited)})
        return render(request, "frontend/attempt_waiting.html", context)
    if attempt.exercise.kind == Exercise.Kind.QUIZ:
        context["result"] = _with_answer_items(assessment_selectors.quiz_result(attempt), attempt)
        return render(request, "frontend/quiz_result.html", context)
    if attempt.exercise.kind == Exercise.Kind.NEGOTIATION:
        result = negotiate.result_context(attempt)
        context.update(brief=result["brief"], negotiation=result)
        return render(request, "frontend/negotiation_result.html", context)
    result = assessment_selectors.scenario_result(attempt)
    result["outcome_label"] = labels.outcome(result["outcome"])
    context["result"] = result
    if attempt.practice:
        return render(request, "frontend/practice_result.html", context)
    context["journal"] = journal.result_context(user=request.user, attempt=attempt) if own else None
    unlocked = own and assessment_selectors.debrief_unlocked(attempt=attempt)
    context["replay_decisions"] = (assessment_selectors.replay_decisions(attempt=attempt)
                                   if unlocked and may_replay_attempt(user=request.user, attempt=attempt) else [])
    overall = {"label": _("Overall score"), "score": result["overall"], "passed": result["passed"]}
    threshold_label = _("Pass mark (%(t)s), for the overall score") % {"t": result["pass_threshold"]}
    context["chart"] = bar_chart(
        result["competencies"], chart_id=f"attempt-{attempt.pk}-chart", threshold=result["pass_threshold"],
        title=_("Overall and competency scores for this attempt"),
        description=_("A bar from 0 to 100 for the overall score, then one for each competency; the dashed "
                      "line on the overall bar is the pass mark of %(t)s. The table gives the same numbers.")
        % {"t": result["pass_threshold"]},
        threshold_label=threshold_label, overall=overall,
    )
    context["legend"] = bar_legend(overall=overall, threshold_label=threshold_label, labels={
        "passed": _("Overall score, passed"), "not_passed": _("Overall score, not passed yet"),
        "competency": _("Competency score (no pass mark of its own)")})
    context.update(debrief_context(attempt=attempt, own=own))
    return render(request, "frontend/scenario_result.html", context)


@require_POST
@login_required
def attempt_replay(request, attempt_id):
    """"Replay from here" on the result page: the service the API's replay calls, then the player on the
    practice attempt."""
    attempt = Attempt.objects.select_related("version", "exercise").filter(pk=_int(attempt_id)).first()
    if attempt is None or not may_replay_attempt(user=request.user, attempt=attempt):
        raise Http404
    try:
        replay, _created = assessment_services.attempt_replay(
            attempt=attempt, node=(request.POST.get("node") or "")[:200], learner=request.user)
    except ServiceError as exc:
        messages.error(request, error_text(exc))
        return redirect(reverse("frontend:attempt", args=[attempt.pk]) + "#replay")
    return redirect(reverse("frontend:exercise", args=[attempt.exercise_id]) + f"?replay={replay.pk}")


@require_POST
@login_required
def reverse_override(request, attempt_id, grading_id):
    """Academy staff undo an override from the result page: the same service as the API's reverse."""
    attempt = Attempt.objects.select_related("version", "exercise").filter(pk=_int(attempt_id)).first()
    if attempt is None or not may_read_attempt(user=request.user, attempt=attempt):
        raise Http404
    reason = (request.POST.get("reason") or "").strip()[:2000]
    try:
        reviews.review_reverse(actor=request.user, attempt=attempt, grading_id=grading_id, reason=reason)
    except NotFound:
        raise Http404 from None
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("The override was reversed."))
    return redirect(reverse("frontend:attempt", args=[attempt.pk]) + "#reviews")


# --- progress, competencies, classes -----------------------------------------------------------


@login_required
def my_progress(request):
    overview = course_selectors.learner_overview(learner=request.user)
    return render(request, "frontend/progress.html", {
        "section": "progress", "overview": overview, "due": course_selectors.learner_due(learner=request.user),
        "attempts": assessment_selectors.recent_attempts(learner=request.user, limit=8),
    })


@login_required
def my_competencies(request):
    rows = assessment_selectors.competency_profile(learner=request.user)
    chart = bar_chart(
        rows, chart_id="competency-profile", title=_("Your competency profile"),
        description=_("A bar from 0 to 100 for each competency, the mean of your latest graded attempt at each "
                      "scenario. The table gives the same numbers."),
    ) if rows else ""
    return render(request, "frontend/competencies.html", {"section": "competencies", "rows": rows, "chart": chart})


@login_required
def join_class(request):
    if request.method == "POST":
        # Every try counts, a mistyped code too: guessing codes is what the limit stops.
        wait = refusal_wait(request, (JoinAddressThrottle(), JoinAccountThrottle()))
        if wait is not None:
            return too_many(render(request, "frontend/join.html", {
                "section": "join", "form": JoinForm(), "throttled": TOO_MANY}), wait)
    # A teacher's join link carries the code (?code=): the form is filled in; joining is still the learner's click.
    form = JoinForm(request.POST or None, initial={"join_code": request.GET.get("code", "")[:32]})
    if request.method == "POST" and form.is_valid():
        try:
            school_class, created = services.class_join(student=request.user,
                                                        join_code=form.cleaned_data["join_code"])
        except (NotFound, Forbidden) as exc:
            form.add_error("join_code", error_text(exc) if isinstance(exc, NotFound)
                           else _("Only student accounts can join a class."))
        else:
            name = isolate(school_class.name)
            if created:
                messages.success(request, _("You joined the class “%(name)s”.") % {"name": name})
            else:
                messages.info(request, _("You are already in the class “%(name)s”.") % {"name": name})
            return redirect("frontend:progress")
    return render(request, "frontend/join.html", {"section": "join", "form": form})
