"""Deleting an account: personal data gone, sign-ins ended, graded work kept anonymised for the class."""
import csv
import io
import re

import pytest
from django.test import Client

from accounts.models import ApiToken, AuditEvent, Role, User
from accounts.privacy import FORMER_PREFIX
from assessments.models import Attempt, Grading
from assessments.privacy import REDACTED_WORD
from assessments.services import attempt_override, attempt_start, regrade_attempts, regrade_start
from courses import progress
from courses import services as course_services
from courses.models import ClassInvitation, ClassMembership, Enrolment, Extension, LessonRead

from ..conftest import as_user, error_codes
from ..factories import later, make_staff, make_user, verify_teacher
from .conftest import PASSWORD, PERSONAL_QUIZ_TEXT, PERSONAL_REPLY, site_client


def delete_account(user, password=PASSWORD):
    return as_user(user).delete("/api/v1/me/", {"password": password}, format="json")


def snapshot(user):
    """Every row that deletion may touch, as plain values."""
    return {
        "user": User.objects.filter(pk=user.pk).values().get(),
        "attempts": list(Attempt.objects.filter(learner=user).order_by("id").values()),
        "gradings": Grading.objects.filter(attempt__learner=user).count(),
        "tokens": list(ApiToken.objects.filter(user=user).values()),
        "memberships": ClassMembership.objects.filter(student=user).count(),
        "audit": AuditEvent.objects.count(),
    }


def test_a_wrong_password_is_a_400_and_changes_nothing(learner):
    before = snapshot(learner)
    response = delete_account(learner, password="not-my-password")
    assert response.status_code == 400
    assert error_codes(response) == ["wrong_password"]
    assert response.json()["errors"][0]["attr"] == "password"
    assert snapshot(learner) == before


def test_a_missing_password_is_a_400_and_changes_nothing(learner):
    before = snapshot(learner)
    response = as_user(learner).delete("/api/v1/me/", {}, format="json")
    assert response.status_code == 400
    assert error_codes(response) == ["required"]
    assert snapshot(learner) == before


def test_deleting_needs_a_signed_in_user(api, db):
    assert api.delete("/api/v1/me/", {"password": "x"}, format="json").status_code == 401


def test_academy_staff_cannot_delete_themselves(academy):
    staff = make_staff(academy)
    before = User.objects.filter(pk=staff.pk).values().get()
    response = delete_account(staff)
    assert response.status_code == 403
    assert error_codes(response) == ["managed_account"]
    assert User.objects.filter(pk=staff.pk).values().get() == before


def test_deletion_removes_every_personal_field(learner):
    assert delete_account(learner).status_code == 204
    row = User.objects.get(pk=learner.pk)
    assert row.username.startswith(FORMER_PREFIX) and "amina" not in row.username
    assert (row.email, row.first_name, row.last_name) == ("", "", "")
    assert not row.has_usable_password() and not row.check_password(PASSWORD)
    assert row.last_login is None and row.last_activity_at is None
    assert row.is_active is False and row.anonymised_at is not None
    assert row.role == Role.STUDENT  # still counted as a student of the class
    # Nothing anywhere in the row still says who it was.
    values = " ".join(str(v) for v in User.objects.filter(pk=learner.pk).values().get().values())
    assert "amina" not in values.lower()


def test_deletion_redacts_free_text_but_keeps_scores_and_criteria(learner):
    before = {a.pk: (a.score, a.passed, a.result) for a in Attempt.objects.filter(learner=learner)}
    delete_account(learner)
    after = Attempt.objects.filter(learner=learner)
    assert {a.pk: (a.score, a.passed, a.result) for a in after} == before
    scenario = after.get(exercise__kind="scenario")
    reply = scenario.answers["steps"][1]["reply"]
    assert set(reply.split()) == {REDACTED_WORD} and len(reply.split()) == len(PERSONAL_REPLY.split())
    assert scenario.result["steps"][1]["met"] == ["interest"]
    quiz_answers = [a.answers["answers"] for a in after.filter(exercise__kind="quiz").order_by("id")]
    # The right typed answer is the author's words and stays; the personal wrong one is gone.
    assert quiz_answers == [{"q1": ["b"], "q2": "BATNA"}, {"q1": ["b"]}]
    everything = str(list(Attempt.objects.filter(learner=learner).values())) + str(
        list(Grading.objects.filter(attempt__learner=learner).values()))
    assert "Amina" not in everything and PERSONAL_QUIZ_TEXT not in everything


