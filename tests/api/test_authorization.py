"""Who may call what: one table, every API v1 endpoint, every actor a stranger or an admin can create.

Each cell is one test: the expected status for that actor (tests/authz/world.py makes
them and says who each is). Refusals carry the API error shape and change nothing
(every learning-record, assessment and account table is compared before and after).
The rules the table encodes:

- anyone reads the published catalogue; a learner sees only their own records;
- a teacher sees only their own classes, and of their students' attempts only those at
  exercises of the modules assigned to a class the learner is in; only a *verified*
  teacher changes a grade, and a second account in one's own class changes nothing;
- academy staff act on their academy's exercises and attempts, and decide teachers'
  verification requests; a demoted editor is a student like any other;
- a deleted account's old token gets a 401 wherever it is sent;
- an admin may do everything a role may, but is never verified by asking.

A refused read of another's record is a 404 exactly like a missing id, so ids cannot
be probed; a role that may never call the endpoint gets a 403; no credentials, a 401.
"""
import copy
import re

import pytest

from accounts.models import User
from courses.models import Assignment, ClassMembership, SchoolClass

from ..authz.world import (
    ACTORS,
    PASSWORD,
    api_client,
    snapshot,
    world_fixture,  # noqa: F401  (the module-scoped `world`)
)
from ..conftest import error_codes
from ..factories import PASSING_PATH, SPEC_SCENARIO, later

OUT = ("anonymous", "deleted")  # no valid credentials: nothing, or a revoked token
STUDENTS = ("learner", "other_learner", "demoted_staff")
TEACHERS = ("unverified_teacher", "teacher", "other_verified_teacher", "two_account_teacher")
ACADEMY = ("editor", "reviewer")  # staff of the exercise's academy
STAFF = (*ACADEMY, "other_staff")


# --- cells ---------------------------------------------------------------------------------------


def cells(default: int, *groups: tuple, **single: int) -> dict:
    """`default` for every actor with credentials, 401 for those without; then each group
    `(status, actor, ...)` and each `actor=status`, later ones winning."""
    expected = {**dict.fromkeys(ACTORS, default), **dict.fromkeys(OUT, 401)}
    for status, *actors in groups:
        expected.update(dict.fromkeys(actors, status))
    expected.update(single)
    return expected


def anyone(status: int, **single) -> dict:
    """Open to all; a revoked token is refused even here (it names someone who is gone)."""
    return cells(status, anonymous=status, **single)


def signed_in(status: int, **single) -> dict:
    return cells(status, **single)


def teachers(status: int) -> dict:
    return cells(403, (status, *TEACHERS, "admin"))


def class_owner(status: int) -> dict:
    """The teacher's class and everything under it: its teacher, an admin; other teachers probe (404)."""
    return cells(403, (404, *TEACHERS), teacher=status, admin=status)


def academy_staff(status: int) -> dict:
    """Staff-only endpoints on the academy's exercise: staff of another academy probe (404)."""
    return cells(403, (status, *ACADEMY, "admin"), other_staff=404)


def enrolled(status: int) -> dict:
    """Who may attempt the course's exercise: learners enrolled in the course (the learner by choice,
    the other learner through their class's assignment), and the academy's staff and admin (preview)."""
    return cells(404, (status, "learner", "other_learner", *ACADEMY, "admin"))


def attempt_readers(status: int) -> dict:
    """The learner's attempt: the learner; the teachers of both classes they are in that were assigned
    the exercise's module (verified or not); the academy's staff; an admin."""
    return cells(404, (status, "learner", "teacher", "unverified_teacher", *ACADEMY, "admin"))


def alt_attempt_readers(status: int) -> dict:
    """The attempt of the two-account teacher's student account: its class's teacher, staff, admin."""
    return cells(404, (status, "two_account_teacher", *ACADEMY, "admin"))


def students(status: int, **single) -> dict:
    return cells(403, (status, *STUDENTS), **single)


def deciders(status: int) -> dict:
    """Teachers' verification requests: staff of any academy, an admin."""
    return cells(403, (status, *STAFF, "admin"))


def body(value):
    return lambda w, actor: value


SCENARIO_COPY = {**copy.deepcopy(SPEC_SCENARIO), "slug": "authz-import", "visibility": "practice"}
REVIEW = {"node": "reply1", "met": ["interest"], "avoided": [], "reason": "Quoting them, not blaming."}

