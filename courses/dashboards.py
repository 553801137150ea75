"""Shaped reads for the people-facing site (frontend/): each a fixed, small number of queries.

Nothing here writes. The numbers come from the same selectors the API uses
(courses.progress, assessments.selectors, cms.selectors); these functions only
put them in the shape a page needs.
"""
from django.db.models import Count
from wagtail.models import Page

from accounts.privacy import display_name
from accounts.selectors import academy_ids_of
from assessments import grading
from assessments.models import Attempt, Exercise
from cms.models import CoursePage, LessonExercise, ModulePage
from cms.selectors import academies_by_path, catalogue_courses, courses_for_language, published_courses

from . import access, progress
from .models import (
    Assignment,
    ClassInvitation,
    ClassMembership,
    Enrolment,
    LessonRead,
    SchoolClass,
    TeacherVerification,
)

# --- catalogue ----------------------------------------------------------------------


def catalogue(*, ui_language: str, q: str = "", language: str = "", level: str = "", competency: str = "") -> list:
    """Published courses for the catalogue page, filtered as GET /api/v1/courses/ filters them."""
    # "Any" language on the site is every content language (the API's default stays the interface's).
    qs = catalogue_courses(ui_language=ui_language, language=language, level=level, competency=competency, q=q,
                           every_language=True)
    courses = list(qs.select_related("cover_image"))
    academies = academies_by_path()
    for course in courses:
        course.academy_name = academies.get(course.path[: Page.steplen * 3], {}).get("name")
    return courses


def catalogue_facets() -> dict:
    """The levels and competencies that published courses use, for the filter selects."""
    competencies: set[str] = set()
    levels: set[str] = set()
    for level, keys in published_courses().values_list("level", "competencies"):
        levels.add(level)
        competencies.update(k for k in (keys or []) if isinstance(k, str))
    return {"levels": sorted(levels), "competencies": sorted(competencies)}


def course_academy_name(course: CoursePage) -> str | None:
    return academies_by_path().get(course.path[: Page.steplen * 3], {}).get("name")


# --- a learner's records ------------------------------------------------------------------


def is_enrolled(*, learner, course) -> bool:
    return learner.is_authenticated and Enrolment.objects.filter(learner=learner, course=course).exists()


def lesson_states(*, learner, lesson_ids) -> dict[int, str]:
    """lesson id -> "completed", "read" (marked read, an exercise not yet passed) or "new"."""
    lesson_ids = list(lesson_ids)
    if not learner.is_authenticated or not lesson_ids:
        return dict.fromkeys(lesson_ids, "new")
    read = set(LessonRead.objects.filter(learner=learner, lesson_id__in=lesson_ids)
               .values_list("lesson_id", flat=True))
    done = {lesson for _, lesson in progress.completed_pairs(learner_ids=[learner.pk], lesson_ids=lesson_ids)}
    return {lid: "completed" if lid in done else "read" if lid in read else "new" for lid in lesson_ids}


def learner_overview(*, learner) -> list[dict]:
    """Each enrolled course with its progress by module. Two queries whatever the number of courses:
    the enrolments, and the marks in all of them (progress.courses_progress; structures are cached)."""
    enrolments = list(Enrolment.objects.filter(learner=learner, course__live=True)
                      .select_related("course").order_by("course__path"))
    summaries = progress.courses_progress(learner=learner, courses=[e.course for e in enrolments])
    return [{**summary, "course": enrolment.course, "source": enrolment.source}
            for enrolment, summary in zip(enrolments, summaries, strict=True)]


def recent_attempts(*, learner, limit: int = 10) -> list[Attempt]:
    return list(Attempt.objects.filter(learner=learner).select_related("exercise").order_by("-created_at", "-id")
                [:limit])


def passed_exercises(*, learner, exercise_ids) -> set[int]:
    if not learner.is_authenticated:
        return set()
    return set(Attempt.objects.filter(learner=learner, exercise_id__in=list(exercise_ids),
                                      status=Attempt.Status.GRADED, passed=True)
               .values_list("exercise_id", flat=True))


