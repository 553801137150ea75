"""Seeding the bench database fast.

Pages go through Wagtail's tree API (about 110 of them: one course of 10
modules by 10 lessons); the many rows (learners, enrolments, attempts,
classes) go in with bulk_create, and lesson completions with one
INSERT ... SELECT per batch, computed by PostgreSQL.

Learners complete a prefix of the course, as learners do: learner k read
the first (k * 37) % 41 lessons, 0 to 40, about 20 on average. Four in five
learners have a graded attempt on the course's scenario; two in three of
those passed it. Every 200 learners form a class with its own teacher and the
course's 10 modules assigned (half of them overdue).
"""
import random
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from . import scenarios

CLASS_SIZE = 200
MODULES = 10
LESSONS_PER_MODULE = 10
EXERCISE_LESSONS = (4, 9)  # the 5th and 10th lesson of each module embed the scenario
BATCH = 5000


@dataclass
class World:
    academy_id: int = 0
    course_id: int = 0
    module_ids: list = field(default_factory=list)
    lesson_ids: list = field(default_factory=list)
    exercise_id: int = 0
    version_id: int = 0
    document: dict = field(default_factory=dict)
    learners: list = field(default_factory=list)  # ids, in seeding order
    class_ids: list = field(default_factory=list)
    bench_learner_id: int = 0
    bench_class_id: int = 0
    bench_teacher_id: int = 0
    timing: dict = field(default_factory=dict)  # seconds per seeding phase, summed over batches

    @contextmanager
    def timed(self, phase: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timing[phase] = round(self.timing.get(phase, 0.0) + time.perf_counter() - started, 2)


def _publish(page):
    page.save_revision().publish()
    return page


def content(world: World, scenario_nodes: int = 30) -> None:
    """Academy, the scenario exercise and the published course tree."""
    from accounts.services import academy_get_or_create
    from assessments.services import exercise_import
    from cms.models import AcademyPage, CoursePage, CurriculumPage, LessonPage, ModulePage
    from cms.tenancy import academy_setup

    academy = academy_get_or_create(name="Bench Academy", slug="bench-academy")
    academy_setup(academy=academy)
    world.academy_id = academy.pk
    document = scenarios.scenario(scenario_nodes, slug="bench-scenario")
    exercise, version, _ = exercise_import(academy=academy, document=document, visibility="course")
    world.exercise_id, world.version_id, world.document = exercise.pk, version.pk, version.document

    academy_page = AcademyPage.of(academy)
    curriculum = _publish(academy_page.add_child(instance=CurriculumPage(title="Curriculum", slug="curriculum")))
    course = _publish(curriculum.add_child(instance=CoursePage(
        title="Negotiation at scale", slug="negotiation-at-scale", summary="The benchmark course.",
        competencies=["listening", "judgement"])))
    world.course_id = course.pk
    for m in range(MODULES):
        module = _publish(course.add_child(instance=ModulePage(title=f"Module {m + 1}", slug=f"m{m + 1}")))
        world.module_ids.append(module.pk)
        for i in range(LESSONS_PER_MODULE):
            body = [
                {"type": "key_points", "value": ["Interests, not positions", "Listen first", "Summarise"]},
                {"type": "text", "value": "<p>" + "Read this paragraph about interests and positions. " * 12
                 + "</p>"},
                {"type": "text", "value": "<p>Then try the scenario when the lesson embeds one.</p>"},
            ]
            if i in EXERCISE_LESSONS:
                body.append({"type": "exercise", "value": {"exercise": exercise.pk}})
            lesson = _publish(module.add_child(instance=LessonPage(
                title=f"Lesson {m + 1}.{i + 1}", slug=f"l{i + 1}", summary="A lesson.", body=body)))
            world.lesson_ids.append(lesson.pk)


def _lessons_read(k: int) -> int:
    return (k * 37) % 41


def learners(world: World, count: int) -> float:
    """Add `count` learners with their enrolments, attempts, completions and classes. Returns seconds."""
    from accounts.models import Role, User
    from assessments.models import Attempt
    from courses.models import Enrolment

    started = timezone.now()
    now = timezone.now()
    password = make_password(None)  # unusable: the bench signs in with bearer tokens
    first = len(world.learners)
    history = scenarios.path(world.document, prefer="skip")
    passed_result = {"overall": 62.5, "passed": True, "engine": "scenario/1"}
    failed_result = {"overall": 31.0, "passed": False, "engine": "scenario/1"}
    rng = random.Random(first)
    for lo in range(first, first + count, BATCH):
        hi = min(lo + BATCH, first + count)
        with transaction.atomic():
            with world.timed("users"):
                users = User.objects.bulk_create([
                    User(username=f"learner{k:06d}", email=f"learner{k:06d}@bench.example", password=password,
                         role=Role.STUDENT, date_joined=now,
                         last_activity_at=now - timezone.timedelta(days=k % 20, minutes=k % 600))
                    for k in range(lo, hi)
                ], batch_size=BATCH)
            ids = [u.pk for u in users]
            world.learners += ids
            with world.timed("enrolments"):
                Enrolment.objects.bulk_create([Enrolment(learner_id=uid, course_id=world.course_id) for uid in ids],
                                              batch_size=BATCH)
            with world.timed("attempts"):
                Attempt.objects.bulk_create([
                    Attempt(learner_id=uid, exercise_id=world.exercise_id, version_id=world.version_id,
                            status=Attempt.Status.GRADED, current_node="end_fair", answers=history,
                            result=passed_result if k % 3 else failed_result, score=62.5 if k % 3 else 31.0,
                            passed=bool(k % 3), submitted_at=now, queued_at=now, graded_at=now)
                    for k, uid in zip(range(lo, hi), ids, strict=True) if k % 5
                ], batch_size=BATCH)
            with world.timed("completions"):
                _completions(world, list(zip(range(lo, hi), ids, strict=True)))
            with world.timed("classes"):
                _classes(world, lo, ids, now, password, rng)
    if not world.bench_learner_id:
        world.bench_learner_id = world.learners[1]  # learner 1 read 37 lessons and passed the scenario
    return (timezone.now() - started).total_seconds()


def _classes(world: World, lo: int, ids: list[int], now, password: str, rng: random.Random) -> None:
    """Every CLASS_SIZE learners form a class with one teacher and the course's modules assigned."""
    from accounts.models import Role, User
    from courses.models import Assignment, ClassMembership, Extension, SchoolClass

    for start in range(lo, lo + len(ids), CLASS_SIZE):  # BATCH is a multiple of CLASS_SIZE
        members = ids[start - lo : start - lo + CLASS_SIZE]
        number = start // CLASS_SIZE
        teacher = User.objects.create(username=f"teacher{number:05d}", password=password, role=Role.TEACHER,
                                      email=f"teacher{number:05d}@bench.example", date_joined=now)
        school_class = SchoolClass.objects.create(teacher=teacher, name=f"Class {number}")
        world.class_ids.append(school_class.pk)
        ClassMembership.objects.bulk_create(
            [ClassMembership(school_class=school_class, student_id=uid) for uid in members])
        assignments = Assignment.objects.bulk_create([
            Assignment(school_class=school_class, module_id=module_id, course_id=world.course_id,
                       due_at=now + timezone.timedelta(days=(m - MODULES // 2) * 7))
            for m, module_id in enumerate(world.module_ids)
        ])
        Extension.objects.bulk_create([
            Extension(assignment=assignments[m], student_id=uid, due_at=now + timezone.timedelta(days=3))
            for m in range(MODULES // 2) for uid in rng.sample(members, min(5, len(members)))
        ], ignore_conflicts=True)
        if not world.bench_class_id:
            world.bench_class_id, world.bench_teacher_id = school_class.pk, teacher.pk


def _completions(world: World, learners: list[tuple[int, int]]) -> None:
    """Learner k read the first _lessons_read(k) lessons of the course, computed by PostgreSQL."""
    from courses.models import LessonRead

    table = LessonRead._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"""INSERT INTO {table} (learner_id, lesson_id, read_at)
                SELECT r.learner_id, l.lesson_id, now()
                FROM unnest(%s::bigint[], %s::int[]) AS r(learner_id, n)
                JOIN unnest(%s::bigint[]) WITH ORDINALITY AS l(lesson_id, rank) ON l.rank <= r.n""",
            [[uid for _, uid in learners], [_lessons_read(k) for k, _ in learners], world.lesson_ids],
        )


def analyze() -> None:
    """VACUUM (ANALYZE) after a bulk load: a database at this size in production is vacuumed and
    analysed, and measuring right after the load leaves autovacuum free to wake up on the fresh
    rows in the middle of a measurement on this 2-core machine (docs/benchmarks.md, B6)."""
    with connection.cursor() as cur:
        cur.execute("VACUUM (ANALYZE)")


def tokens_for(user_ids: list[int]) -> dict[int, str]:
    """A bearer token per user, through the accounts service."""
    from accounts.models import User
    from accounts.services import token_issue

    users = User.objects.in_bulk(user_ids)
    return {uid: token_issue(user=users[uid]) for uid in user_ids}


def submitted_attempts(world: World, count: int, learner_ids: list[int]) -> list[int]:
    """`count` submitted (not yet queued) attempts of the whole long path, for the grading benchmark."""
    from assessments.models import Attempt

    answers = scenarios.path(world.document, prefer="on")
    now = timezone.now()
    rows = [
        Attempt(learner_id=learner_ids[i % len(learner_ids)], exercise_id=world.exercise_id,
                version_id=world.version_id, status=Attempt.Status.SUBMITTED, current_node=answers["steps"][-1]["node"],
                answers=answers, submitted_at=now, queued_at=now)
        for i in range(count)
    ]
    return [a.pk for a in Attempt.objects.bulk_create(rows, batch_size=BATCH)]
