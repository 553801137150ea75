"""Reads of courses' records shaped for their callers, each a fixed number of queries: the API's views
and the site's pages read the same functions, so the two cannot drift apart.

Nothing here writes. Percentages and completion come from courses.progress (one rule,
progress.lesson_completed); attempts explained with their version's texts from assessments.selectors;
published content from cms.selectors. These functions only put them in the shape a caller needs.
"""
from django.db.models import Count, OuterRef, Subquery, prefetch_related_objects
from django.utils import timezone
from wagtail.models import Page

from accounts.privacy import FORMER_PREFIX, display_name, display_names, is_former
from assessments.models import Attempt, Exercise
from assessments.selectors import attempt_replies
from cms.models import LessonExercise, LessonPage, ModulePage
from cms.selectors import course_page, courses_for_language

from . import access, progress
from .models import (
    Assignment,
    ClassInvitation,
    ClassMembership,
    Enrolment,
    Extension,
    SchoolClass,
    TeacherVerification,
)


def learner_due(*, learner, now=None) -> list[dict]:
    """What is due: each class the learner is in (archived ones aside), with its assigned published
    modules, soonest first. A module's `due_at` is the learner's own extension when they have one
    (`extended`, with the class's date as `class_due_at`), else the class's date; it is `overdue`
    when that moment has passed and the module is not at 100 percent.

    Six queries whatever the number of classes, modules, lessons or extensions: memberships with
    their classes and teachers, assignments with modules and courses, the learner's extensions,
    and the modules' percentages (progress.module_percents: three)."""
    now = now or timezone.now()
    memberships = list(ClassMembership.objects.filter(student=learner, school_class__archived_at__isnull=True)
                       .select_related("school_class__teacher").order_by("-joined_at", "-id"))
    if not memberships:
        return []
    class_ids = [m.school_class_id for m in memberships]
    assignments = [a for a in Assignment.objects.filter(school_class_id__in=class_ids)
                   .select_related("module", "course").order_by("due_at", "id") if a.module.live]
    extensions = dict(Extension.objects.filter(student=learner, assignment__school_class_id__in=class_ids)
                      .values_list("assignment_id", "due_at")) if assignments else {}
    percents = progress.module_percents(learner_id=learner.pk, modules={a.module for a in assignments})
    by_class: dict[int, list[dict]] = {cid: [] for cid in class_ids}
    for a in assignments:
        due = extensions.get(a.pk, a.due_at)
        percent = percents.get(a.module_id, 0.0)
        by_class[a.school_class_id].append({
            "assignment": a.pk, "id": a.module_id, "title": a.module.title,
            "course": {"id": a.course_id, "title": a.course.title},
            "due_at": due, "class_due_at": a.due_at, "extended": a.pk in extensions,
            "percent": percent, "completed": percent >= 100.0, "overdue": due < now and percent < 100.0,
        })
    rows = []
    for m in memberships:
        modules = sorted(by_class[m.school_class_id], key=lambda row: (row["due_at"], row["assignment"]))
        rows.append({
            "id": m.school_class_id, "name": m.school_class.name,
            "teacher": display_name(m.school_class.teacher.username),
            "modules": modules, "overdue": sum(row["overdue"] for row in modules),
        })
    return rows


def exercise_next_step(*, exercise) -> dict | None:
    """Where a learner goes after a result: the published lesson that embeds the exercise, the lesson
    after it in its course (None when it is the last) and the course. None when no published lesson
    embeds it (a practice exercise). One query; the course's structure comes from its cache."""
    link = (LessonExercise.objects.filter(exercise=exercise, lesson__live=True).order_by("lesson__path")
            .values_list("lesson_id", "course_id").first())
    page = course_page(link[1]) if link else None
    if page is None:
        return None
    lessons = [lesson for module in page["modules"] for lesson in module["lessons"]]
    index = next((i for i, lesson in enumerate(lessons) if lesson["id"] == link[0]), None)
    if index is None:
        return None
    after = lessons[index + 1] if index + 1 < len(lessons) else None
    return {
        "lesson": {"id": lessons[index]["id"], "title": lessons[index]["title"]},
        "next": {"id": after["id"], "title": after["title"]} if after else None,
        "course": {"id": page["course"].pk, "title": page["course"].title},
    }


# --- lessons, as the API and the site both show them ------------------------------------------------


def lesson_blocks(lesson: LessonPage) -> list:
    """The lesson's body blocks with their images' renditions read in one query (not one an image)."""
    blocks = list(lesson.body)
    images = [b.value["image"] for b in blocks if b.block_type == "image" and b.value["image"]]
    if images:
        prefetch_related_objects(images, "renditions")
    return blocks