# (method, path template, label, body builder, expected status per actor)
TABLE = [
    ("GET", "/api/v1/health/", "", None, anyone(200, deleted=200)),  # reads no credentials at all
    ("GET", "/api/v1/health/live/", "", None, anyone(200, deleted=200)),  # probes too: no credentials read
    ("GET", "/api/v1/health/ready/", "", None, anyone(200, deleted=200)),
    ("GET", "/api/v1/schema/", "", None, anyone(200, deleted=200)),  # public documents: no credentials read
    ("GET", "/api/v1/docs/", "", None, anyone(200, deleted=200)),
    # accounts
    ("POST", "/api/v1/auth/register/", "", lambda w, actor: {
        "username": f"new-{actor}", "email": f"new-{actor}@example.org", "password": "pw-Secret-456"},
     anyone(201)),
    ("POST", "/api/v1/auth/token/", "", lambda w, actor: {
        "username": w.values["learner_username"], "password": PASSWORD}, anyone(200)),
    ("POST", "/api/v1/auth/logout/", "", None, signed_in(204)),
    # the mailed link's token is the credential, whoever sends it
    ("POST", "/api/v1/auth/verify-email/", "", lambda w, actor: {"token": w.values["email_token"]}, anyone(204)),
    ("POST", "/api/v1/auth/verify-email/resend/", "", lambda w, actor: {"email": w.values["learner_email"]},
     anyone(202)),
    ("POST", "/api/v1/me/password/", "", body({"old_password": PASSWORD, "new_password": "pw-Newer-456"}),
     signed_in(204)),
    # each person changes only their own address: the path names no one
    ("POST", "/api/v1/me/email/", "", lambda w, actor: {"email": f"moved-{actor}@example.org", "password": PASSWORD},
     signed_in(202)),
    ("POST", "/api/v1/me/sign-out-everywhere/", "", None, signed_in(204)),
    ("GET", "/api/v1/me/", "", None, signed_in(200)),
    # managed accounts close through an admin; the demoted editor is a student now and may
    ("DELETE", "/api/v1/me/", "", body({"password": PASSWORD}), signed_in(204, editor=403, reviewer=403,
                                                                          other_staff=403, admin=403)),
    ("GET", "/api/v1/me/export/", "", None, signed_in(200)),
    # each person reads and changes only their own: the path names no one
    ("GET", "/api/v1/me/notification-preferences/", "", None, signed_in(200)),
    ("PATCH", "/api/v1/me/notification-preferences/", "", body({"due_reminder": False, "language": "fr"}),
     signed_in(200)),
    ("GET", "/api/v1/me/progress/", "", None, signed_in(200)),
    ("GET", "/api/v1/me/competencies/", "", None, signed_in(200)),
    # Open Badges: each learner lists and downloads only their own (anyone else's is a missing one); the
    # academy's keys, issuer profile and status list, and the check of a shared badge, are public documents
    # that read no credentials (a stale token too gets them); checking a posted JWT is open to anyone, a
    # revoked token refused as on the catalogue (it reads the session, so a session post needs CSRF's token);
    # revoking is the issuing academy's staff's
    ("GET", "/api/v1/me/credentials/", "", None, signed_in(200)),
    ("GET", "/api/v1/me/credentials/{credential}/", "", None, cells(404, learner=200)),
    ("GET", "/api/v1/credentials/{credential}/verify/", "", None, anyone(200, deleted=200)),
    ("POST", "/api/v1/credentials/verify/", "", lambda w, actor: {"jwt": w.values["credential_jwt"]},
     anyone(200)),
    ("POST", "/api/v1/credentials/{credential}/revoke/", "", body({"reason": "Issued by mistake."}),
     academy_staff(200)),
    ("GET", "/api/v1/academies/{issuer_slug}/jwks/", "", None, anyone(200, deleted=200)),
    ("GET", "/api/v1/academies/{issuer_slug}/issuer/", "", None, anyone(200, deleted=200)),
    ("GET", "/api/v1/academies/{issuer_slug}/status-list/", "", None, anyone(200, deleted=200)),
    # each member of staff reads the audit log of their own academies: a list, so no one probes
    ("GET", "/api/v1/audit/", "", None, cells(403, (200, *STAFF, "admin"))),
    # catalogue and progress
    ("GET", "/api/v1/courses/", "", None, anyone(200)),
    ("GET", "/api/v1/courses/{course}/", "", None, anyone(200)),
    ("POST", "/api/v1/courses/{course}/enrol/", "", None, signed_in(201, learner=200, other_learner=200)),
    ("GET", "/api/v1/courses/{course}/progress/", "", None, cells(403, (200, "learner", "other_learner"))),
    ("GET", "/api/v1/lessons/{lesson}/", "", None, anyone(200)),
    ("POST", "/api/v1/lessons/{lesson}/complete/", "", None,
     cells(403, (201, "learner", "other_learner"))),
    ("GET", "/api/v1/search/?q=Course", "", None, anyone(200)),
    # exercises and attempts
    ("POST", "/api/v1/exercises/import/", "", body(SCENARIO_COPY), cells(403, (201, *STAFF, "admin"))),
    ("GET", "/api/v1/exercises/{exercise}/", "", None, enrolled(200)),
    ("GET", "/api/v1/exercises/{exercise}/export/", "", None, academy_staff(200)),
    ("GET", "/api/v1/exercises/{exercise}/attempts/", "", None, enrolled(200)),
    ("POST", "/api/v1/exercises/{exercise}/attempts/", "start", None, enrolled(201)),
    ("POST", "/api/v1/exercises/{exercise}/attempts/", "whole path", body({"steps": PASSING_PATH}), enrolled(202)),
    ("POST", "/api/v1/exercises/{exercise}/regrade/", "", None, academy_staff(202)),
    # a negotiation embedded in the course: the same doors as the scenario, and moves in the learner's own
    # attempt only (teachers and staff read it, as any attempt; nobody else moves in it: 404)
    ("GET", "/api/v1/exercises/{negotiation}/", "negotiation", None, enrolled(200)),
    ("POST", "/api/v1/exercises/{negotiation}/attempts/", "start a negotiation", None, enrolled(201)),
    ("GET", "/api/v1/attempts/{negotiation_attempt}/", "negotiation", None, attempt_readers(200)),
    ("POST", "/api/v1/attempts/{negotiation_attempt}/moves/", "", body({"type": "walk_away"}),
     cells(404, learner=200)),
    # statistics: over all attempts, the academy's staff (teachers and other staff probe: 404); over a
    # class's, whoever manages the class (a teacher of another class, the academy's staff probe: 404)
    ("GET", "/api/v1/exercises/{exercise}/statistics/", "", None,
     cells(403, (200, *ACADEMY, "admin"), (404, *TEACHERS, "other_staff"))),
    ("GET", "/api/v1/exercises/{quiz}/statistics/", "quiz", None,
     cells(403, (200, *ACADEMY, "admin"), (404, *TEACHERS, "other_staff"))),
    ("GET", "/api/v1/exercises/{exercise}/statistics/?class={class}", "a class", None,
     cells(403, (404, *TEACHERS, *STAFF), teacher=200, admin=200)),
    ("GET", "/api/v1/exercises/{exercise}/statistics/?class={other_class}", "another class", None,
     cells(403, (404, *TEACHERS, *STAFF), other_verified_teacher=200, admin=200)),
    ("GET", "/api/v1/regrades/{batch}/", "", None, academy_staff(200)),
    ("GET", "/api/v1/attempts/{attempt}/", "", None, attempt_readers(200)),
    ("POST", "/api/v1/attempts/{open_attempt}/steps/", "", body({"choice": "ask"}), cells(404, learner=200)),
    # a grade changes by the academy's staff, or a verified teacher of the learner's class: the unverified
    # teacher reads the attempt but may not change it; roles that never review get a 403
    ("POST", "/api/v1/attempts/{attempt}/override/", "", body(REVIEW),
     {**attempt_readers(200), **dict.fromkeys(STUDENTS, 403), "unverified_teacher": 403}),
    ("GET", "/api/v1/attempts/{alt_attempt}/", "two accounts", None, alt_attempt_readers(200)),
    # the stranger's trick: a teacher's own second account in their class; still not verified
    ("POST", "/api/v1/attempts/{alt_attempt}/override/", "two accounts", body(REVIEW),
     {**alt_attempt_readers(200), **dict.fromkeys(STUDENTS, 403), "two_account_teacher": 403}),
    # undoing the teacher's override is the academy's staff's alone
    ("POST", "/api/v1/attempts/{attempt}/overrides/{override}/reverse/", "", body({"reason": "No interest named."}),
     academy_staff(200)),
    ("GET", "/api/v1/attempts/{attempt}/history/", "", None, attempt_readers(200)),
    # a "what if" replay: the attempt's own learner only (here 409: that attempt failed with attempts left, so its
    # debrief is locked; tests/api/test_replays.py plays the 201); teachers, staff, strangers probe (404)
    ("POST", "/api/v1/attempts/{attempt}/replay/", "", body({"node": "open"}), cells(404, learner=409)),
    # the reflection journal: the learner's own attempt (409 to write: that attempt's debrief is locked; the
    # journal tests write one), their own journal; a class's entries for its own teacher alone (an admin too
    # probes); comments by the teachers of the classes that share the entry (the teacher, the unverified one)
    ("GET", "/api/v1/attempts/{attempt}/journal/", "", None, cells(404, learner=200)),
    ("POST", "/api/v1/attempts/{attempt}/journal/", "",
     body({"differently": "Listen longer.", "commitment": "One question first."}), cells(404, learner=409)),
    ("GET", "/api/v1/me/journal/", "", None, signed_in(200)),
    ("GET", "/api/v1/classes/{class}/journal/", "", None, cells(403, (404, *TEACHERS, "admin"), teacher=200)),
    ("POST", "/api/v1/journal/{journal_entry}/comments/", "", body({"text": "A good commitment."}),
     cells(403, (404, *TEACHERS, "admin"), teacher=201, unverified_teacher=201)),
    # the debrief: whoever reads the attempt, once it is graded and the exercise passed (or every attempt
    # used); before that a 409 for them, and a stranger who signed up probes (404) as for the attempt itself
    ("GET", "/api/v1/attempts/{passed_attempt}/debrief/", "passed", None, alt_attempt_readers(200)),
    ("GET", "/api/v1/attempts/{alt_attempt}/debrief/", "passed later", None, alt_attempt_readers(200)),
    ("GET", "/api/v1/attempts/{attempt}/debrief/", "graded, not passed", None, attempt_readers(409)),
    ("GET", "/api/v1/attempts/{open_attempt}/debrief/", "not graded yet", None, attempt_readers(409)),
    ("POST", "/api/v1/attempts/{failed_attempt}/retry/", "", None, academy_staff(202)),
    # classes
    ("GET", "/api/v1/classes/", "", None, teachers(200)),
    ("POST", "/api/v1/classes/", "", body({"name": "10A"}), teachers(201)),
    # only students join; the demoted editor is one now
    ("POST", "/api/v1/classes/join/", "", lambda w, actor: {"join_code": w.values["join_code"]},
     students(201, learner=200)),
    ("GET", "/api/v1/classes/{class}/", "", None, class_owner(200)),
    ("PATCH", "/api/v1/classes/{class}/", "rename", body({"name": "9B (renamed)"}), class_owner(200)),
    ("PATCH", "/api/v1/classes/{class}/", "archive", body({"archived": True}), class_owner(200)),
    ("POST", "/api/v1/classes/{class}/rotate-code/", "", None, class_owner(200)),
    ("GET", "/api/v1/classes/{class}/students/", "", None, class_owner(200)),
    ("DELETE", "/api/v1/classes/{class}/students/{learner}/", "", None, class_owner(204)),
    ("GET", "/api/v1/classes/{class}/assignments/", "", None, class_owner(200)),
    ("POST", "/api/v1/classes/{class}/assignments/", "",
     lambda w, actor: {"module": w.values["other_module"], "due_at": later(14).isoformat()}, class_owner(201)),
    ("PATCH", "/api/v1/classes/{class}/assignments/{assignment}/", "",
     lambda w, actor: {"due_at": later(10).isoformat()}, class_owner(200)),
    ("DELETE", "/api/v1/classes/{class}/assignments/{assignment}/", "", None, class_owner(204)),
    ("POST", "/api/v1/classes/{class}/assignments/{assignment}/extensions/", "",
     lambda w, actor: {"student": w.ids["learner"], "due_at": later(21).isoformat()}, class_owner(200)),
    ("GET", "/api/v1/classes/{class}/progress/", "", None, class_owner(200)),
    ("GET", "/api/v1/classes/{class}/progress.csv", "", None, class_owner(200)),
    ("GET", "/api/v1/classes/{class}/at-risk/", "", None, class_owner(200)),
    ("GET", "/api/v1/classes/{class}/replies/", "", None, class_owner(200)),
    # invitations: the teacher sends, only the invited address's owner answers
    ("GET", "/api/v1/classes/{class}/invitations/", "", None, class_owner(200)),
    ("POST", "/api/v1/classes/{class}/invitations/", "", body({"email": "someone@example.org"}), class_owner(202)),
    ("DELETE", "/api/v1/classes/{class}/invitations/{invitation}/", "", None, class_owner(204)),
    # a file of addresses, as the single invitation: the dry run writes nothing, the send invitations only
    ("POST", "/api/v1/classes/{class}/invitations/bulk/", "dry run",
     body({"text": "someone@example.org\nother@example.org", "dry_run": True}), class_owner(200)),
    ("POST", "/api/v1/classes/{class}/invitations/bulk/", "send",
     body({"text": "email\nsomeone@example.org\nother_learner@example.org"}), class_owner(202)),
    ("GET", "/api/v1/me/invitations/", "", None, signed_in(200)),
    ("POST", "/api/v1/invitations/{invitation}/accept/", "", None, signed_in(404, other_learner=201)),
    ("POST", "/api/v1/invitations/{invitation}/decline/", "", None, signed_in(404, other_learner=204)),
    # my classes: a student's own; leaving one they are not in is a missing class
    ("GET", "/api/v1/me/classes/", "", None, students(200)),
    ("DELETE", "/api/v1/me/classes/{class}/", "", None, students(404, learner=204)),
    # teachers' verification: asked by a teacher who is neither verified nor waiting, decided by staff
    ("GET", "/api/v1/me/teacher-verification/", "", None, teachers(200)),
    ("POST", "/api/v1/me/teacher-verification/", "", body({"school": "Collège Victor Hugo", "note": ""}),
     cells(403, (409, *TEACHERS), unverified_teacher=202)),
    ("GET", "/api/v1/teacher-verifications/", "", None, deciders(200)),
    ("POST", "/api/v1/teacher-verifications/{verification}/approve/", "", body({"note": ""}), deciders(200)),
    ("POST", "/api/v1/teacher-verifications/{verification}/reject/", "", body({"note": ""}), deciders(200)),
]


