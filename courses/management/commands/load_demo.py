"""Demo data for `make run`: an academy, its curriculum, exercises, demo accounts and a class.

Passwords are random per installation, kept in var/demo-logins.json (never in
the repository) and printed by `make run`. Refuses to run outside demo mode.
"""
import json
import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import AcademyMembership, Role, User
from accounts.services import academy_add_staff, academy_get_or_create
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
        self._demo_class(users)
        self._verified_teacher(users["demo-teacher"], by=users["demo-editor"])
        logins_file.write_text(json.dumps(rows, indent=2))
        self.stdout.write(f"Demo data ready: {summary['courses']} courses, {summary['exercises']} exercises.")

    def _verified_teacher(self, teacher, by):
        """The demo teacher is verified by the demo editor, the way a school's teacher would be."""
        if access.verification_state(teacher) == TeacherVerification.State.VERIFIED:
            return
        row = TeacherVerification.objects.filter(teacher=teacher, state=TeacherVerification.State.PENDING).first()
        row = row or course_services.verification_request(teacher=teacher, school="Parley Demo School")
        course_services.verification_decide(actor=by, verification_id=row.pk, approve=True)

    def _demo_class(self, users):
        teacher, student = users["demo-teacher"], users["demo-student"]
        school_class = SchoolClass.objects.filter(teacher=teacher, name="Demo class 9B").first()
        if school_class is None:
            school_class = course_services.class_create(teacher=teacher, name="Demo class 9B")
        course = CoursePage.objects.live().filter(slug="active-listening", locale__language_code="en").first()
        if course is not None:
            module = ModulePage.objects.live().child_of(course).order_by("path").first()
            course_services.class_join(student=student, join_code=school_class.join_code)
            course_services.assignment_create(actor=teacher, school_class=school_class, module_id=module.pk,
                                              due_at=timezone.now() + timezone.timedelta(days=14))
