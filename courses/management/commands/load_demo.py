"""Demo data for `make run`: an academy, its curriculum, exercises, demo accounts and a class.

Passwords are random per installation, kept in var/demo-logins.json (never in
the repository) and printed by `make run`. Refuses to run outside demo mode.
"""
import json
import random
import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import AcademyMembership, Role, User
from accounts.services import academy_add_staff, academy_get_or_create
from assessments import services as assessment_services
from assessments.models import Attempt, Exercise
from cms.demo_loader import load_demo_curriculum
from cms.models import CoursePage, ModulePage
from cms.tenancy import academy_sync_staff_groups
from config.env import VAR_DIR
from courses import access
from courses import services as course_services
from courses.models import SchoolClass, TeacherVerification

DEMO_USERS = [
    ("demo-student", Role.STUDENT, None),
    ("demo-teacher", Role.TEACHER, None),
    ("demo-editor", Role.ACADEMY_STAFF, AcademyMembership.StaffRole.EDITOR),
    ("demo-reviewer", Role.ACADEMY_STAFF, AcademyMembership.StaffRole.REVIEWER),
    ("demo-admin", Role.ADMIN, None),
]


class Command(BaseCommand):
    help = "Load the demo academy, curriculum, exercises and accounts (idempotent; demo mode only)."

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError("Demo data loads only in demo mode (PARLEY_DEMO=true).")
        logins_file = VAR_DIR / "demo-logins.json"
        known = {row["username"]: row["password"] for row in json.loads(logins_file.read_text())} \
            if logins_file.exists() else {}
        academy = academy_get_or_create(name="Parley Demo Academy", slug="demo-academy")
        rows, users = [], {}
        for username, role, staff_role in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            password = known.get(username)
            if user is None or password is None or not user.check_password(password):
                password = secrets.token_urlsafe(9)
                user = user or User(username=username, email=f"{username}@demo.parley.invalid")
                user.role = role
                user.set_password(password)
                user.is_staff = user.is_superuser = role == Role.ADMIN
                user.save()
            if staff_role:
                academy_add_staff(academy=academy, user=user, staff_role=staff_role)
            users[username] = user
            rows.append({"username": username, "role": role, "password": password})
        summary = load_demo_curriculum(academy=academy, actor=users["demo-editor"])
        academy_sync_staff_groups(academy=academy)
        school_class = self._demo_class(users)
        self._verified_teacher(users["demo-teacher"], by=users["demo-editor"])
        graded = self._demo_attempts(academy, school_class)
        logins_file.write_text(json.dumps(rows, indent=2))
        self.stdout.write(f"Demo data ready: {summary['courses']} courses, {summary['exercises']} exercises, "
                          f"{graded} demo attempts graded.")

    def _verified_teacher(self, teacher, by):
        """The demo teacher is verified by the demo editor, the way a school's teacher would be."""
        if access.verification_state(teacher) == TeacherVerification.State.VERIFIED:
            return
        row = TeacherVerification.objects.filter(teacher=teacher, state=TeacherVerification.State.PENDING).first()
        row = row or course_services.verification_request(teacher=teacher, school="Parley Demo School")
        course_services.verification_decide(actor=by, verification_id=row.pk, approve=True)

    def _demo_class(self, users):
        """The demo teacher's class, with the demo student in it and the active-listening course's two
        modules assigned: the first (reading, due in two weeks), the second (its quiz and its scenario,
        due in three), so the class's progress, replies and statistics have exercises to show. The
        services leave a membership or an assignment the class has alone (idempotent)."""
        teacher, student = users["demo-teacher"], users["demo-student"]
        school_class = SchoolClass.objects.filter(teacher=teacher, name="Demo class 9B").first()
        if school_class is None:
            school_class = course_services.class_create(teacher=teacher, name="Demo class 9B")
        course = CoursePage.objects.live().filter(slug="active-listening", locale__language_code="en").first()
        if course is not None:
            course_services.class_join(student=student, join_code=school_class.join_code)
            modules = ModulePage.objects.live().child_of(course).order_by("path")[:2]
            for weeks, module in enumerate(modules, start=2):
                course_services.assignment_create(actor=teacher, school_class=school_class, module_id=module.pk,
                                                  due_at=timezone.now() + timezone.timedelta(weeks=weeks))
        return school_class

    def _demo_attempts(self, academy, school_class) -> int:
        """DEMO_LEARNERS learners (no password: nobody signs in as them), the first half in the demo class,
        each with one graded attempt at every scenario and quiz of the academy, so the statistics pages
        (the academy's, and the demo teacher's for the class's assigned modules) show real numbers.
        Submitted and graded through the services, as a learner's would be; a learner who already has an
        attempt at an exercise is left alone (idempotent). Negotiations get none: they keep no statistics,
        and their attempts are played move by move (a demo student plays them from the negotiation course)."""
        learners = []
        for i in range(DEMO_LEARNERS):
            username = f"demo-learner-{i + 1:02d}"
            learner = User.objects.filter(username=username).first()
            if learner is None:
                learner = User(username=username, email=f"{username}@demo.parley.invalid", role=Role.STUDENT)
                learner.set_unusable_password()
                learner.save()
            if school_class is not None and i < DEMO_LEARNERS // 2:
                course_services.class_join(student=learner, join_code=school_class.join_code)
            learners.append(learner)
        done = set(Attempt.objects.filter(learner__in=learners).values_list("learner_id", "exercise_id"))
        graded = 0
        exercises = (Exercise.objects.filter(academy=academy).exclude(kind=Exercise.Kind.NEGOTIATION)
                     .select_related("current_version").order_by("pk"))
        for exercise in exercises:
            document = exercise.current_version.document
            for i, learner in enumerate(learners):
                if (learner.pk, exercise.pk) in done:
                    continue
                rng = random.Random(f"{exercise.slug}/{i}")
                skill = (i + 1) / (DEMO_LEARNERS + 1)  # stronger learners choose and answer better, mostly
                answers = (demo_path(document, skill, rng) if exercise.kind == Exercise.Kind.SCENARIO
                           else demo_answers(document, skill, rng))
                attempt, _ = assessment_services.attempt_submit(exercise=exercise, learner=learner, answers=answers)
                assessment_services.attempt_grade(attempt_id=attempt.pk)
                graded += 1
        return graded