def open_attempt(*, learner, exercise) -> Attempt | None:
    """The learner's latest scenario attempt still being played, to resume."""
    return (Attempt.objects.filter(learner=learner, exercise=exercise, status=Attempt.Status.IN_PROGRESS)
            .order_by("-created_at", "-id").first())


def exercise_lesson(*, exercise) -> int | None:
    """A live lesson that embeds the exercise (to link back to), if any."""
    return (LessonExercise.objects.filter(exercise=exercise, lesson__live=True).order_by("lesson__path")
            .values_list("lesson_id", flat=True).first())


# --- attempts, explained with the texts of their version ---------------------------------------


def _nodes(document: dict) -> dict:
    return {node["id"]: node for node in document.get("nodes", [])}


def attempt_path(attempt: Attempt) -> list[dict]:
    """The steps taken so far with the texts the learner saw (never weights, links or feedback)."""
    nodes = _nodes(attempt.version.document)
    out = []
    for step in attempt.answers.get("steps", []):
        node = nodes.get(step["node"], {})
        row = {"node": step["node"], "text": node.get("text", "")}
        if "choice" in step:
            choice = next((c for c in node.get("choices", []) if c["id"] == step["choice"]), {})
            row["choice"] = choice.get("text", step["choice"])
        if "reply" in step:
            row["reply"] = step["reply"]
        if node.get("type") == "outcome":
            continue
        out.append(row)
    return out


def scenario_result(attempt: Attempt) -> dict:
    """A graded scenario attempt with labels: competencies, steps, criteria met and missed.

    Only for graded attempts: the texts of criteria and feedback are part of the result.
    """
    document = grading.normalise_document(attempt.version.document)
    result = attempt.result or {}
    nodes = _nodes(document)
    labels = {c["key"]: c["label"] for c in document["competencies"]}
    competencies = [{"key": key, "label": labels.get(key, key), "score": score}
                    for key, score in result.get("competencies", {}).items()]
    answers = {s["node"]: s for s in attempt.answers.get("steps", [])}
    steps = []
    for graded in result.get("steps", []):
        node = nodes.get(graded["node"], {})
        row = {"node": graded["node"], "text": node.get("text", ""), "feedback": graded.get("feedback", "")}
        if "choice" in graded:
            choice = next((c for c in node.get("choices", []) if c["id"] == graded["choice"]), {})
            row["choice"] = choice.get("text", graded["choice"])
            row["critical"] = f'{graded["node"]}/{graded["choice"]}' in result.get("critical", [])
        else:
            rubric = node.get("rubric", {"criteria": [], "avoid": []})
            criteria = {c["id"]: c["label"] for c in rubric["criteria"]}
            avoid = {c["id"]: c["label"] for c in rubric["avoid"]}
            row["reply"] = answers.get(graded["node"], {}).get("reply", "")
            row["met"] = [criteria.get(i, i) for i in graded.get("met", [])]
            row["missed"] = [criteria.get(i, i) for i in graded.get("missed", [])]
            row["avoided"] = [avoid.get(i, i) for i in graded.get("avoided", [])]
        steps.append(row)
    outcome_node = next((n for n in document["nodes"] if n["type"] == "outcome"
                         and n["id"] == (attempt.answers.get("steps") or [{}])[-1].get("node")), None)
    return {
        "overall": result.get("overall"),
        "passed": result.get("passed"),
        "outcome": result.get("outcome", ""),
        "outcome_text": outcome_node["text"] if outcome_node else "",
        "competencies": competencies,
        "critical": bool(result.get("critical")),
        "steps": steps,
        "pass_threshold": document["pass_threshold"],
        "title": document["title"],
    }


