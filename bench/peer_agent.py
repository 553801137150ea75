"""One side of the peer benchmark (bench/peer.py), run in that side's own interpreter.

`python bench/peer_agent.py parley` (Parley's .venv, from the checkout) or `... wlms` (the peer's
venv, from the generated project): reads one JSON command a line on stdin and answers one JSON
line on the original stdout (every library's own output goes to stderr). Commands:

- {"op": "seed", "others": N}: the course (10 lessons), the learner (enrolled, 5 lessons done) and
  up to N other learners (enrolled, each with some lessons done); grows, never shrinks.
- {"op": "time", "page": "course" | "lesson"}: one GET of the page as the learner, in this
  process with Django's test client; answers the wall time and this process's CPU time in ms.
- {"op": "queries", "page": ...}: the queries of one warm GET.
- {"op": "profile", "page": ..., "n": N}: pyinstrument over N GETs (Parley's side only), as text.

Loaded by no code of Parley: the bench starts it as a script.
"""
import json
import os
import random
import sys
import time

LESSONS = 10
DONE = 5
BODY = "<p>Two parties, one river: read the positions, then name each side's interest.</p>"


class Side:
    course_url = lesson_url = ""

    def client(self):
        from django.test import Client

        client = Client()
        client.force_login(self.learner)
        return client


