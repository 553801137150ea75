"""A learner sees their classes and what each teacher can see, and can leave."""
from accounts.models import AuditEvent
from courses.models import ClassMembership

from ..conftest import as_user


def test_my_classes_name_the_teacher_and_what_they_see(school):
    rows = as_user(school["learner"]).get("/api/v1/me/classes/").json()["results"]
    assert [(r["id"], r["teacher"]) for r in rows] == [(school["klass"].pk, school["teacher"].username)]
    sees = rows[0]["teacher_sees"]
    assert (sees["progress"], sees["attempts"], sees["overrides"]) == (True, True, False)
    assert [m["id"] for m in sees["modules"]] == [school["modules"][0].pk]


def test_leaving_ends_what_the_teacher_sees(school):
    klass, teacher = school["klass"], as_user(school["teacher"])
    attempt = school["attempts"]["assigned"]
    assert teacher.get(f"/api/v1/attempts/{attempt.pk}/").status_code == 200
    assert as_user(school["learner"]).delete(f"/api/v1/me/classes/{klass.pk}/").status_code == 204
    assert teacher.get(f"/api/v1/attempts/{attempt.pk}/").status_code == 404
    assert teacher.get(f"/api/v1/classes/{klass.pk}/progress/").json()["students"] == []
    assert teacher.get(f"/api/v1/classes/{klass.pk}/replies/").json()["count"] == 0
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CLASS_LEFT, actor=school["learner"]).exists()


def test_leaving_a_class_one_is_not_in_is_a_404(school):
    other = as_user(school["teacher"]).post("/api/v1/classes/", {"name": "10A"}, format="json").json()
    response = as_user(school["learner"]).delete(f"/api/v1/me/classes/{other['id']}/")
    assert response.status_code == 404
    assert ClassMembership.objects.filter(student=school["learner"]).count() == 1


def test_joining_by_code_is_audited(school):
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CLASS_JOINED, actor=school["learner"],
                                     target_id=str(school["klass"].pk)).exists()