# Cells that fail because of the code, not the table: the expectation is right, the answer is not yet.
# Keyed by (method, path, label); the value names the actors and why. strict: fixing the code fails them.
FINDINGS: dict = {}

# The schema and its docs page answer in their own formats (OpenAPI, HTML), refusals too.
NOT_JSON = ("/api/v1/schema/", "/api/v1/docs/")


def endpoint(method, path, label) -> str:
    return f"{method} {path}" + (f" {label}" if label else "")


def table_cells():
    for method, path, label, make_body, expected in TABLE:
        assert set(expected) == set(ACTORS), endpoint(method, path, label)
        failing, reason = FINDINGS.get((method, path, label), ((), ""))
        for actor in ACTORS:
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if actor in failing else []
            yield pytest.param(method, path, make_body, actor, expected[actor], marks=marks,
                               id=f"{endpoint(method, path, label)}-{actor}-{expected[actor]}")


def call(world, actor, method, path, make_body, ids=None):
    data = make_body(world, actor) if make_body else None
    url = path.format(**(ids or world.ids))
    return getattr(api_client(world, actor), method.lower())(url, data, format="json")


@pytest.mark.parametrize("method, path, make_body, actor, expected", list(table_cells()))
def test_access(db, world, method, path, make_body, actor, expected):
    before = snapshot() if expected >= 400 else None

    response = call(world, actor, method, path, make_body)

    assert response.status_code == expected, (response.status_code, response.content[:500])
    if expected >= 400:
        if path not in NOT_JSON:
            assert error_codes(response), response.json()
        assert snapshot() == before, "a refused request changed something"
    if actor == "deleted":
        assert b"gone-learner" not in response.content