def quiz_result(attempt: Attempt) -> dict:
    """A graded quiz attempt: per question its text, the learner's answer, what was correct."""
    document = grading.normalise_document(attempt.version.document)
    result = attempt.result or {}
    given = attempt.answers.get("answers", {})
    graded = {q["id"]: q for q in result.get("questions", [])}
    questions = []
    for q in document["questions"]:
        options = {o["id"]: o["text"] for o in q.get("options", [])}
        answer = given.get(q["id"])
        if isinstance(answer, list):
            answer_text = [options.get(a, a) for a in answer]
        else:
            answer_text = [answer] if answer else []
        row = graded.get(q["id"], {})
        correct = row.get("correct", [])
        questions.append({
            "id": q["id"], "text": q["text"], "type": q["type"], "points": q["points"],
            "earned": row.get("earned", 0), "earned_points": round(row.get("earned", 0) * q["points"], 2),
            "feedback": row.get("feedback", ""), "answer": answer_text,
            "correct": correct if q["type"] == "text" else [options.get(c, c) for c in correct],
        })
    return {"overall": result.get("overall"), "passed": result.get("passed"), "questions": questions,
            "pass_threshold": document["pass_threshold"], "title": document["title"]}


# --- teachers ----------------------------------------------------------------------------


def teacher_classes(*, teacher) -> list[SchoolClass]:
    return list(SchoolClass.objects.filter(teacher=teacher).annotate(
        n_students=Count("memberships", distinct=True), n_assignments=Count("assignments", distinct=True)))


def class_roster(*, school_class: SchoolClass) -> list[dict]:
    """The class's members by display name: a teacher never sees a learner's email."""
    return [
        {"id": m.student_id, "username": display_name(m.student.username), "joined_at": m.joined_at,
         "last_activity_at": m.student.last_activity_at}
        for m in school_class.memberships.select_related("student").order_by("student__username", "student_id")
    ]


def my_classes(*, learner) -> list[dict]:
    """The classes the learner is in, each with its teacher's display name and what that teacher
    can see of the learner (courses/access.py decides the same). Three queries for any number."""
    memberships = list(ClassMembership.objects.filter(student=learner)
                       .select_related("school_class__teacher").order_by("-joined_at", "-id"))
    class_ids = [m.school_class_id for m in memberships]
    modules: dict[int, list[dict]] = {cid: [] for cid in class_ids}
    for a in (Assignment.objects.filter(school_class_id__in=class_ids).select_related("module")
              .order_by("due_at", "id")):
        modules[a.school_class_id].append({"id": a.module_id, "title": a.module.title, "due_at": a.due_at})
    teacher_ids = {m.school_class.teacher_id for m in memberships}
    verified = set(TeacherVerification.objects.filter(
        teacher_id__in=teacher_ids, state=TeacherVerification.State.VERIFIED, revoked_at__isnull=True,
    ).values_list("teacher_id", flat=True)) if teacher_ids else set()
    rows = []
    for m in memberships:
        school_class = m.school_class
        assigned = modules[school_class.pk]
        rows.append({
            "id": school_class.pk, "name": school_class.name, "joined_at": m.joined_at,
            "teacher": display_name(school_class.teacher.username),
            "teacher_sees": {"progress": True, "attempts": bool(assigned),
                             "overrides": bool(assigned) and (school_class.teacher_id in verified
                                                              or school_class.teacher.is_platform_admin),
                             "modules": assigned},
        })
    return rows


def my_invitations(*, learner) -> list[dict]:
    """The open invitations addressed to the learner's email (emails are unique whatever their case)."""
    email = (learner.email or "").casefold()
    if not email:
        return []
    invitations = (ClassInvitation.objects
                   .filter(email=email, accepted_at__isnull=True, school_class__archived_at__isnull=True)
                   .select_related("school_class__teacher").order_by("-created_at", "-id"))
    return [{"id": inv.pk, "class": {"id": inv.school_class_id, "name": inv.school_class.name},
             "teacher": display_name(inv.school_class.teacher.username), "created_at": inv.created_at}
            for inv in invitations]


def class_invitations(*, school_class: SchoolClass) -> list[dict]:
    """The invitations the teacher sent that wait for an answer (the addresses they typed)."""
    return [{"id": inv.pk, "email": inv.email, "created_at": inv.created_at}
            for inv in school_class.invitations.filter(accepted_at__isnull=True).order_by("-created_at", "-id")]


