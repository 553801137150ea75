"""The site's pages through the Django test client: what they show and what their forms change."""
import re

import pytest
from django.test import Client

from accounts.models import Role
from assessments.models import Attempt, Grading
from cms.models import LessonPage
from courses import services as course_services
from courses.models import ClassMembership, Enrolment, LessonRead, SchoolClass

from ..conftest import signed_in
from ..factories import (
    QUIZ,
    course_lessons,
    course_modules,
    import_exercise,
    later,
    make_course,
    make_user,
    publish,
    verify_teacher,
)

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_catalogue_filters_by_search_level_and_competency(academy):
    make_course(academy, title="Water talks", modules=1, lessons=1)
    client = Client()
    page = client.get("/courses/").content.decode()
    assert "Water talks" in page
    assert "Water talks" in client.get("/courses/?q=water").content.decode()
    assert "Water talks" not in client.get("/courses/?q=zebra").content.decode()
    assert "Water talks" in client.get("/courses/?competency=listening&level=beginner").content.decode()
    assert "Water talks" not in client.get("/courses/?level=advanced").content.decode()
    assert "Water talks" not in client.get("/courses/?language=fr").content.decode()
    assert client.get("/courses/?language=xx").status_code == 200  # unknown values are ignored


def test_enrol_read_lessons_and_reach_100_percent_on_a_module(course, student):
    client = signed_in(student)
    assert client.post(f"/courses/{course.pk}/enrol/").status_code == 302
    assert Enrolment.objects.filter(learner=student, course=course).exists()
    first_module_lessons = course_lessons(course)[:3]
    for lesson in first_module_lessons:
        page = client.get(f"/lessons/{lesson.pk}/").content.decode()
        assert "Mark as read" in page
        response = client.post(f"/lessons/{lesson.pk}/read/")
        assert response.status_code == 302 and response["Location"] == f"/lessons/{lesson.pk}/"
    assert LessonRead.objects.filter(learner=student).count() == 3
    page = client.get("/me/progress/").content.decode()
    assert 'aria-valuenow="100"' in page  # module 1
    assert "3 of 6 lessons completed" in page


def test_marking_read_without_enrolment_is_refused_politely(course, student):
    lesson = course_lessons(course)[0]
    response = signed_in(student).post(f"/lessons/{lesson.pk}/read/", follow=True)
    assert "Enrol in the course first" in response.content.decode()
    assert not LessonRead.objects.exists()


def test_the_lesson_renders_every_block_type(academy, exercise):
    course = make_course(academy, modules=1, lessons=1)
    lesson = course_lessons(course)[0].specific
    lesson.body = [
        {"type": "text", "value": '<p>Plain <a href="javascript:alert(1)">bad</a></p><script>alert(1)</script>'},
        {"type": "key_points", "value": ["One", "Two"]},
        {"type": "quotation", "value": {"text": "Listen first.", "attribution": "A mediator"}},
        {"type": "case_study", "value": {"title": "The river", "body": "<p>Upstream</p>"}},
        {"type": "glossary_term", "value": {"term": "BATNA", "definition": "Your walk-away option."}},
        {"type": "reflection", "value": {"prompt": "What did you hear?"}},
        {"type": "audio", "value": {"title": "Water office", "url": "", "transcript": "Official: Good morning."}},
        {"type": "video", "value": {"title": "Summit", "url": "https://example.org/v.mp4",
                                    "captions_url": "https://example.org/v.vtt", "transcript": "Speaker: Hello."}},
        {"type": "exercise", "value": {"exercise": exercise.pk}},
    ]
    publish(lesson)
    page = Client().get(f"/lessons/{lesson.pk}/").content.decode()
    for text in ("Key points", "Listen first.", "A mediator", "The river", "BATNA", "What did you hear?",
                 "Water office", "Official: Good morning.", "Speaker: Hello.", 'kind="captions"', exercise.title):
        assert text in page, text
    assert "<script>alert(1)</script>" not in page and "javascript:" not in page
    assert page.count("<h1") == 1


