"""Builders for test data: users, academies, a published course tree, exercises."""
import copy
import itertools

from django.utils import timezone

from accounts.models import AcademyMembership, Role, User
from accounts.services import academy_add_staff, academy_get_or_create
from assessments.services import exercise_import
from cms.models import AcademyPage, CoursePage, CurriculumPage, LessonPage, ModulePage
from cms.tenancy import academy_setup

_seq = itertools.count(1)

SPEC_SCENARIO = {
    "format": "scenario/1",
    "slug": "shared-river",
    "title": "A river in a dry year",
    "language": "en",
    "summary": "Negotiate water releases with an upstream neighbour.",
    "pass_threshold": 60,
    "competencies": [
        {"key": "listening", "label": "Active listening", "weight": 1},
        {"key": "judgement", "label": "Judgement", "weight": 2},
    ],
    "start": "open",
    "nodes": [
        {"id": "open", "type": "choice", "text": "The upstream minister opens the talks.",
         "choices": [
             {"id": "ask", "text": "Ask what the dry season costs their farmers.", "next": "reply1",
              "weights": {"listening": 3}, "feedback": "Asking opens the door."},
             {"id": "threaten", "text": "Warn of consequences.", "next": "end_bad",
              "weights": {"listening": -2, "judgement": -3}, "critical": True, "feedback": "A threat ends it."},
         ]},
        {"id": "reply1", "type": "reply", "text": "Summarise their position.", "next": "end_good",
         "rubric": {
             "criteria": [{"id": "interest", "label": "Names their interest", "competency": "listening",
                           "points": 2, "terms": ["irrigation", "harvest", "farmers"]}],
             "avoid": [{"id": "blame", "label": "Assigns blame", "competency": "judgement",
                        "points": -2, "terms": ["your fault"]}],
             "min_words": 5, "max_words": 120,
         }},
        {"id": "end_good", "type": "outcome", "outcome": "agreement", "text": "An agreement."},
        {"id": "end_bad", "type": "outcome", "outcome": "walkout", "text": "They walk out."},
    ],
}
SPEC_PATH = [
    {"node": "open", "choice": "ask"},
    {"node": "reply1", "reply": "It is your fault, but your farmers need water before the harvest."},
    {"node": "end_good"},
]
PASSING_PATH = [
    {"node": "open", "choice": "ask"},
    {"node": "reply1", "reply": "Your farmers need water for irrigation before the harvest."},
    {"node": "end_good"},
]
CRITICAL_PATH = [{"node": "open", "choice": "threaten"}, {"node": "end_bad"}]

QUIZ = {
    "format": "quiz/1",
    "slug": "listening-check",
    "title": "Check: listening",
    "pass_threshold": 70,
    "questions": [
        {"id": "q1", "type": "single", "text": "Which is an open question?", "points": 1,
         "options": [{"id": "a", "text": "Do you agree?"}, {"id": "b", "text": "What matters most to you?"}],
         "correct": ["b"], "feedback": "Open questions invite a story."},
        {"id": "q2", "type": "text", "text": "Name the walk-away option.", "points": 1,
         "accept": ["best alternative to a negotiated agreement", "batna"]},
    ],
}


def make_user(role=Role.STUDENT, username=None, password="pw-Secret-123") -> User:
    name = username or f"{role[:4]}{next(_seq)}"
    user = User(username=name, email=f"{name}@example.org", role=role)
    user.set_password(password)
    user.save()
    return user


def make_academy(name=None):
    n = next(_seq)
    academy = academy_get_or_create(name=name or f"Academy {n}", slug=f"academy-{n}")
    academy_setup(academy=academy)
    return academy


def make_staff(academy, staff_role=AcademyMembership.StaffRole.EDITOR) -> User:
    user = make_user(Role.ACADEMY_STAFF)
    academy_add_staff(academy=academy, user=user, staff_role=staff_role)
    return user


def publish(page):
    page.save_revision().publish()
    return page


def make_course(academy, modules=2, lessons=3, exercises_in=None, title=None) -> CoursePage:
    """A published course. `exercises_in` maps (module index, lesson index) to exercise ids."""
    academy_page = AcademyPage.of(academy)
    curriculum = CurriculumPage.objects.child_of(academy_page).first() or publish(
        academy_page.add_child(instance=CurriculumPage(title="Curriculum", slug="curriculum"))
    )
    n = next(_seq)
    course = publish(curriculum.add_child(instance=CoursePage(
        title=title or f"Course {n}", slug=f"course-{n}", summary="A course.", competencies=["listening"])))
    for m in range(modules):
        module = publish(course.add_child(instance=ModulePage(title=f"Module {m + 1}", slug=f"m{m + 1}")))
        for lesson_index in range(lessons):
            body = [{"type": "text", "value": "<p>Read this.</p>"}]
            for exercise_id in (exercises_in or {}).get((m, lesson_index), []):
                body.append({"type": "exercise", "value": {"exercise": exercise_id}})
            publish(module.add_child(instance=LessonPage(
                title=f"Lesson {m + 1}.{lesson_index + 1}", slug=f"l{lesson_index + 1}", body=body)))
    return course


def course_lessons(course) -> list[LessonPage]:
    return list(LessonPage.objects.descendant_of(course).order_by("path"))


def course_modules(course) -> list[ModulePage]:
    return list(ModulePage.objects.child_of(course).order_by("path"))


def import_exercise(academy, document=None, visibility="course", **changes):
    doc = copy.deepcopy(document or SPEC_SCENARIO)
    doc.update(changes)
    exercise, version, _ = exercise_import(academy=academy, document=doc, visibility=visibility)
    return exercise


def verify_teacher(teacher, by):
    """A teacher verified the way the site does it: their request, approved by academy staff."""
    from courses.services import verification_decide, verification_request

    row = verification_request(teacher=teacher, school="Lycée Jean Monnet")
    return verification_decide(actor=by, verification_id=row.pk, approve=True)


def later(days=7):
    return timezone.now() + timezone.timedelta(days=days)


