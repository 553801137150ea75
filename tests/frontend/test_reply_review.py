"""Issue 20, finding 9: a written reply is filed as reviewed or not yet, by the class's teacher (verified
or not: it changes no score) or the exercise's academy staff, decided in courses/access.py; the replies
page shows the unreviewed ones by default, with the reviewed and all of them a link away."""
import pytest

from accounts.models import AcademyMembership, Role
from assessments.models import ReplyReview
from courses import reviews
from courses.errors import NotFound

from ..conftest import signed_in
from ..factories import make_staff, make_user

pytestmark = pytest.mark.django_db


def test_the_classs_teacher_files_a_reply_as_reviewed_and_back(graded_attempt, teacher):
    assert reviews.reply_mark_reviewed(actor=teacher, attempt=graded_attempt, node="reply1") is True
    assert ReplyReview.objects.filter(attempt=graded_attempt, node="reply1", reviewed_by=teacher).exists()
    reviews.reply_mark_reviewed(actor=teacher, attempt=graded_attempt, node="reply1")  # idempotent
    assert ReplyReview.objects.count() == 1
    assert reviews.reply_mark_reviewed(actor=teacher, attempt=graded_attempt, node="reply1", reviewed=False) is False
    assert not ReplyReview.objects.exists()


def test_academy_staff_may_file_it_too(graded_attempt, academy):
    reviewer = make_staff(academy, AcademyMembership.StaffRole.REVIEWER)
    reviews.reply_mark_reviewed(actor=reviewer, attempt=graded_attempt, node="reply1")
    assert ReplyReview.objects.filter(reviewed_by=reviewer).exists()


@pytest.mark.parametrize("who", ["another teacher", "the learner", "a stranger who signed up"])
def test_anyone_else_finds_no_such_attempt(graded_attempt, who):
    actor = {"another teacher": lambda: make_user(Role.TEACHER), "the learner": lambda: graded_attempt.learner,
             "a stranger who signed up": make_user}[who]()
    with pytest.raises(NotFound):
        reviews.reply_mark_reviewed(actor=actor, attempt=graded_attempt, node="reply1")
    assert not ReplyReview.objects.exists()


def test_a_node_without_a_reply_is_refused(graded_attempt, teacher):
    with pytest.raises(NotFound):
        reviews.reply_mark_reviewed(actor=teacher, attempt=graded_attempt, node="open")
    assert not ReplyReview.objects.exists()


def test_the_replies_page_filters_by_review_state(graded_attempt, klass, teacher):
    client = signed_in(teacher)
    url = f"/teach/classes/{klass.pk}/replies/"
    card = f'id="reply-{graded_attempt.pk}-reply1"'
    assert card in client.get(url).content.decode()  # not reviewed yet: the default
    response = client.post(f"{url}{graded_attempt.pk}/reviewed/", {"node": "reply1", "show": "unreviewed"})
    assert (response.status_code, response["Location"]) == (302, f"{url}?show=unreviewed")
    assert card not in client.get(url).content.decode()
    reviewed = client.get(url + "?show=reviewed").content.decode()
    assert card in reviewed and "Mark as not reviewed" in reviewed
    assert card in client.get(url + "?show=all").content.decode()
    client.post(f"{url}{graded_attempt.pk}/reviewed/", {"node": "reply1", "reviewed": "0"})
    assert card in client.get(url).content.decode()