def test_hostile_class_name_and_username_render_escaped(teacher):
    student = make_user(Role.STUDENT, username="x<b>bold</b>")
    klass = course_services.class_create(teacher=teacher, name=HOSTILE)
    course_services.class_join(student=student, join_code=klass.join_code)
    client = signed_in(teacher)
    for url in ("/teach/", f"/teach/classes/{klass.pk}/", f"/teach/classes/{klass.pk}/progress/"):
        page = client.get(url).content.decode()
        assert HOSTILE not in page, url
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page, url
    page = client.get(f"/teach/classes/{klass.pk}/").content.decode()
    assert "<b>bold</b>" not in page and "x&lt;b&gt;bold&lt;/b&gt;" in page
    # The student's join message names the class, escaped too.
    other = make_user(Role.STUDENT)
    response = signed_in(other).post("/classes/join/", {"join_code": klass.join_code}, follow=True)
    assert HOSTILE not in response.content.decode()


def test_hostile_reply_renders_escaped_for_the_teacher_and_the_learner(course, exercise, klass, student, teacher,
                                                                        django_capture_on_commit_callbacks):
    from assessments.services import attempt_submit

    course_services.class_join(student=student, join_code=klass.join_code)
    course_services.assignment_create(actor=teacher, school_class=klass, module_id=course_modules(course)[1].pk,
                                      due_at=later(7))
    reply = f"Your farmers need water for irrigation {HOSTILE}"
    steps = [{"node": "open", "choice": "ask"}, {"node": "reply1", "reply": reply}, {"node": "end_good"}]
    with django_capture_on_commit_callbacks(execute=True):
        attempt, _ = attempt_submit(exercise=exercise, learner=student, answers={"steps": steps})
    for client, url in ((signed_in(teacher), f"/teach/classes/{klass.pk}/replies/"),
                        (signed_in(student), f"/attempts/{attempt.pk}/")):
        page = client.get(url).content.decode()
        assert HOSTILE not in page and "&lt;script&gt;" in page, url


def test_join_by_code_enrols_in_assigned_courses(course, klass, student):
    course_services.assignment_create(actor=klass.teacher, school_class=klass,
                                      module_id=course_modules(course)[0].pk, due_at=later(1))
    client = signed_in(student)
    response = client.post("/classes/join/", {"join_code": klass.join_code.lower()}, follow=True)
    assert "You joined the class" in response.content.decode()
    assert ClassMembership.objects.filter(student=student, school_class=klass).exists()
    assert Enrolment.objects.filter(learner=student, course=course).exists()
    bad = client.post("/classes/join/", {"join_code": "NOPE"})
    assert "No open class has that join code" in bad.content.decode()


def test_teacher_creates_a_class_rotates_the_code_and_manages_the_roster(teacher, student):
    client = signed_in(teacher)
    response = client.post("/teach/", {"name": "Year 10"})
    klass = SchoolClass.objects.get(teacher=teacher)
    assert response["Location"] == f"/teach/classes/{klass.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert klass.join_code in page
    old = klass.join_code
    client.post(f"/teach/classes/{klass.pk}/rotate-code/")
    klass.refresh_from_db()
    assert klass.join_code != old
    invited = client.post(f"/teach/classes/{klass.pk}/invitations/", {"email": student.email}, follow=True)
    assert "If the address is right" in invited.content.decode()
    assert not klass.memberships.exists() and klass.invitations.filter(email=student.email).exists()
    course_services.class_join(student=student, join_code=klass.join_code)
    page = client.get(f"/teach/classes/{klass.pk}/").content.decode()
    assert student.username in page and student.email not in page.split('id="roster"')[1]
    client.post(f"/teach/classes/{klass.pk}/students/{student.pk}/remove/")
    assert not klass.memberships.exists()


