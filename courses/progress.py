"""Progress, computed by aggregate queries with a fixed count.

The rule (api-v1.md, "Catalogue and progress"; lesson_completed below is its one
statement): a lesson without exercises is completed once its learner marked it
read; a lesson that embeds exercises once every exercise the live lesson embeds
has a passed attempt by that learner, read mark or not (passing them counts as
reading it). Percentages are over live lessons, computed when read, so adding,
removing or unpublishing a lesson changes them at once (see
docs/architecture.md, "Progress").
"""
from django.db import connections, router
from django.db.models import Q, Value
from django.utils import timezone
from django.utils.translation import gettext
from wagtail.models import Page

from accounts.privacy import display_names
from assessments.models import Attempt
from cms.models import CoursePage, LessonExercise, LessonPage
from cms.selectors import course_structure

from .errors import Forbidden
from .models import Assignment, ClassMembership, Enrolment, Extension, LessonRead, SchoolClass

# Tags of the parts of the UNION ALL queries below.
_READ, _EMBEDS, _PASSED, _ENROLLED, _ATTEMPTED = 0, 1, 2, 3, 4

# A lesson's state as the learner sees it ("Not started", "In progress", "Completed").
NOT_STARTED, IN_PROGRESS, COMPLETED = "not_started", "in_progress", "completed"


def lesson_completed(*, read: bool, exercises, passed) -> bool:
    """Whether a lesson counts as completed: `read` is the learner's read mark, `exercises` the ids
    the live lesson embeds, `passed` the ids of exercises the learner has a passed attempt at. The
    one place the contract's rule is written; every count, state and matrix below applies it."""
    exercises = list(exercises)
    if exercises:
        return all(exercise in passed for exercise in exercises)
    return read


def lesson_state(*, read: bool, exercises, passed, attempted=()) -> str:
    """COMPLETED (lesson_completed), IN_PROGRESS (marked read, or one of its exercises attempted or
    passed, but not completed) or NOT_STARTED."""
    exercises = list(exercises)
    if lesson_completed(read=read, exercises=exercises, passed=passed):
        return COMPLETED
    if read or any(exercise in passed or exercise in attempted for exercise in exercises):
        return IN_PROGRESS
    return NOT_STARTED


def exercise_state(*, exercise: int, passed, attempted) -> str | None:
    """"passed", "attempted" (an attempt, none passed) or None (never tried)."""
    if exercise in passed:
        return "passed"
    return "attempted" if exercise in attempted else None


def completed_pairs(*, learner_ids, lesson_ids) -> set[tuple[int, int]]:
    """(learner_id, lesson_id) pairs that count as completed. One query.

    The read marks, the exercises the lessons embed and the passed attempts of
    these learners at these exercises come back together (UNION ALL, each part
    an index range bounded by the given learners and lessons) and the rule is
    applied here. A nested NOT EXISTS did it in SQL, but PostgreSQL planned the
    inner one over every passed attempt on the platform, so a class's matrix
    grew with the whole database (docs/benchmarks.md, B6).
    """
    learner_ids, lesson_ids = list(learner_ids), list(lesson_ids)
    if not learner_ids or not lesson_ids:
        return set()
    reads = LessonRead.objects.filter(learner_id__in=learner_ids, lesson_id__in=lesson_ids).annotate(
        part=Value(_READ)).order_by().values_list("learner_id", "lesson_id", "part")
    embeds = LessonExercise.objects.filter(lesson_id__in=lesson_ids).annotate(
        part=Value(_EMBEDS)).order_by().values_list("lesson_id", "exercise_id", "part")
    passed = Attempt.objects.counted().filter(
        learner_id__in=learner_ids,
        exercise_id__in=LessonExercise.objects.filter(lesson_id__in=lesson_ids).values("exercise_id"),
        status=Attempt.Status.GRADED,
        passed=True,
    ).annotate(part=Value(_PASSED)).order_by().values_list("learner_id", "exercise_id", "part")
    read_pairs, exercises_of, passed_by = set(), {}, {}
    for a, b, part in reads.union(embeds, passed, all=True):
        if part == _READ:
            read_pairs.add((a, b))
        elif part == _EMBEDS:
            exercises_of.setdefault(a, []).append(b)
        else:
            passed_by.setdefault(a, set()).add(b)
    return {
        (learner, lesson) for learner in learner_ids for lesson in lesson_ids
        if lesson_completed(read=(learner, lesson) in read_pairs, exercises=exercises_of.get(lesson, ()),
                            passed=passed_by.get(learner, ()))
    }