def test_a_regrade_after_deletion_gives_the_same_scores(learner, scenario, quiz, django_capture_on_commit_callbacks):
    scores = dict(Attempt.objects.filter(learner=learner).values_list("id", "score"))
    delete_account(learner)
    for exercise in (scenario, quiz):
        batch = regrade_start(version=exercise.current_version, actor=None)
        regrade_attempts(batch_id=batch.pk, attempt_ids=list(
            Attempt.objects.filter(exercise=exercise).values_list("id", flat=True)))
    assert dict(Attempt.objects.filter(learner=learner).values_list("id", "score")) == scores
    assert Grading.objects.filter(attempt__learner=learner, kind="regrade").count() == 3


def test_unfinished_attempts_are_deleted_with_their_text(learner, scenario):
    attempt, _ = attempt_start(exercise=scenario, learner=learner)
    delete_account(learner)
    assert not Attempt.objects.filter(pk=attempt.pk).exists()
    assert Attempt.objects.filter(learner=learner, status="graded").count() == 3


def test_records_stay_counted_in_the_class_matrix_and_csv(learner, classmate, klass, teacher):
    before = progress.class_progress(school_class=klass)
    counts = (Enrolment.objects.count(), LessonRead.objects.count(), Extension.objects.count())
    delete_account(learner)
    after = progress.class_progress(school_class=klass)
    assert counts == (Enrolment.objects.count(), LessonRead.objects.count(), Extension.objects.count())
    percent = {row["id"]: [c["percent"] for c in row["modules"]] for row in after["students"]}
    assert percent == {row["id"]: [c["percent"] for c in row["modules"]] for row in before["students"]}
    assert percent[learner.pk] == [100.0]
    names = {row["id"]: row["name"] for row in after["students"]}
    assert names == {learner.pk: "Former learner 1", classmate.pk: "bertrand"}  # numbered in the class

    teacher_api = as_user(teacher)
    csv_rows = list(csv.DictReader(io.StringIO(
        teacher_api.get(f"/api/v1/classes/{klass.pk}/progress.csv").content.decode())))
    assert {r["username"]: r["percent"] for r in csv_rows} == {"Former learner 1": "100.0", "bertrand": "100.0"}
    roster = teacher_api.get(f"/api/v1/classes/{klass.pk}/students/").json()["results"]
    assert {r["username"] for r in roster} == {"Former learner 1", "bertrand"}
    assert all("email" not in r for r in roster)  # teachers never see addresses
    at_risk = teacher_api.get(f"/api/v1/classes/{klass.pk}/at-risk/").json()["results"]
    assert "Former learner 1" in {r["username"] for r in at_risk}  # no activity any more
    replies = teacher_api.get(f"/api/v1/classes/{klass.pk}/replies/").json()["results"]
    former = [r for r in replies if r["student"] == "Former learner 1"]  # numbered as on the roster
    assert len(former) == 1 and set(former[0]["reply"].split()) == {REDACTED_WORD}
    assert former[0]["met"] == ["interest"]


def test_the_replies_page_and_the_extension_list_number_a_former_learner_as_the_roster_does(learner, klass,
                                                                                               teacher):
    delete_account(learner)
    client = site_client(teacher)
    replies = client.get(f"/teach/classes/{klass.pk}/replies/?show=all").content.decode()
    assert "Former learner 1" in replies
    extensions = client.get(f"/teach/classes/{klass.pk}/").content.decode().split('class="extensions"')[1]
    assert "Former learner 1: extended to" in extensions.split("</ul>")[0]
    assert not re.search(r"Former learner(?! \d)", replies + extensions)  # never unnumbered


def _owner(page: str) -> str:
    """Whose result the attempt page says it is (the eyebrow above the result), bidi isolates dropped."""
    eyebrow = re.search(r'id="result-owner">([^<]*)<', page).group(1)
    return eyebrow.replace("\u2068", "").replace("\u2069", "")