def probes():
    for method, path, label, make_body, expected in TABLE:
        actor = next((a for a in ACTORS if expected[a] == 404), None)
        if actor is not None:
            yield pytest.param(method, path, make_body, actor, id=f"{endpoint(method, path, label)}-{actor}")


@pytest.mark.parametrize("method, path, make_body, actor", list(probes()))
def test_anothers_record_answers_exactly_like_a_missing_one(db, world, method, path, make_body, actor):
    """Nothing in a refusal tells whether the id exists: same status, same body."""
    probed = call(world, actor, method, path, make_body)
    missing = call(world, actor, method, path, make_body, ids=dict.fromkeys(world.ids, 987654321))
    assert (probed.status_code, probed.json()) == (missing.status_code, missing.json()) == (404, probed.json())


def test_the_table_covers_every_api_route_and_method():
    """A new endpoint or method cannot slip in without a row: every route in api/urls.py has one per method."""
    from api.urls import urlpatterns

    def shape(path):
        return re.sub(r"\{[^}]+\}", "{}", re.sub(r"<[^>]+>", "{}", path).split("?")[0])

    routed = set()
    for pattern in urlpatterns:
        route = str(pattern.pattern)
        view = getattr(pattern.callback, "view_class", None)
        if route.startswith("^") or view is None:
            continue  # the JSON 404 catch-all
        for method in ("get", "post", "put", "patch", "delete"):
            if hasattr(view, method):
                routed.add((method.upper(), shape("/api/v1/" + route)))
    covered = {(method, shape(path)) for method, path, *_ in TABLE}
    assert routed - covered == set()