def _percent(done: int, total: int) -> float:
    return round(100.0 * done / total, 1) if total else 0.0


def course_progress(*, learner, course: CoursePage, check_enrolled: bool = False, modules=None) -> dict:
    """The learner's progress in a course, by module and lesson.

    The course's structure comes from its cache (cms.selectors), or `modules`
    when the caller already has it; the rest is one query: the learner's read
    marks in this course and passed attempts at its exercises, plus the
    enrolment when `check_enrolled` asks for it (then Forbidden "not_enrolled"
    unless enrolled).
    """
    modules = course_structure(course) if modules is None else modules
    read, passed, enrolled, _attempted = learner_marks(learner_id=learner.pk, modules=modules,
                                                       course_id=course.pk if check_enrolled else None)
    if check_enrolled and not enrolled:
        raise Forbidden.single("not_enrolled", gettext("You are not enrolled in this course."))
    return _summary(course, modules, _done(modules, read, passed))


def courses_progress(*, learner, courses) -> list[dict]:
    """course_progress in each of these courses, in one query whatever their number: the structures
    come from their cache, the learner's read marks and passed attempts in all of them from one
    learner_marks."""
    structures = [(course, course_structure(course)) for course in courses]
    read, passed, _enrolled, _attempted = learner_marks(
        learner_id=learner.pk, modules=[module for _, modules in structures for module in modules])
    return [_summary(course, modules, _done(modules, read, passed)) for course, modules in structures]


def course_page_state(*, learner, course: CoursePage, modules) -> dict:
    """What the course page shows a visitor: enrolled or not, and for an enrolled learner the
    progress (course_progress) and each lesson's state (lesson_state: COMPLETED, IN_PROGRESS or
    NOT_STARTED). One query for a signed-in visitor, none for an anonymous one."""
    if not learner.is_authenticated:
        return {"enrolled": False, "progress": None, "states": {}}
    read, passed, enrolled, attempted = learner_marks(learner_id=learner.pk, modules=modules,
                                                      course_id=course.pk, attempts=True)
    if not enrolled:
        return {"enrolled": False, "progress": None, "states": {}}
    done = _done(modules, read, passed)
    states = {lesson["id"]: lesson_state(read=lesson["id"] in read, exercises=lesson["exercises"], passed=passed,
                                         attempted=attempted)
              for module in modules for lesson in module["lessons"]}
    return {"enrolled": True, "progress": _summary(course, modules, done), "states": states}


def lesson_page_state(*, learner, course: CoursePage, lesson: dict | None, exercise_ids) -> dict:
    """What the lesson page shows: enrolled or not, the lesson's state (lesson_state; NOT_STARTED
    unless enrolled), whether it was marked read, and each of `exercise_ids` the learner passed or
    attempted. `lesson` is the lesson's entry in the course structure (its embedded exercises). One
    query when signed in, none otherwise."""
    if not learner.is_authenticated:
        return {"enrolled": False, "state": NOT_STARTED, "read": False, "passed": set(), "attempted": set()}
    embedded = lesson["exercises"] if lesson else []
    read, passed, enrolled, attempted = learner_marks(
        learner_id=learner.pk, course_id=course.pk, lesson_ids=[lesson["id"]] if lesson else [],
        exercise_ids=sorted({*exercise_ids, *embedded}), attempts=True)
    read = bool(read)
    state = NOT_STARTED
    if enrolled and lesson:
        state = lesson_state(read=read, exercises=embedded, passed=passed, attempted=attempted)
    return {"enrolled": enrolled, "state": state, "read": read, "passed": passed & set(exercise_ids),
            "attempted": attempted & set(exercise_ids)}


