"""A teacher sees only what the class needs: attempts at assigned exercises by current members.
A refused probe answers like a missing id."""
from accounts.models import Role

from ..conftest import as_user
from ..factories import make_user


def test_the_teacher_reads_an_attempt_at_an_assigned_exercise(school):
    response = as_user(school["teacher"]).get(f"/api/v1/attempts/{school['attempts']['assigned'].pk}/")
    assert response.status_code == 200


def test_an_attempt_outside_the_assigned_modules_answers_like_a_missing_id(school):
    teacher = as_user(school["teacher"])
    refused = teacher.get(f"/api/v1/attempts/{school['attempts']['unassigned'].pk}/")
    missing = teacher.get("/api/v1/attempts/999999999/")
    assert (refused.status_code, refused.json()) == (missing.status_code, missing.json()) == (404, missing.json())


def test_replies_list_only_assigned_exercises(school):
    rows = as_user(school["teacher"]).get(f"/api/v1/classes/{school['klass'].pk}/replies/").json()["results"]
    assert {r["attempt"] for r in rows} == {school["attempts"]["assigned"].pk}


def test_the_site_replies_page_lists_only_assigned_exercises(school):
    from ..conftest import signed_in

    page = signed_in(school["teacher"]).get(f"/teach/classes/{school['klass'].pk}/replies/")
    assert page.status_code == 200
    assert f"reply-{school['attempts']['assigned'].pk}-" in page.content.decode()
    assert f"reply-{school['attempts']['unassigned'].pk}-" not in page.content.decode()


def test_a_teacher_of_another_class_sees_nothing(school):
    other = make_user(Role.TEACHER)
    assert as_user(other).get(f"/api/v1/attempts/{school['attempts']['assigned'].pk}/").status_code == 404


def test_a_demoted_teacher_loses_their_classes(school):
    teacher = school["teacher"]
    teacher.role = Role.STUDENT
    teacher.save(update_fields=["role"])
    client = as_user(teacher)
    assert client.get(f"/api/v1/attempts/{school['attempts']['assigned'].pk}/").status_code == 404
    assert client.get(f"/api/v1/classes/{school['klass'].pk}/progress/").status_code == 403