def test_every_actor_is_who_the_table_says(db, world):
    """The actors were made through the doors people have; check the standing each ended with."""
    from courses import access

    user = {name: User.objects.get(pk=u.pk) for name, u in world.users.items()}
    assert [access.teacher_is_verified(user[n]) for n in TEACHERS] == [False, True, True, False]
    assert access.is_student(user["demoted_staff"]) and not user["demoted_staff"].groups.exists()
    assert not user["demoted_staff"].academy_memberships.exists()
    assert user["deleted"].anonymised_at is not None and not user["deleted"].is_active
    assert user["admin"].is_superuser and access.is_platform_admin(user["admin"])
    assert ClassMembership.objects.filter(student=user["learner"]).count() == 2
    alt_attempt = world.ids["alt_attempt"]
    assert SchoolClass.objects.filter(teacher=user["two_account_teacher"],
                                      memberships__student__attempts__pk=alt_attempt).exists()


def test_another_teachers_class_list_and_others_records_stay_out_of_lists(db, world):
    """Lists filter by owner: 200 for everyone who may list, but never with others' rows."""
    other_teacher = api_client(world, "other_verified_teacher").get("/api/v1/classes/").json()
    assert world.ids["class"] not in [c["id"] for c in other_teacher["results"]]
    assert api_client(world, "teacher").get("/api/v1/classes/").json()["count"] == 1
    staff_attempts = api_client(world, "editor").get(f"/api/v1/exercises/{world.ids['exercise']}/attempts/")
    assert staff_attempts.json()["count"] == 0  # their own (none), not the learner's
    assert api_client(world, "demoted_staff").get("/api/v1/me/progress/").json()["count"] == 0
    assert api_client(world, "learner").get("/api/v1/me/progress/").json()["count"] == 1


def test_a_refused_write_by_another_teacher_leaves_the_class_as_it_was(db, world):
    """The snapshot the table compares would show these; this names them for a reader."""
    klass = SchoolClass.objects.get(pk=world.ids["class"])
    intruder = api_client(world, "other_verified_teacher")
    assert intruder.post(f"/api/v1/classes/{klass.pk}/rotate-code/").status_code == 404
    assert intruder.patch(f"/api/v1/classes/{klass.pk}/", {"archived": True}, format="json").status_code == 404
    assert intruder.delete(f"/api/v1/classes/{klass.pk}/students/{world.ids['learner']}/").status_code == 404
    klass.refresh_from_db()
    assert (klass.join_code, klass.archived_at) == (world.values["join_code"], None)
    assert ClassMembership.objects.filter(school_class=klass, student_id=world.ids["learner"]).exists()
    assert Assignment.objects.get(pk=world.ids["assignment"]).due_at > later(6)