def learner_marks(*, learner_id: int, modules=None, lesson_ids=(), exercise_ids=(),
                  course_id: int | None = None, attempts: bool = False) -> tuple[set, set, bool, set]:
    """The learner's read marks among these lessons, passed attempts among these exercises,
    (with `course_id`) whether enrolled in the course, and (with `attempts`) the exercises among
    these with any attempt at all; `modules` (a course structure) names all its lessons and
    exercises. One query (a UNION ALL of index ranges), none when there is nothing to ask.

    The SQL is built from the models' metadata, not through the QuerySet API: for the course and
    lesson pages composing a three-part union cost more than running it (docs/benchmarks.md,
    "Against a peer"). It goes through Django's cursor, so transactions and query logging apply.
    """
    lesson_ids, exercise_ids = list(lesson_ids), list(exercise_ids)
    for module in modules or ():
        for lesson in module["lessons"]:
            lesson_ids.append(lesson["id"])
            exercise_ids.extend(lesson["exercises"])
    exercise_ids = sorted(set(exercise_ids))
    connection = connections[router.db_for_read(Enrolment)]
    parts, params = [], []
    if lesson_ids:
        parts.append(_marks_part(connection, LessonRead, "lesson", _READ, len(lesson_ids)))
        params += [learner_id, *lesson_ids]
    if exercise_ids:
        parts.append(_marks_part(connection, Attempt, "exercise", _PASSED, len(exercise_ids), passed=True))
        params += [learner_id, *exercise_ids, Attempt.Status.GRADED, True]
        if attempts:
            parts.append(_marks_part(connection, Attempt, "exercise", _ATTEMPTED, len(exercise_ids),
                                     distinct=True))
            params += [learner_id, *exercise_ids]
    if course_id is not None:
        parts.append(_marks_part(connection, Enrolment, "course", _ENROLLED, 1))
        params += [learner_id, course_id]
    read, passed, enrolled, attempted = set(), set(), False, set()
    if not parts:
        return read, passed, enrolled, attempted
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for value, part in cursor.fetchall():
            if part == _READ:
                read.add(value)
            elif part == _PASSED:
                passed.add(value)
            elif part == _ATTEMPTED:
                attempted.add(value)
            else:
                enrolled = True
    return read, passed, enrolled, attempted


def _marks_part(connection, model, field: str, part: int, count: int, passed: bool = False,
                distinct: bool = False) -> str:
    """SELECT [DISTINCT] <field>_id, <part> FROM <model> WHERE learner = %s AND <field> IN (%s, ...)
    [AND graded, passed]."""
    quote, meta = connection.ops.quote_name, model._meta
    column = quote(meta.get_field(field).column)
    sql = (f"SELECT {'DISTINCT ' if distinct else ''}{column}, {int(part)} FROM {quote(meta.db_table)} "
           f"WHERE {quote(meta.get_field('learner').column)} = %s AND {column} IN ({', '.join(['%s'] * count)})")
    if passed:
        sql += f" AND {quote(meta.get_field('status').column)} = %s AND {quote(meta.get_field('passed').column)} = %s"
    if model is Attempt:
        # Attempt.objects.counted(), in SQL: staff previews and practice replays count nowhere.
        sql += (f" AND NOT {quote(meta.get_field('preview').column)}"
                f" AND NOT {quote(meta.get_field('practice').column)}")
    return sql


def _done(modules, read: set, passed: set) -> set[int]:
    return {
        lesson["id"] for module in modules for lesson in module["lessons"]
        if lesson_completed(read=lesson["id"] in read, exercises=lesson["exercises"], passed=passed)
    }


def _summary(course: CoursePage, modules, done: set[int]) -> dict:
    total = sum(len(module["lessons"]) for module in modules)
    out_modules = []
    for module in modules:
        lessons = [{"id": lesson["id"], "completed": lesson["id"] in done} for lesson in module["lessons"]]
        out_modules.append({
            "id": module["id"],
            "title": module["title"],
            "percent": _percent(sum(item["completed"] for item in lessons), len(lessons)),
            "lessons": lessons,
        })
    return {
        "course": course.pk,
        "percent": _percent(len(done), total),
        "completed_lessons": len(done),
        "total_lessons": total,
        "modules": out_modules,
    }


def _live_lessons_by_ancestor(ancestors: list[Page]) -> dict[int, list[int]]:
    """Live lesson ids under each given page (course or module), in two queries: live() reads the
    unpublished pages' paths first."""
    if not ancestors:
        return {}
    query = Q()
    for page in ancestors:
        query |= Q(path__startswith=page.path)
    rows = LessonPage.objects.live().filter(query).values_list("id", "path")
    out: dict[int, list[int]] = {page.pk: [] for page in ancestors}
    for lesson_id, path in rows:
        for page in ancestors:
            if path.startswith(page.path):
                out[page.pk].append(lesson_id)
    return out


def module_percents(*, learner_id: int, modules) -> dict[int, float]:
    """module id -> the learner's percent in each of these module pages (over their live lessons, by
    lesson_completed). Three queries whatever the number of modules: the unpublished pages' paths
    (LessonPage.objects.live() leaves out lessons under them), the live lessons, and completed_pairs."""
    lessons_by_module = _live_lessons_by_ancestor(list(modules))
    all_lessons = [lid for ids in lessons_by_module.values() for lid in ids]
    done = {lesson for _, lesson in completed_pairs(learner_ids=[learner_id], lesson_ids=all_lessons)}
    return {module_id: _percent(sum(1 for lid in ids if lid in done), len(ids))
            for module_id, ids in lessons_by_module.items()}


