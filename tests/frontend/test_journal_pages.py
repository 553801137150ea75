"""The reflection journal on the site (issue 16, item 3): the form under an unlocked result says who will
read it before anything is written; "My journal" lists entries with comments; the class's teacher reads
the class's entries and comments on them."""
import pytest

from assessments.services import attempt_submit
from courses import journal
from courses.models import JournalComment, JournalEntry

from ..conftest import signed_in
from ..factories import CRITICAL_PATH, make_user

pytestmark = pytest.mark.django_db
ENTRY = {"differently": "Ask about the harvest before proposing.", "commitment": "One open question first."}


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_result_tells_the_learner_their_teacher_will_read_it(graded_attempt, student, klass):
    page = _page(signed_in(student), f"/attempts/{graded_attempt.pk}/")
    assert "Your teacher" in page and klass.teacher.username in page and "will read this" in page  # names isolated
    assert 'name="differently"' in page and 'name="commitment"' in page


def test_without_a_sharing_class_the_result_says_only_you_read_it(exercise, course, student,
                                                                  django_capture_on_commit_callbacks):
    from courses import services as course_services

    course_services.enrol(learner=student, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        attempt, _ = attempt_submit(exercise=exercise, learner=student, answers={"steps": [
            {"node": "open", "choice": "ask"},
            {"node": "reply1", "reply": "Your farmers need water for irrigation before the harvest."},
            {"node": "end_good"}]})
    page = _page(signed_in(student), f"/attempts/{attempt.pk}/")
    assert "Only you can read this." in page


def test_a_locked_result_has_no_journal_form(exercise, course, student, django_capture_on_commit_callbacks):
    from courses import services as course_services

    course_services.enrol(learner=student, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        attempt, _ = attempt_submit(exercise=exercise, learner=student, answers={"steps": CRITICAL_PATH})
    assert 'name="commitment"' not in _page(signed_in(student), f"/attempts/{attempt.pk}/")


def test_the_teacher_sees_the_result_without_the_learners_form(graded_attempt, teacher):
    assert 'name="commitment"' not in _page(signed_in(teacher), f"/attempts/{graded_attempt.pk}/")


def test_saving_the_form_writes_the_entry_and_my_journal_lists_it(graded_attempt, student):
    client = signed_in(student)
    response = client.post(f"/attempts/{graded_attempt.pk}/journal/", ENTRY)
    assert response.status_code == 302 and response["Location"].endswith("#journal")
    entry = JournalEntry.objects.get()
    assert (entry.differently, entry.commitment) == (ENTRY["differently"], ENTRY["commitment"])
    assert ENTRY["commitment"] in _page(client, "/me/journal/")
    assert ENTRY["differently"] in _page(client, f"/attempts/{graded_attempt.pk}/")  # the form shows it back


def test_the_teacher_reads_the_class_journal_and_comments(graded_attempt, student, teacher, klass):
    signed_in(student).post(f"/attempts/{graded_attempt.pk}/journal/", ENTRY)
    entry = JournalEntry.objects.get()
    as_teacher = signed_in(teacher)
    page = _page(as_teacher, f"/teach/classes/{klass.pk}/journal/")
    assert ENTRY["differently"] in page and student.username in page
    response = as_teacher.post(f"/teach/classes/{klass.pk}/journal/{entry.pk}/comments/",
                               {"text": "Good question to start with."})
    assert response.status_code == 302 and response["Location"].endswith(f"#entry-{entry.pk}")
    assert JournalComment.objects.get().author == teacher
    assert "Good question to start with." in _page(signed_in(student), "/me/journal/")


def test_a_teacher_of_another_class_finds_no_journal(graded_attempt, student, klass):
    from accounts.models import Role

    signed_in(student).post(f"/attempts/{graded_attempt.pk}/journal/", ENTRY)
    entry = JournalEntry.objects.get()
    other = signed_in(make_user(Role.TEACHER))
    assert other.get(f"/teach/classes/{klass.pk}/journal/").status_code == 404
    assert other.post(f"/teach/classes/{klass.pk}/journal/{entry.pk}/comments/", {"text": "Hi"}).status_code == 404
    assert not JournalComment.objects.exists()


def test_a_stranger_cannot_write_on_anothers_attempt(graded_attempt):
    response = signed_in(make_user()).post(f"/attempts/{graded_attempt.pk}/journal/", ENTRY)
    assert response.status_code == 404 and not JournalEntry.objects.exists()


def test_a_blank_form_is_refused_with_a_message(graded_attempt, student):
    client = signed_in(student)
    response = client.post(f"/attempts/{graded_attempt.pk}/journal/", {"differently": " ", "commitment": ""},
                           follow=True)
    assert "This field cannot be empty." in response.content.decode()
    assert not JournalEntry.objects.exists()


def test_the_audience_is_computed_from_the_classes_now(graded_attempt, student, klass):
    assert [c["id"] for c in journal.journal_audience(learner_id=student.pk,
                                                      exercise_id=graded_attempt.exercise_id)] == [klass.pk]