DEMO_LEARNERS = 16


def demo_path(document: dict, skill: float, rng: random.Random) -> dict:
    """A whole path: at a choice, with probability `skill` the choice with the largest weights, else any;
    a reply names each criterion's first term with probability `skill`, padded to the word minimum."""
    nodes = {node["id"]: node for node in document["nodes"]}
    steps, node_id = [], document["start"]
    while nodes[node_id]["type"] != "outcome":
        node = nodes[node_id]
        if node["type"] == "choice":
            best = max(node["choices"], key=lambda c: sum((c.get("weights") or {}).values()))
            choice = best if rng.random() < skill else rng.choice(node["choices"])
            steps.append({"node": node_id, "choice": choice["id"]})
            node_id = choice["next"]
            continue
        rubric = node["rubric"]
        words = [c["terms"][0] for c in rubric.get("criteria", []) if rng.random() < skill]
        text = " ".join(["I", "hear", "you", "and", *words])
        filler = ["let", "us", "keep", "talking", "about", "this", "today", "together", "calmly", "now"]
        while len(text.split()) < rubric.get("min_words", 1):
            text += " " + filler[len(text.split()) % len(filler)]
        steps.append({"node": node_id, "reply": text})
        node_id = node["next"]
    steps.append({"node": node_id})
    return {"steps": steps}


def demo_answers(document: dict, skill: float, rng: random.Random) -> dict:
    """A quiz's answers: each question right with probability `skill`, else a plausible wrong answer."""
    answers = {}
    for question in document["questions"]:
        right = rng.random() < skill
        options = [o["id"] for o in question.get("options", [])]
        if question["type"] == "text":
            answers[question["id"]] = question["accept"][0] if right else "I am not sure"
        elif question["type"] == "order":
            answers[question["id"]] = list(question["correct"]) if right else rng.sample(options, len(options))
        elif question["type"] == "single":
            wrong = [o for o in options if o not in question["correct"]] or options
            answers[question["id"]] = [question["correct"][0] if right else rng.choice(wrong)]
        else:
            answers[question["id"]] = list(question["correct"]) if right else rng.sample(options, 1)
    return {"answers": answers}