def class_progress(*, school_class: SchoolClass, now=None) -> dict:
    """The teacher's matrix: students by assigned modules. Six queries whatever the size: the
    assignments with their modules, the members, the modules' live lessons (two), completed_pairs and
    the extensions."""
    now = now or timezone.now()
    assignments = list(Assignment.objects.filter(school_class=school_class).select_related("module", "course"))
    students = list(
        ClassMembership.objects.filter(school_class=school_class)
        .order_by("student__username")
        .values_list("student_id", "student__username", "student__last_activity_at")
    )
    modules = [a.module for a in assignments if a.module.live]
    lessons_by_module = _live_lessons_by_ancestor(modules)
    all_lessons = [lid for ids in lessons_by_module.values() for lid in ids]
    done = completed_pairs(learner_ids=[s[0] for s in students], lesson_ids=all_lessons)
    extensions = {
        (e.assignment_id, e.student_id): e.due_at
        for e in Extension.objects.filter(assignment__school_class=school_class)
    }
    names = display_names((student_id, username) for student_id, username, _ in students)
    rows = []
    for student_id, _username, last_activity in students:
        cells = []
        for assignment in assignments:
            if not assignment.module.live:
                continue
            lesson_ids = lessons_by_module[assignment.module_id]
            percent = _percent(sum(1 for lid in lesson_ids if (student_id, lid) in done), len(lesson_ids))
            extended = (assignment.pk, student_id) in extensions
            due = extensions[(assignment.pk, student_id)] if extended else assignment.due_at
            cells.append({
                "id": assignment.module_id,
                "assignment": assignment.pk,
                "title": assignment.module.title,
                "percent": percent,
                "due_at": due,
                "extended": extended,
                "overdue": due < now and percent < 100.0,
            })
        rows.append({"id": student_id, "name": names[student_id], "last_activity_at": last_activity, "modules": cells})
    return {
        "class": school_class.pk,
        "modules": [
            {"id": a.module_id, "title": a.module.title, "assignment": a.pk, "due_at": a.due_at,
             "course": a.course_id, "course_title": a.course.title}
            for a in assignments if a.module.live
        ],
        "students": rows,
    }


def students_at_risk(*, school_class: SchoolClass, inactive_days: int, now=None, matrix: dict | None = None
                     ) -> list[dict]:
    """Students with an overdue module or no activity for `inactive_days` days. A page that already
    holds the class's `class_progress` passes it as `matrix`, so the matrix is computed once."""
    now = now or timezone.now()
    cutoff = now - timezone.timedelta(days=inactive_days)
    if matrix is None:
        matrix = class_progress(school_class=school_class, now=now)
    out = []
    for row in matrix["students"]:
        overdue = [cell["id"] for cell in row["modules"] if cell["overdue"]]
        inactive = row["last_activity_at"] is None or row["last_activity_at"] < cutoff
        if overdue or inactive:
            out.append({"id": row["id"], "name": row["name"], "overdue_modules": overdue,
                        "inactive": inactive, "last_activity_at": row["last_activity_at"]})
    return out


def learners_losing_percent(*, lesson: LessonPage, exercise_ids) -> int:
    """How many learners enrolled in the lesson's course would see their percentage drop if `lesson` were
    published embedding `exercise_ids` (its latest draft): everyone with a completed lesson, when the lesson
    is new to learners (one more lesson to complete); when it is live already, those who completed it and
    have not passed an exercise it would add. Three queries at most."""
    course = CoursePage.objects.live().ancestor_of(lesson).first()
    if course is None:
        return 0
    learners = list(Enrolment.objects.filter(course=course).values_list("learner_id", flat=True))
    if not learners:
        return 0
    if not lesson.live:
        live_lessons = list(LessonPage.objects.live().descendant_of(course).values_list("id", flat=True))
        return len({learner for learner, _ in completed_pairs(learner_ids=learners, lesson_ids=live_lessons)})
    added = set(exercise_ids) - set(LessonExercise.objects.filter(lesson=lesson).values_list("exercise_id", flat=True))
    if not added:
        return 0
    completed = {learner for learner, _ in completed_pairs(learner_ids=learners, lesson_ids=[lesson.pk])}
    passed: dict[int, set] = {}
    for learner, exercise in Attempt.objects.counted().filter(
            learner_id__in=completed, exercise_id__in=added, status=Attempt.Status.GRADED, passed=True,
    ).values_list("learner_id", "exercise_id"):
        passed.setdefault(learner, set()).add(exercise)
    return sum(1 for learner in completed if not added <= passed.get(learner, set()))