def test_the_attempt_page_numbers_a_former_learner_as_the_class_it_is_opened_from(learner, classmate, klass,
                                                                                      teacher, course):
    # given: two former learners of 9B (amina is 1, bertrand 2), and bertrand alone in 9C as well
    other = course_services.class_create(teacher=teacher, name="9C")
    course_services.assignment_create(actor=teacher, school_class=other, module_id=klass.assignments.get().module_id,
                                      due_at=later(7))
    course_services.class_join(student=classmate, join_code=other.join_code)
    delete_account(learner)
    delete_account(classmate)
    scenario_attempt = Attempt.objects.filter(learner=classmate, exercise__kind="scenario").get()
    quiz_attempt = Attempt.objects.filter(learner=classmate, exercise__kind="quiz").first()
    client = site_client(teacher)
    for attempt in (scenario_attempt, quiz_attempt):
        url = f"/attempts/{attempt.pk}/"
        # when: opened from 9B's replies page, from 9C, with no class, and with a class of nobody's
        from_9b = client.get(f"{url}?class={klass.pk}").content.decode()
        # then: the name the class's roster gives, in the eyebrow, the title and the printed line
        assert _owner(from_9b) == "Result of Former learner 2"
        assert from_9b.count("Former learner 2") == 3 and not re.search(r"Former learner(?! 2)", from_9b)
        assert _owner(client.get(f"{url}?class={other.pk}").content.decode()) == "Result of Former learner 1"
        assert _owner(client.get(url).content.decode()) == "Result of Former learner 2"  # the lowest class, 9B
        for nobodys in ("999999", "²", "9B", "9" * 40):  # a class of nobody's, or no id at all: the lowest
            assert _owner(client.get(f"{url}?class={nobodys}").content.decode()) == "Result of Former learner 2"
    replies = client.get(f"/teach/classes/{klass.pk}/replies/?show=all").content.decode()
    assert f'href="/attempts/{scenario_attempt.pk}/?class={klass.pk}"' in replies  # the replies page says which


def test_academy_staff_see_a_former_learner_unnumbered_outside_any_class(learner, academy):
    delete_account(learner)
    attempt = Attempt.objects.filter(learner=learner, exercise__kind="scenario").get()
    page = site_client(make_staff(academy)).get(f"/attempts/{attempt.pk}/").content.decode()
    assert _owner(page) == "Result of Former learner"  # a number means something only within one class
    assert FORMER_PREFIX not in page and "amina" not in page


def test_the_override_message_numbers_a_former_learner_as_the_roster_does(learner, classmate, klass, teacher,
                                                                           academy):
    verify_teacher(teacher, by=make_staff(academy))
    delete_account(learner)
    delete_account(classmate)
    attempt = Attempt.objects.filter(learner=classmate, exercise__kind="scenario").get()
    response = site_client(teacher).post(f"/teach/classes/{klass.pk}/replies/{attempt.pk}/override/",
                                         {"node": "reply1", "reason": "Too generous", "avoided": ["blame"]},
                                         follow=True)
    page = response.content.decode()
    assert "Override saved. Former learner 2&#x27;s score is now" in page
    assert attempt.gradings.filter(kind=Grading.Kind.OVERRIDE, actor=teacher).count() == 1  # deletion froze one too


def test_teacher_pages_show_former_learner(learner, klass, teacher):
    delete_account(learner)
    client = site_client(teacher)
    for url in (f"/teach/classes/{klass.pk}/", f"/teach/classes/{klass.pk}/progress/",
                f"/teach/classes/{klass.pk}/replies/"):
        page = client.get(url).content.decode()
        assert "Former learner" in page, url
        assert "amina" not in page and FORMER_PREFIX not in page, url


def test_tokens_are_revoked_and_a_revoked_token_gets_401(learner, api):
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {learner.raw_token}")
    assert api.get("/api/v1/me/").status_code == 200
    assert api.delete("/api/v1/me/", {"password": PASSWORD}, format="json").status_code == 204
    assert not ApiToken.objects.filter(user=learner, revoked_at__isnull=True).exists()
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert error_codes(response) == ["authentication_failed"]


def test_sessions_end_everywhere(learner):
    phone, laptop = Client(), Client()
    for client in (phone, laptop):
        assert client.login(username="amina", password=PASSWORD)
        assert client.get("/api/v1/me/").status_code == 200
    response = laptop.delete("/api/v1/me/", {"password": PASSWORD}, content_type="application/json")
    assert response.status_code == 204
    assert "_auth_user_id" not in laptop.session  # this one is signed out at once
    for client in (phone, laptop):
        # The other session no longer authenticates: the password hash it was signed with is gone.
        assert client.get("/api/v1/me/").status_code in (401, 403)
        assert client.get("/account/").status_code == 302
        assert client.get("/account/data.json").status_code == 302