def test_assign_extend_and_see_the_heatmap_with_overdue_as_text(course, klass, student, teacher):
    course_services.class_join(student=student, join_code=klass.join_code)
    client = signed_in(teacher)
    module = course_modules(course)[0]
    response = client.post(f"/teach/classes/{klass.pk}/assignments/",
                           {"module": module.pk, "due": later(3).date().isoformat()})
    assert response.status_code == 302
    assignment = klass.assignments.get()
    klass.assignments.update(due_at=later(-30))  # overdue: the form refuses a past date, so the row is moved
    assert Enrolment.objects.filter(learner=student, course=course).exists()
    page = client.get(f"/teach/classes/{klass.pk}/progress/").content.decode()
    assert "⚠ overdue" in page and "0%" in page and student.username in page
    assert f"/api/v1/classes/{klass.pk}/progress.csv" in page
    response = client.post(f"/teach/classes/{klass.pk}/assignments/{assignment.pk}/extensions/",
                           {f"ext{assignment.pk}-student": student.pk, f"ext{assignment.pk}-due": "2099-01-01"})
    assert response.status_code == 302
    page = client.get(f"/teach/classes/{klass.pk}/progress/").content.decode()
    assert "overdue-label" not in page
    bad = client.post(f"/teach/classes/{klass.pk}/assignments/{assignment.pk}/extensions/",
                      {f"ext{assignment.pk}-student": student.pk, f"ext{assignment.pk}-due": "2019-01-01"})
    assert bad.status_code == 400
    assert client.get(f"/teach/classes/{klass.pk}/progress/?days=abc").status_code == 200


def test_an_unverified_teacher_is_told_to_ask_for_verification(graded_attempt, klass, teacher):
    url = f"/teach/classes/{klass.pk}/replies/{graded_attempt.pk}/override/"
    response = signed_in(teacher).post(url, {"node": "reply1", "reason": "Too generous", "avoided": ["blame"]},
                                       follow=True)
    assert "Only verified teachers change grades" in response.content.decode()
    assert graded_attempt.gradings.count() == 1


def test_teacher_overrides_a_reply_with_a_reason(graded_attempt, klass, teacher, staff):
    verify_teacher(teacher, by=staff)
    client = signed_in(teacher)
    page = client.get(f"/teach/classes/{klass.pk}/replies/").content.decode()
    assert "Names their interest" in page
    url = f"/teach/classes/{klass.pk}/replies/{graded_attempt.pk}/override/"
    no_reason = client.post(url, {"node": "reply1", "reason": " "}, follow=True)
    assert "Give a reason" in no_reason.content.decode()
    assert graded_attempt.gradings.count() == 1
    response = client.post(url, {"node": "reply1", "reason": "Too generous", "avoided": ["blame"]}, follow=True)
    assert "Override saved" in response.content.decode()
    graded_attempt.refresh_from_db()
    override = graded_attempt.gradings.get(kind=Grading.Kind.OVERRIDE)
    assert override.reason == "Too generous" and override.actor == teacher
    assert override.overrides == {"reply1": {"met": [], "avoided": ["blame"]}}
    assert graded_attempt.result["steps"][1]["met"] == []
    assert client.post(url, {"node": "open", "reason": "x"}).status_code == 404


def test_scenario_player_page_carries_the_api_urls_and_no_graph(course, exercise, student):
    client = signed_in(student)
    client.post(f"/courses/{course.pk}/enrol/")
    page = client.get(f"/exercises/{exercise.pk}/").content.decode()
    assert f"/api/v1/exercises/{exercise.pk}/attempts/" in page
    assert "Start the scenario" in page
    for secret in ("end_bad", "weights", "irrigation", "your fault"):
        assert secret not in page, secret


def test_scenario_result_shows_outcome_chart_table_and_criteria(graded_attempt, student):
    page = signed_in(student).get(f"/attempts/{graded_attempt.pk}/").content.decode()
    assert "Agreement" in page and "An agreement." in page
    assert '<svg' in page and 'role="img"' in page and "<table" in page
    assert "Active listening" in page and "Names their interest" in page
    assert "Asking opens the door." in page