def verification_requests(*, user):
    """Pending teacher verification requests, oldest first, for those who decide them (a queryset,
    so the API can paginate it); empty for everyone else."""
    if not access.may_decide_verifications(user=user):
        return TeacherVerification.objects.none()
    return (TeacherVerification.objects.filter(state=TeacherVerification.State.PENDING, revoked_at__isnull=True)
            .select_related("teacher").order_by("created_at", "id"))


def verification_json(v: TeacherVerification) -> dict:
    return {"id": v.pk, "teacher": display_name(v.teacher.username), "teacher_id": v.teacher_id,
            "school": v.school, "note": v.note, "state": v.state, "created_at": v.created_at}


def class_assignments(*, school_class: SchoolClass) -> list[dict]:
    rows = []
    for a in school_class.assignments.select_related("module", "course").prefetch_related("extensions__student"):
        rows.append({"id": a.pk, "module": a.module, "course": a.course, "due_at": a.due_at,
                     "extensions": [{"student": display_name(e.student.username), "due_at": e.due_at}
                                    for e in a.extensions.all()]})
    return rows


def assignable_modules() -> list[dict]:
    """Published modules grouped by course (default language), for the assign form."""
    courses = list(courses_for_language(None))
    modules = ModulePage.objects.live().filter(depth=courses[0].depth + 1) if courses else ModulePage.objects.none()
    by_course: dict[str, list] = {}
    for module in modules.order_by("path"):
        by_course.setdefault(module.path[:-Page.steplen], []).append(module)
    return [{"course": c, "modules": by_course.get(c.path, [])} for c in courses if by_course.get(c.path)]


def class_replies(*, school_class: SchoolClass, limit: int = 50) -> list[dict]:
    """Free-text replies of the class's students (as GET /api/v1/classes/{id}/replies/), with the
    rubric labels a reviewer needs to override."""
    attempts = (
        access.class_attempts(school_class).filter(status=Attempt.Status.GRADED,
                                                   exercise__kind=Exercise.Kind.SCENARIO)
        .select_related("learner", "exercise", "version").order_by("-graded_at", "-id")[:limit]
    )
    rows = []
    for attempt in attempts:
        document = grading.normalise_document(attempt.version.document)
        nodes = _nodes(document)
        graded = {st["node"]: st for st in (attempt.result or {}).get("steps", [])}
        for step in attempt.answers.get("steps", []):
            if "reply" not in step:
                continue
            node = nodes.get(step["node"], {})
            rubric = node.get("rubric", {"criteria": [], "avoid": []})
            result = graded.get(step["node"], {})
            rows.append({
                "attempt": attempt.pk, "student": display_name(attempt.learner.username),
                "exercise": attempt.exercise.title,
                "node": step["node"], "prompt": node.get("text", ""), "reply": step["reply"],
                "score": attempt.score, "passed": attempt.passed, "graded_at": attempt.graded_at,
                "criteria": [{"id": c["id"], "label": c["label"], "met": c["id"] in result.get("met", [])}
                             for c in rubric["criteria"]],
                "avoid": [{"id": c["id"], "label": c["label"], "hit": c["id"] in result.get("avoided", [])}
                          for c in rubric["avoid"]],
            })
    return rows


def class_reply_attempt(*, school_class: SchoolClass, attempt_id) -> Attempt | None:
    """A graded scenario attempt by a student of this class, or None."""
    if not str(attempt_id).isascii() or not str(attempt_id).isdigit() or len(str(attempt_id)) > 18:
        return None
    return (access.class_attempts(school_class).filter(pk=int(attempt_id), exercise__kind=Exercise.Kind.SCENARIO)
            .select_related("version", "exercise").first())


# --- academy staff ---------------------------------------------------------------------------


def academy_exercises(*, user) -> list[dict]:
    """The exercises of the academies the user is staff of, with their current documents."""
    exercises = (Exercise.objects.filter(academy_id__in=academy_ids_of(user), current_version__isnull=False)
                 .select_related("academy", "current_version").annotate(n_attempts=Count("attempts"))
                 .order_by("academy__name", "-kind", "title"))
    return [{"exercise": e, "version": e.current_version.number,
             "document": grading.normalise_document(e.current_version.document)} for e in exercises]