def test_sign_in_fails_afterwards_and_the_username_is_free_again(learner, api):
    delete_account(learner)
    token = api.post("/api/v1/auth/token/", {"username": "amina", "password": PASSWORD}, format="json")
    assert token.status_code == 401
    assert not Client().login(username="amina", password=PASSWORD)
    page = Client().post("/sign-in/", {"username": "amina", "password": PASSWORD})
    assert page.status_code == 200 and "_auth_user_id" not in page.wsgi_request.session
    again = api.post("/api/v1/auth/register/", {"username": "amina", "email": "amina@example.org",
                                                "password": "a-long-Pass-phrase"}, format="json")
    assert again.status_code == 201 and again.json()["id"] != learner.pk


def test_a_former_learners_invitations_are_forgotten(learner, teacher, klass):
    address = learner.email
    other = as_user(teacher).post("/api/v1/classes/", {"name": "10A"}, format="json").json()
    assert as_user(teacher).post(f"/api/v1/classes/{other['id']}/invitations/", {"email": address},
                                 format="json").status_code == 202
    delete_account(learner)
    assert not ClassInvitation.objects.filter(email=address.casefold()).exists()


def test_a_teachers_classes_are_archived_when_they_leave(learner, teacher, klass):
    assert delete_account(teacher).status_code == 204
    klass.refresh_from_db()
    assert klass.archived_at is not None
    assert ClassMembership.objects.filter(school_class=klass, student=learner).exists()


def test_deleting_on_the_site_asks_for_the_password(learner):
    client = site_client(learner)
    refused = client.post("/account/delete/", {"password": "wrong", "confirm": "on"})
    assert refused.status_code == 400 and "That password is not right." in refused.content.decode()
    unconfirmed = client.post("/account/delete/", {"password": PASSWORD})
    assert unconfirmed.status_code == 400
    assert User.objects.get(pk=learner.pk).username == "amina"

    done = client.post("/account/delete/", {"password": PASSWORD, "confirm": "on"}, follow=True)
    assert done.status_code == 200 and "Your account has been deleted." in done.content.decode()
    assert User.objects.get(pk=learner.pk).anonymised_at is not None
    assert client.get("/account/").status_code == 302  # signed out: sent to sign in


def test_an_override_after_deletion_keeps_the_other_criteria(learner, teacher):
    delete_account(learner)
    attempt = Attempt.objects.select_related("exercise").get(learner=learner, exercise__kind="scenario")
    attempt_override(attempt=attempt, actor=teacher, overrides={"reply1": {"avoided": ["blame"]}}, reason="Blame.")
    attempt.refresh_from_db()
    assert attempt.result["steps"][1]["met"] == ["interest"]
    assert attempt.result["steps"][1]["avoided"] == ["blame"]


@pytest.mark.parametrize("role", [Role.ADMIN])
def test_administrators_cannot_delete_themselves(db, role):
    admin = make_user(role)
    assert delete_account(admin).status_code == 403
    assert User.objects.get(pk=admin.pk).is_active


def test_former_learner_is_translated(db):
    from django.utils import translation

    from accounts.privacy import display_name

    with translation.override("fr"):
        assert display_name(FORMER_PREFIX + "0f3a") == "Ancien apprenant"
    assert display_name(FORMER_PREFIX + "0f3a") == "Former learner"
    assert display_name("former-learner") == "former-learner"  # a live username is never taken for one


def test_the_attempt_history_names_a_deleted_teacher_without_their_placeholder(learner, teacher):
    attempt = Attempt.objects.select_related("exercise").get(learner=learner, exercise__kind="scenario")
    attempt_override(attempt=attempt, actor=teacher, overrides={"reply1": {"avoided": []}}, reason="Fair.")
    assert delete_account(teacher).status_code == 204
    history = as_user(learner).get(f"/api/v1/attempts/{attempt.pk}/history/").json()["results"]
    assert [row["actor"] for row in history] == [None, "Former learner"]
