"""Teachers start unverified; academy staff or an admin verify them through a request (audited)."""
from accounts.models import AuditEvent, Role
from courses.models import TeacherVerification

from ..conftest import as_user, signed_in
from ..factories import make_user


def ask(teacher, school="Lycée Jean Monnet"):
    return as_user(teacher).post("/api/v1/me/teacher-verification/", {"school": school, "note": "Civics"},
                                 format="json")


def test_a_new_teacher_is_unverified(teacher):
    assert as_user(teacher).get("/api/v1/me/teacher-verification/").json() == {"id": None, "state": "none"}


def test_a_request_waits_and_is_listed_for_staff(teacher, staff):
    assert ask(teacher).json()["state"] == "pending"
    rows = as_user(staff).get("/api/v1/teacher-verifications/").json()["results"]
    assert [(r["teacher"], r["school"], r["state"]) for r in rows] == [(teacher.username, "Lycée Jean Monnet",
                                                                       "pending")]
    assert "email" not in rows[0]


def test_a_second_request_while_pending_is_a_conflict(teacher):
    ask(teacher)
    assert ask(teacher).status_code == 409
    assert TeacherVerification.objects.count() == 1


def test_staff_approve_and_it_is_audited(teacher, staff):
    row_id = ask(teacher).json()["id"]
    response = as_user(staff).post(f"/api/v1/teacher-verifications/{row_id}/approve/", {}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "verified"
    assert as_user(teacher).get("/api/v1/me/teacher-verification/").json()["state"] == "verified"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.TEACHER_VERIFIED, actor=staff).exists()


def test_a_rejected_teacher_may_ask_again(teacher, staff):
    row_id = ask(teacher).json()["id"]
    as_user(staff).post(f"/api/v1/teacher-verifications/{row_id}/reject/", {"note": "Unknown school"}, format="json")
    assert as_user(teacher).get("/api/v1/me/teacher-verification/").json()["state"] == "rejected"
    assert ask(teacher).status_code == 202


def test_teachers_and_learners_cannot_decide(teacher):
    row_id = ask(teacher).json()["id"]
    for actor in (make_user(Role.TEACHER), make_user(Role.STUDENT), teacher):
        assert as_user(actor).post(f"/api/v1/teacher-verifications/{row_id}/approve/").status_code == 403
    assert TeacherVerification.objects.get().state == "pending"


def test_a_deciding_twice_is_a_conflict(teacher, staff):
    row_id = ask(teacher).json()["id"]
    as_user(staff).post(f"/api/v1/teacher-verifications/{row_id}/approve/")
    assert as_user(staff).post(f"/api/v1/teacher-verifications/{row_id}/reject/").status_code == 409


def test_leaving_the_teacher_role_ends_the_verification(teacher, staff):
    row_id = ask(teacher).json()["id"]
    as_user(staff).post(f"/api/v1/teacher-verifications/{row_id}/approve/")
    teacher.role = Role.STUDENT
    teacher.save(update_fields=["role"])
    from courses.access import teacher_is_verified

    assert not teacher_is_verified(teacher)


def test_the_site_pages_ask_and_decide(teacher, staff):
    page = signed_in(teacher).post("/teach/verification/", {"school": "Collège Rosa Parks", "note": ""})
    assert page.status_code == 302
    row = TeacherVerification.objects.get()
    listing = signed_in(staff).get("/academy/verifications/").content.decode()
    assert "Collège Rosa Parks" in listing
    signed_in(staff).post(f"/academy/verifications/{row.pk}/approve/", {"note": ""})
    assert TeacherVerification.objects.get().state == "verified"