def test_an_ungraded_attempt_shows_the_waiting_state(course, exercise, student):
    course_services.enrol(learner=student, course=course)
    attempt = Attempt.objects.create(learner=student, exercise=exercise, version=exercise.current_version,
                                     status=Attempt.Status.SUBMITTED, answers={"steps": []})
    page = signed_in(student).get(f"/attempts/{attempt.pk}/").content.decode()
    assert "Grading in progress" in page and f"/api/v1/attempts/{attempt.pk}/" in page


def test_quiz_without_javascript_posts_to_the_same_service(academy, student, django_capture_on_commit_callbacks):
    quiz = import_exercise(academy, QUIZ, visibility="practice")
    client = signed_in(student)
    page = client.get(f"/exercises/{quiz.pk}/").content.decode()
    key = re.search(r'name="idempotency_key" value="(\w+)"', page).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/exercises/{quiz.pk}/submit/",
                               {"q-q1": "b", "q-q2": "BATNA", "idempotency_key": key})
    attempt = Attempt.objects.get(learner=student, exercise=quiz)
    assert response["Location"] == f"/attempts/{attempt.pk}/"
    assert attempt.answers == {"answers": {"q1": ["b"], "q2": "BATNA"}}
    assert attempt.status == "graded" and attempt.score == 100.0
    # The same key again is the same attempt.
    client.post(f"/exercises/{quiz.pk}/submit/", {"q-q1": "a", "idempotency_key": key})
    assert Attempt.objects.filter(learner=student, exercise=quiz).count() == 1
    page = client.get(f"/attempts/{attempt.pk}/").content.decode()
    assert "What matters most to you?" in page and "Open questions invite a story." in page


def test_competency_profile_has_a_chart_and_a_table(graded_attempt, student):
    page = signed_in(student).get("/me/competencies/").content.decode()
    assert "<svg" in page and "<table" in page and "Active listening" in page


def test_pages_have_one_h1_and_lang_on_html(course, student, klass, teacher):
    lesson = course_lessons(course)[0]
    pages = [(Client(), "/courses/"), (Client(), f"/courses/{course.pk}/"), (Client(), f"/lessons/{lesson.pk}/"),
             (signed_in(student), "/me/progress/"), (signed_in(student), "/me/competencies/"),
             (signed_in(teacher), f"/teach/classes/{klass.pk}/progress/")]
    for client, url in pages:
        page = client.get(url).content.decode()
        assert page.count("<h1") == 1, url
        assert '<html lang="en" dir="ltr">' in page, url
        assert '<main id="main"' in page and "<nav" in page, url


def test_french_interface_and_arabic_direction(course):
    client = Client()
    client.post("/i18n/setlang/", {"language": "fr", "next": "/courses/"})
    page = client.get("/courses/").content.decode()
    assert '<html lang="fr" dir="ltr">' in page
    assert "Cours" in page and "Rechercher" in page
    client.post("/i18n/setlang/", {"language": "ar", "next": "/courses/"})
    assert '<html lang="ar" dir="rtl">' in client.get("/courses/").content.decode()


def test_unpublished_lessons_are_not_shown(course):
    lesson = course_lessons(course)[0]
    LessonPage.objects.get(pk=lesson.pk).unpublish()
    assert Client().get(f"/lessons/{lesson.pk}/").status_code == 404


def test_sign_in_and_join_are_throttled_like_the_api(student, klass, settings):
    from django.core.cache import cache

    cache.clear()
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"auth": "2/min", "join": "2/min", "attempts": "1000/min"}}
    client = Client()
    for _ in range(2):
        assert client.post("/sign-in/", {"username": student.username, "password": "wrong"}).status_code == 200
    refused = client.post("/sign-in/", {"username": student.username, "password": "pw-Secret-123"})
    assert refused.status_code == 429 and "Too many tries" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    joiner = signed_in(student)
    for _ in range(2):
        joiner.post("/classes/join/", {"join_code": "WRONG"})
    page = joiner.post("/classes/join/", {"join_code": klass.join_code}).content.decode()
    assert "Too many tries" in page and not klass.memberships.exists()
    cache.clear()