def lesson_navigation(*, lesson_id: int, modules: list[dict]) -> dict:
    """Where the lesson sits in its course's structure (cms.selectors.course_structure): its module,
    its own entry, its position of `total`, and the entries before and after it (None at either end).
    No query."""
    order = [(module, ref) for module in modules for ref in module["lessons"]]
    ids = [ref["id"] for _, ref in order]
    index = ids.index(lesson_id) if lesson_id in ids else -1
    return {
        "module": order[index][0] if index >= 0 else None,
        "lesson": order[index][1] if index >= 0 else None,
        "position": index + 1, "total": len(ids),
        "previous": order[index - 1][1] if index > 0 else None,
        "next": order[index + 1][1] if 0 <= index < len(ids) - 1 else None,
    }


# --- a learner's courses and classes --------------------------------------------------------------


def learner_overview(*, learner) -> list[dict]:
    """Each enrolled course with its progress by module. Two queries whatever the number of courses:
    the enrolments, and the marks in all of them (progress.courses_progress; structures are cached)."""
    enrolments = list(Enrolment.objects.filter(learner=learner, course__live=True)
                      .select_related("course").order_by("course__path"))
    summaries = progress.courses_progress(learner=learner, courses=[e.course for e in enrolments])
    return [{**summary, "course": enrolment.course, "source": enrolment.source, "enrolled_at": enrolment.created_at}
            for enrolment, summary in zip(enrolments, summaries, strict=True)]


def my_classes(*, learner) -> list[dict]:
    """The classes the learner is in, each with its teacher's display name and what that teacher
    can see of the learner (courses/access.py decides the same). Three queries for any number."""
    memberships = list(ClassMembership.objects.filter(student=learner)
                       .select_related("school_class__teacher").order_by("-joined_at", "-id"))
    class_ids = [m.school_class_id for m in memberships]
    modules: dict[int, list[dict]] = {cid: [] for cid in class_ids}
    # The learner's own extension is their due date here too, as in learner_due (a subquery, not a query).
    own = Extension.objects.filter(assignment=OuterRef("pk"), student=learner).values("due_at")[:1]
    for a in (Assignment.objects.filter(school_class_id__in=class_ids).select_related("module")
              .annotate(own_due_at=Subquery(own)).order_by("due_at", "id")):
        modules[a.school_class_id].append({"id": a.module_id, "title": a.module.title,
                                           "due_at": a.own_due_at or a.due_at})
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


# --- teachers ----------------------------------------------------------------------------------


def teacher_classes(*, teacher) -> list[SchoolClass]:
    return list(SchoolClass.objects.filter(teacher=teacher).annotate(
        n_students=Count("memberships", distinct=True), n_assignments=Count("assignments", distinct=True)))


def class_roster_members(*, school_class: SchoolClass):
    """The class's memberships with their students, by username (a queryset, so the API can page it)."""
    return school_class.memberships.select_related("student").order_by("student__username", "student_id")


def class_names(*, school_class: SchoolClass, people) -> dict[int, str]:
    """Display names for some of the class's people, from (user id, username) pairs: each former learner
    is numbered as on the class's roster and progress ("Former learner 2"), among the whole class's
    former learners (accounts.privacy.display_names), so a reply, an extension and a roster row of one
    person carry one name. One query, only when a former learner is among `people`."""
    everyone = dict(people)
    if any(is_former(username) for username in everyone.values()):
        everyone.update(school_class.memberships.filter(student__username__startswith=FORMER_PREFIX)
                        .values_list("student_id", "student__username"))
    return display_names(everyone.items())


def attempt_learner_name(*, attempt: Attempt, viewer, class_id=None) -> str:
    """The learner's name on an attempt as `viewer` sees it: the username; for a former learner, the
    name the roster of the class `viewer` reads the attempt through gives ("Former learner 2"), the
    class `class_id` when the page was opened from it (the replies page says which), else the lowest of
    them; "Former learner" unnumbered for staff who teach the learner in no class, since the number only
    means something within one class. No query for a learner who is not a former one, else three
    (access.attempt_teaching_class_ids: two; the class's former learners)."""
    username = attempt.learner.username
    if not is_former(username):
        return username
    class_ids = access.attempt_teaching_class_ids(user=viewer, attempt=attempt)
    if not class_ids:
        return display_name(username)
    asked = str(class_id or "")
    asked = int(asked) if asked.isascii() and asked.isdigit() and len(asked) <= 18 else None
    chosen = asked if asked in class_ids else class_ids[0]
    former = (ClassMembership.objects.filter(school_class_id=chosen, student__username__startswith=FORMER_PREFIX)
              .values_list("student_id", "student__username"))
    return display_names(former)[attempt.learner_id]