class Parley(Side):
    """Parley's models and services: academy, curriculum, course, two modules of five lessons."""

    def seed_course(self):
        from accounts.models import Role, User
        from accounts.services import academy_get_or_create
        from cms.models import CoursePage, CurriculumPage, LessonPage, ModulePage
        from cms.tenancy import academy_setup
        from courses.models import Enrolment, LessonRead

        course = CoursePage.objects.filter(slug="peer-course").first()
        if course is None:
            academy = academy_get_or_create(name="Bench Academy", slug="bench-academy")
            academy_page = academy_setup(academy=academy)

            def publish(page):
                page.save_revision().publish()
                return page

            curriculum = publish(academy_page.add_child(instance=CurriculumPage(title="Curriculum", slug="cur")))
            course = publish(curriculum.add_child(instance=CoursePage(
                title="Listening across a table", slug="peer-course", summary="Ten short lessons.",
                competencies=["listening"])))
            for m in range(2):
                module = publish(course.add_child(instance=ModulePage(title=f"Part {m + 1}", slug=f"part-{m + 1}")))
                for n in range(LESSONS // 2):
                    publish(module.add_child(instance=LessonPage(
                        title=f"Lesson {m * 5 + n + 1}", slug=f"lesson-{n + 1}", summary="A lesson.",
                        body=[{"type": "text", "value": BODY}])))
        self.lessons = list(LessonPage.objects.descendant_of(course).order_by("path").values_list("id", flat=True))
        self.learner = User.objects.filter(username="learner").first()
        if self.learner is None:
            self.learner = User.objects.create_user("learner", "learner@example.org", "pw-Secret-123",
                                                    role=Role.STUDENT)
            Enrolment.objects.create(learner=self.learner, course=course)
            LessonRead.objects.bulk_create(LessonRead(learner=self.learner, lesson_id=lid)
                                                 for lid in self.lessons[:DONE])
        self.course = course
        self.course_url, self.lesson_url = f"/courses/{course.pk}/", f"/lessons/{self.lessons[0]}/"

    def add_others(self, start: int, stop: int, password: str):
        from accounts.models import Role, User
        from courses.models import Enrolment, LessonRead

        users = User.objects.bulk_create(
            User(username=f"other{i}", email=f"other{i}@example.org", password=password, role=Role.STUDENT)
            for i in range(start, stop))
        Enrolment.objects.bulk_create(Enrolment(learner=u, course=self.course) for u in users)
        rng = random.Random(start)
        LessonRead.objects.bulk_create(
            (LessonRead(learner=u, lesson_id=lid) for u in users
             for lid in self.lessons[: rng.randint(0, LESSONS)]), batch_size=2000)

    def others(self) -> int:
        from accounts.models import User

        return User.objects.filter(username__startswith="other").count()


class WagtailLms(Side):
    """wagtail-lms's models: a CoursePage under the site's home page with ten H5P lesson pages."""

    def seed_course(self):
        from django.contrib.auth.models import User
        from wagtail.models import Page
        from wagtail_lms.models import CourseEnrollment, CoursePage, H5PLessonCompletion, H5PLessonPage

        course = CoursePage.objects.filter(slug="peer-course").first()
        if course is None:
            home = Page.objects.get(depth=2)
            course = home.add_child(instance=CoursePage(title="Listening across a table", slug="peer-course",
                                                        description="<p>Ten short lessons.</p>"))
            course.save_revision().publish()
            for n in range(LESSONS):
                lesson = course.add_child(instance=H5PLessonPage(
                    title=f"Lesson {n + 1}", slug=f"lesson-{n + 1}", intro="<p>A lesson.</p>",
                    body=[{"type": "paragraph", "value": BODY}]))
                lesson.save_revision().publish()
        self.lessons = list(H5PLessonPage.objects.child_of(course).order_by("path").values_list("id", flat=True))
        self.learner = User.objects.filter(username="learner").first()
        if self.learner is None:
            self.learner = User.objects.create_user("learner", "learner@example.org", "pw-Secret-123")
            CourseEnrollment.objects.create(user=self.learner, course=course)
            H5PLessonCompletion.objects.bulk_create(H5PLessonCompletion(user=self.learner, lesson_id=lid)
                                                    for lid in self.lessons[:DONE])
        self.course = course
        self.course_url = course.url
        self.lesson_url = Page.objects.get(pk=self.lessons[0]).url

    def add_others(self, start: int, stop: int, password: str):
        from django.contrib.auth.models import User
        from wagtail_lms.models import CourseEnrollment, H5PLessonCompletion

        users = User.objects.bulk_create(
            User(username=f"other{i}", email=f"other{i}@example.org", password=password) for i in range(start, stop))
        CourseEnrollment.objects.bulk_create(CourseEnrollment(user=u, course=self.course) for u in users)
        rng = random.Random(start)
        H5PLessonCompletion.objects.bulk_create(
            (H5PLessonCompletion(user=u, lesson_id=lid) for u in users
             for lid in self.lessons[: rng.randint(0, LESSONS)]), batch_size=2000)

    def others(self) -> int:
        from django.contrib.auth.models import User

        return User.objects.filter(username__startswith="other").count()


def main() -> None:
    out = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # whatever a library prints goes to stderr, never into the answers
    sys.stdout = sys.stderr
    sys.path.insert(0, os.getcwd())  # the side's project: Parley's checkout, or the generated peer site
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    side = Parley() if sys.argv[1] == "parley" else WagtailLms()
    client = None
    for line in sys.stdin:
        command = json.loads(line)
        op = command["op"]
        if op == "seed":
            side.seed_course()
            have, want = side.others(), command["others"]
            password = make_password("pw-Secret-123")
            for start in range(have, want, 1000):
                side.add_others(start, min(start + 1000, want), password)
            client = side.client()
            answer = {"course_url": side.course_url, "lesson_url": side.lesson_url, "others": side.others()}
        elif op == "time":
            url = side.course_url if command["page"] == "course" else side.lesson_url
            started, cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
            answer = {"ms": elapsed * 1000.0, "cpu_ms": cpu * 1000.0, "bytes": len(response.content)}
        elif op == "queries":
            url = side.course_url if command["page"] == "course" else side.lesson_url
            client.get(url)
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            answer = {"count": len(captured.captured_queries),
                      "sql": [q["sql"][:160] for q in captured.captured_queries]}
        elif op == "profile":
            from pyinstrument import Profiler

            url = side.course_url if command["page"] == "course" else side.lesson_url
            profiler = Profiler(interval=0.0005)
            profiler.start()
            for _ in range(command.get("n", 200)):
                client.get(url)
            profiler.stop()
            answer = {"text": profiler.output_text(unicode=False, color=False, show_all=False)}
        else:
            break
        out.write(json.dumps(answer) + "\n")


if __name__ == "__main__":
    main()