def class_roster(*, school_class: SchoolClass, members=None) -> list[dict]:
    """The class's members (or the page `members` of class_roster_members) by display name, `name`:
    a teacher never sees a learner's email. One query."""
    whole = members is None
    members = list(class_roster_members(school_class=school_class) if whole else members)
    # Former learners are numbered among the whole class's (accounts.privacy.display_names); a page of the
    # API's roster that holds one asks the class's former learners (one query, only then).
    everyone = {m.student_id: m.student.username for m in members}
    if not whole and any(is_former(username) for username in everyone.values()):
        everyone.update(school_class.memberships.filter(student__username__startswith=FORMER_PREFIX)
                        .values_list("student_id", "student__username"))
    names = display_names(everyone.items())
    return [{"id": m.student_id, "name": names[m.student_id], "joined_at": m.joined_at,
             "last_activity_at": m.student.last_activity_at} for m in members]


def class_invitations(*, school_class: SchoolClass) -> list[dict]:
    """The invitations the teacher sent that wait for an answer (the addresses they typed)."""
    return [{"id": inv.pk, "email": inv.email, "created_at": inv.created_at}
            for inv in school_class.invitations.filter(accepted_at__isnull=True).order_by("-created_at", "-id")]


def class_assignments(*, school_class: SchoolClass) -> list[dict]:
    assignments = list(school_class.assignments.select_related("module", "course")
                       .prefetch_related("extensions__student"))
    names = class_names(school_class=school_class, people=((e.student_id, e.student.username)
                                                           for a in assignments for e in a.extensions.all()))
    return [{"id": a.pk, "module": a.module, "course": a.course, "due_at": a.due_at,
             "extensions": [{"student": names[e.student_id], "due_at": e.due_at} for e in a.extensions.all()]}
            for a in assignments]


def class_exercises(*, school_class: SchoolClass) -> list[Exercise]:
    """The exercises of the modules assigned to the class (courses.access.class_exercise_ids), by title,
    each with `n_attempts`: the class's graded counted attempts at it. Two queries (the modules' paths,
    then the exercises with their counts)."""
    graded = access.class_attempts(school_class).filter(status=Attempt.Status.GRADED, exercise_id=OuterRef("pk"))
    counts = graded.order_by().values("exercise_id").annotate(n=Count("id", distinct=True)).values("n")
    return list(Exercise.objects.filter(pk__in=access.class_exercise_ids(school_class))
                .annotate(n_attempts=Subquery(counts)).order_by("title", "pk"))


def assignable_modules() -> list[dict]:
    """Published modules grouped by course (default language), for the assign form."""
    courses = list(courses_for_language(None))
    modules = ModulePage.objects.live().filter(depth=courses[0].depth + 1) if courses else ModulePage.objects.none()
    by_course: dict[str, list] = {}
    for module in modules.order_by("path"):
        by_course.setdefault(module.path[:-Page.steplen], []).append(module)
    return [{"course": c, "modules": by_course.get(c.path, [])} for c in courses if by_course.get(c.path)]


def class_reply_attempts(*, school_class: SchoolClass):
    """The class's graded scenario attempts that its teacher may see (access.class_attempts), latest
    graded first, with what assessments.selectors.attempt_replies reads (a queryset to page or cut)."""
    return (access.class_attempts(school_class)
            .filter(status=Attempt.Status.GRADED, exercise__kind=Exercise.Kind.SCENARIO)
            .select_related("learner", "exercise", "version").order_by("-graded_at", "-id"))


def class_replies(*, school_class: SchoolClass, limit: int = 50) -> list[dict]:
    """The written replies of the class's latest `limit` graded scenario attempts, in the shape of
    GET /api/v1/classes/{id}/replies/ (assessments.selectors.attempt_replies). Two queries: the paths of
    the modules assigned to the class (access.class_attempts bounds the attempts by them), the attempts."""
    return class_attempt_replies(school_class=school_class,
                                 attempts=class_reply_attempts(school_class=school_class)[:limit])


def class_attempt_replies(*, school_class: SchoolClass, attempts) -> list[dict]:
    """attempt_replies of some of the class's attempts, former learners named as on its roster."""
    attempts = list(attempts)
    names = class_names(school_class=school_class, people=((a.learner_id, a.learner.username) for a in attempts))
    return attempt_replies(attempts, names=names)


def class_reply_attempt(*, school_class: SchoolClass, attempt_id) -> Attempt | None:
    """A scenario attempt by a student of this class that its teacher may see, or None."""
    if not str(attempt_id).isascii() or not str(attempt_id).isdigit() or len(str(attempt_id)) > 18:
        return None
    return (access.class_attempts(school_class).filter(pk=int(attempt_id), exercise__kind=Exercise.Kind.SCENARIO)
            .select_related("version", "exercise").first())


# --- teacher verifications -------------------------------------------------------------------------


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
