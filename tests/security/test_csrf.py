"""CSRF on every session-authenticated write. One row per unsafe API method and per site form: signed
in through the session cookie (a client that enforces CSRF checks, as a browser would be held to),
the write without the token is refused with 403 and changes nothing; with the token it succeeds.
Bearer-token calls carry no cookie a forger could ride on, so they need no token.

A completeness check keeps the API table whole: an unsafe method added to api/urls.py without a
row here fails it."""
import copy
import datetime

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve
from django.utils import timezone

from accounts.models import Role
from accounts.services import email_verification_token
from assessments.models import Attempt
from assessments.services import attempt_override, attempt_start, attempt_submit
from cms.demo import load_negotiations
from courses import services as course_services
from credentials import services as credential_services

from ..factories import (
    PASSING_PATH,
    QUIZ,
    SPEC_SCENARIO,
    course_lessons,
    course_modules,
    import_exercise,
    make_course,
    make_staff,
    make_user,
    verify_teacher,
)

pytestmark = pytest.mark.django_db

PASSWORD = "pw-Secret-123"
UNSAFE = ("post", "put", "patch", "delete")
RIVER = next(doc for doc in load_negotiations() if doc["slug"] == "river-releases")


@pytest.fixture
def world(academy, django_capture_on_commit_callbacks):
    """Everything a write can name: a course whose first lesson embeds a scenario, a practice quiz,
    a class with a student, an assignment, a graded attempt with a reply, one in progress, a failed one."""
    w = {"academy": academy, "staff": make_staff(academy), "teacher": make_user(Role.TEACHER),
         "student": make_user(Role.STUDENT), "other": make_user(Role.STUDENT)}
    w["scenario"] = import_exercise(academy, visibility="practice")
    w["quiz"] = import_exercise(academy, document=QUIZ, visibility="practice")
    w["course"] = make_course(academy, modules=2, lessons=1, exercises_in={(0, 0): [w["scenario"].pk]})
    w["lesson"] = course_lessons(w["course"])[0]
    w["modules"] = course_modules(w["course"])
    w["klass"] = course_services.class_create(teacher=w["teacher"], name="9B")
    course_services.class_join(student=w["student"], join_code=w["klass"].join_code)
    course_services.enrol(learner=w["student"], course=w["course"])
    w["assignment"], _ = course_services.assignment_create(
        actor=w["teacher"], school_class=w["klass"], module_id=w["modules"][0].pk,
        due_at=timezone.now() + datetime.timedelta(days=7))
    with django_capture_on_commit_callbacks(execute=True):
        w["graded"], _ = attempt_submit(exercise=w["scenario"], learner=w["student"], answers={"steps": PASSING_PATH})
        w["failed"], _ = attempt_submit(exercise=w["scenario"], learner=w["other"], answers={"steps": PASSING_PATH},
                                        idempotency_key="to-fail")
    Attempt.objects.filter(pk=w["failed"].pk).update(status=Attempt.Status.FAILED)
    w["open"], _ = attempt_start(exercise=w["scenario"], learner=w["student"])
    w["negotiation"] = import_exercise(academy, document=RIVER, visibility="practice")
    w["negotiating"], _ = attempt_start(exercise=w["negotiation"], learner=w["student"])
    # Grants and consents a write can name: the class's teacher is verified; two learners are invited;
    # another teacher waits for a decision; academy staff reviewed the graded attempt once.
    verify_teacher(w["teacher"], by=w["staff"])
    for key in ("invited", "decliner", "new_teacher", "pending_teacher"):
        w[key] = make_user(Role.TEACHER if key.endswith("teacher") else Role.STUDENT)
    for key, who in (("invitation", "invited"), ("invitation2", "decliner")):
        course_services.invitation_send(actor=w["teacher"], school_class=w["klass"], email=w[who].email)
        w[key] = w["klass"].invitations.get(email=w[who].email)
    w["verification"] = course_services.verification_request(teacher=w["pending_teacher"], school="Collège Camus")
    attempt_override(attempt=w["graded"], actor=w["staff"], overrides={"reply1": {"met": []}}, reason="Vague.")
    w["override_grading"] = w["graded"].gradings.get(kind="override")
    from courses.models import JournalEntry

    w["credential"], _ = credential_services.credential_issue(learner=w["student"], course=w["course"])
    w["journal_entry"] = JournalEntry.objects.create(learner=w["student"], attempt=w["graded"], exercise=w["scenario"],
                                                     differently="Listen longer.", commitment="Ask first.")
    return w


def later(days=10) -> str:
    return (timezone.now() + datetime.timedelta(days=days)).isoformat()


def later_day(days=20) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


# (method, url, actor, body, success statuses); each callable takes the world.
API = [
    ("post", lambda w: "/api/v1/auth/register/", "student",
     lambda w: {"username": "newcomer", "email": "newcomer@example.org", "password": "a-long-Pass-phrase"}, {201}),
    ("post", lambda w: "/api/v1/auth/token/", "student",
     lambda w: {"username": w["student"].username, "password": PASSWORD}, {200}),
    ("post", lambda w: "/api/v1/auth/logout/", "student", lambda w: {}, {204}),
    ("delete", lambda w: "/api/v1/me/", "other", lambda w: {"password": PASSWORD}, {204}),
    ("post", lambda w: "/api/v1/me/password/", "student",
     lambda w: {"old_password": PASSWORD, "new_password": "another-Pass-phrase-7"}, {204}),
    ("post", lambda w: "/api/v1/me/sign-out-everywhere/", "student", lambda w: {}, {204}),
    ("patch", lambda w: "/api/v1/me/notification-preferences/", "student", lambda w: {"due_reminder": False},
     {200}),
    ("post", lambda w: "/api/v1/auth/verify-email/", "student",
     lambda w: {"token": email_verification_token(user=w["student"])}, {204}),
    ("post", lambda w: "/api/v1/auth/verify-email/resend/", "student", lambda w: {"email": w["student"].email}, {202}),
    ("post", lambda w: f"/api/v1/courses/{w['course'].pk}/enrol/", "other", lambda w: {}, {201}),
    ("post", lambda w: f"/api/v1/lessons/{w['lesson'].pk}/complete/", "student", lambda w: {}, {200, 201}),
    ("post", lambda w: "/api/v1/exercises/import/", "staff",
     lambda w: {**copy.deepcopy(SPEC_SCENARIO), "slug": "another-river", "visibility": "practice"}, {201}),
    ("post", lambda w: f"/api/v1/exercises/{w['scenario'].pk}/attempts/", "other",
     lambda w: {"steps": PASSING_PATH}, {202}),
    ("post", lambda w: f"/api/v1/exercises/{w['scenario'].pk}/regrade/", "staff", lambda w: {}, {202}),
    ("post", lambda w: f"/api/v1/attempts/{w['open'].pk}/steps/", "student", lambda w: {"choice": "ask"}, {200}),
    ("post", lambda w: f"/api/v1/attempts/{w['negotiating'].pk}/moves/", "student",
     lambda w: {"type": "offer", "package": {i["id"]: i["options"][0]["id"] for i in RIVER["issues"]}}, {200}),
    ("post", lambda w: f"/api/v1/attempts/{w['graded'].pk}/override/", "teacher",
     lambda w: {"node": "reply1", "met": [], "reason": "The reply names no interest."}, {200}),
    ("post", lambda w: f"/api/v1/attempts/{w['failed'].pk}/retry/", "staff", lambda w: {}, {202}),
    ("post", lambda w: "/api/v1/classes/", "teacher", lambda w: {"name": "10C"}, {201}),
    ("post", lambda w: "/api/v1/classes/join/", "other", lambda w: {"join_code": w["klass"].join_code}, {201}),
    ("patch", lambda w: f"/api/v1/classes/{w['klass'].pk}/", "teacher", lambda w: {"name": "9B (spring)"}, {200}),
    ("post", lambda w: f"/api/v1/classes/{w['klass'].pk}/rotate-code/", "teacher", lambda w: {}, {200}),
    ("post", lambda w: f"/api/v1/classes/{w['klass'].pk}/invitations/", "teacher",
     lambda w: {"email": "someone@example.org"}, {202}),
    ("delete", lambda w: f"/api/v1/classes/{w['klass'].pk}/invitations/{w['invitation'].pk}/", "teacher",
     lambda w: {}, {204}),
    ("post", lambda w: f"/api/v1/classes/{w['klass'].pk}/invitations/bulk/", "teacher",
     lambda w: {"text": "someone@example.org\nsomeone-else@example.org"}, {202}),
    ("post", lambda w: f"/api/v1/invitations/{w['invitation'].pk}/accept/", "invited", lambda w: {}, {201}),
    ("post", lambda w: f"/api/v1/invitations/{w['invitation2'].pk}/decline/", "decliner", lambda w: {}, {204}),
    ("delete", lambda w: f"/api/v1/me/classes/{w['klass'].pk}/", "student", lambda w: {}, {204}),
    ("post", lambda w: "/api/v1/me/teacher-verification/", "new_teacher", lambda w: {"school": "Lycée Hugo"},
     {202}),
    ("post", lambda w: f"/api/v1/teacher-verifications/{w['verification'].pk}/approve/", "staff", lambda w: {},
     {200}),
    ("post", lambda w: f"/api/v1/teacher-verifications/{w['verification'].pk}/reject/", "staff", lambda w: {},
     {200}),
    ("post", lambda w: f"/api/v1/attempts/{w['graded'].pk}/overrides/{w['override_grading'].pk}/reverse/", "staff",
     lambda w: {"reason": "The reply names their interest."}, {200}),
    ("delete", lambda w: f"/api/v1/classes/{w['klass'].pk}/students/{w['student'].pk}/", "teacher",
     lambda w: {}, {204}),
    ("post", lambda w: f"/api/v1/classes/{w['klass'].pk}/assignments/", "teacher",
     lambda w: {"module": w["modules"][1].pk, "due_at": later()}, {201}),
    ("patch", lambda w: f"/api/v1/classes/{w['klass'].pk}/assignments/{w['assignment'].pk}/", "teacher",
     lambda w: {"due_at": later(12)}, {200}),
    ("delete", lambda w: f"/api/v1/classes/{w['klass'].pk}/assignments/{w['assignment'].pk}/", "teacher",
     lambda w: {}, {204}),
    ("post", lambda w: f"/api/v1/classes/{w['klass'].pk}/assignments/{w['assignment'].pk}/extensions/", "teacher",
     lambda w: {"student": w["student"].pk, "due_at": later(14)}, {200, 201}),
    ("post", lambda w: "/api/v1/me/email/", "student", lambda w: {"email": "moved@example.org", "password": PASSWORD},
     {202}),
    # Past the CSRF check the service decides: the overridden attempt failed, so its debrief (and with it the
    # replay and the journal) is locked, a 409; the entry's comment is the class's teacher's to write.
    ("post", lambda w: f"/api/v1/attempts/{w['graded'].pk}/replay/", "student", lambda w: {"node": "open"},
     {201, 409}),
    ("post", lambda w: f"/api/v1/attempts/{w['graded'].pk}/journal/", "student",
     lambda w: {"differently": "Listen longer.", "commitment": "One question first."}, {200, 201, 409}),
    ("post", lambda w: f"/api/v1/journal/{w['journal_entry'].pk}/comments/", "teacher",
     lambda w: {"text": "A good commitment."}, {201}),
    ("post", lambda w: "/api/v1/credentials/verify/", "other", lambda w: {"jwt": w["credential"].token}, {200}),
    ("post", lambda w: f"/api/v1/credentials/{w['credential'].public_id}/revoke/", "staff",
     lambda w: {"reason": "Issued by mistake."}, {200}),
]

SITE = [
    ("sign-up", lambda w: "/sign-up/", None,
     lambda w: {"username": "newcomer", "email": "newcomer@example.org", "role": "student",
                "password1": "a-long-Pass-phrase", "password2": "a-long-Pass-phrase"}),
    ("sign-in", lambda w: "/sign-in/", None, lambda w: {"username": w["student"].username, "password": PASSWORD}),
    ("sign-out", lambda w: "/sign-out/", "student", lambda w: {}),
    ("language", lambda w: "/i18n/setlang/", "student", lambda w: {"language": "fr", "next": "/courses/"}),
    ("enrol", lambda w: f"/courses/{w['course'].pk}/enrol/", "other", lambda w: {}),
    ("lesson read", lambda w: f"/lessons/{w['lesson'].pk}/read/", "student", lambda w: {}),
    ("quiz", lambda w: f"/exercises/{w['quiz'].pk}/submit/", "student",
     lambda w: {"q-q1": "b", "q-q2": "batna", "idempotency_key": "form-1"}),
    ("negotiation move", lambda w: f"/exercises/{w['negotiation'].pk}/negotiate/", "student",
     lambda w: {"move": "walk_away"}),
    ("join", lambda w: "/classes/join/", "other", lambda w: {"join_code": w["klass"].join_code}),
    ("new class", lambda w: "/teach/", "teacher", lambda w: {"name": "10C"}),
    ("rotate code", lambda w: f"/teach/classes/{w['klass'].pk}/rotate-code/", "teacher", lambda w: {}),
    ("invite", lambda w: f"/teach/classes/{w['klass'].pk}/invitations/", "teacher",
     lambda w: {"email": "someone@example.org"}),
    ("invite a list", lambda w: f"/teach/classes/{w['klass'].pk}/invitations/bulk/send/", "teacher",
     lambda w: {"addresses": "someone@example.org\nsomeone-else@example.org"}),
    ("withdraw invitation",
     lambda w: f"/teach/classes/{w['klass'].pk}/invitations/{w['invitation'].pk}/withdraw/", "teacher", lambda w: {}),
    ("accept invitation", lambda w: f"/invitations/{w['invitation'].pk}/accept/", "invited", lambda w: {}),
    ("decline invitation", lambda w: f"/invitations/{w['invitation2'].pk}/decline/", "decliner", lambda w: {}),
    ("leave class", lambda w: f"/me/classes/{w['klass'].pk}/leave/", "student", lambda w: {}),
    ("ask verification", lambda w: "/teach/verification/", "new_teacher", lambda w: {"school": "Lycée Hugo"}),
    ("decide verification", lambda w: f"/academy/verifications/{w['verification'].pk}/approve/", "staff",
     lambda w: {"note": ""}),
    ("reverse override",
     lambda w: f"/attempts/{w['graded'].pk}/reviews/{w['override_grading'].pk}/reverse/", "staff",
     lambda w: {"reason": "The reply names their interest."}),
    ("roster remove", lambda w: f"/teach/classes/{w['klass'].pk}/students/{w['student'].pk}/remove/", "teacher",
     lambda w: {}),
    ("assign", lambda w: f"/teach/classes/{w['klass'].pk}/assignments/", "teacher",
     lambda w: {"module": w["modules"][1].pk, "due": later_day()}),
    ("extend", lambda w: f"/teach/classes/{w['klass'].pk}/assignments/{w['assignment'].pk}/extensions/", "teacher",
     lambda w: {f"ext{w['assignment'].pk}-student": w["student"].pk, f"ext{w['assignment'].pk}-due": later_day()}),
    ("override", lambda w: f"/teach/classes/{w['klass'].pk}/replies/{w['graded'].pk}/override/", "teacher",
     lambda w: {"node": "reply1", "reason": "The reply names no interest."}),
    ("delete account", lambda w: "/account/delete/", "other", lambda w: {"password": PASSWORD, "confirm": "on"}),
    ("change password", lambda w: "/account/password/", "student",
     lambda w: {"old_password": PASSWORD, "new_password1": "another-Pass-phrase-7",
                "new_password2": "another-Pass-phrase-7"}),
    ("sign out everywhere", lambda w: "/account/sign-out-everywhere/", "student", lambda w: {}),
    ("register an LMS", lambda w: "/lti/registrations/", "staff",
     lambda w: {"academy": w["academy"].pk, "school": "Lycée Hugo", "issuer": "https://lms.example",
                "client_id": "c-1", "deployment_ids": "d-1", "auth_login_url": "https://lms.example/auth",
                "token_url": "https://lms.example/token", "jwks_url": "https://lms.example/jwks"}),
]

# Site routes that take cross-site posts by design, each with what protects it instead of the CSRF
# token (the API's own views and the CMS's DRF views enforce CSRF through SessionAuthentication).
CSRF_EXEMPT = {
    "lti/login/": "the LMS's login initiation: writes only a login state of its own, for nobody signed in",
    "lti/launch/": "the LMS's form post: the one-time state bound to this browser's cookie and the signed "
                   "id_token's nonce (tests/lti/test_launch.py, docs/security.md)",
    "unsubscribe/<str:token>/": "RFC 8058 one-click unsubscribe: the signed token in the URL",
}


class _Id:
    pk = 1
    public_id = "00000000-0000-4000-8000-000000000000"


IDS = {key: _Id() for key in ("course", "lesson", "scenario", "open", "graded", "failed", "klass", "student",
                              "assignment", "invitation", "invitation2", "verification",
                              "override_grading", "journal_entry", "negotiating",
                              "credential")}  # stand-ins, to name the routes


def snapshot() -> dict:
    """Every row of the project's own apps and the session count: what a refused write must not touch."""
    rows = {}
    for label in ("accounts", "assessments", "courses", "lti", "credentials"):
        for model in apps.get_app_config(label).get_models():
            rows[model._meta.label] = sorted(map(repr, model.objects.values()))
    rows["sessions"] = apps.get_model("sessions", "Session").objects.count()
    return rows


def session_client(user) -> Client:
    """Signed in through the session cookie, holding a CSRF cookie as any page visit would leave."""
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    client.get("/sign-in/" if user is None else "/courses/")
    assert "csrftoken" in client.cookies
    return client


def api_call(client, method, url, body, token=None):
    headers = {"HTTP_X_CSRFTOKEN": token} if token else {}
    return getattr(client, method)(url, body, content_type="application/json", **headers)


def test_the_table_names_every_unsafe_api_method():
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), pattern

    routes = set()
    for route, pattern in walk(get_resolver().url_patterns):
        view = getattr(pattern.callback, "cls", None)
        if route.startswith("api/v1/") and view is not None:
            routes |= {(method, route) for method in UNSAFE if hasattr(view, method)}
    table = {(method, resolve(url(IDS)).route) for method, url, *_ in API}
    assert routes == table


def test_every_csrf_exempt_site_route_says_what_protects_it():
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), pattern

    exempt = {route for route, pattern in walk(get_resolver().url_patterns)
              if getattr(pattern.callback, "csrf_exempt", False) and not route.startswith(("api/", "cms/"))}
    assert exempt == set(CSRF_EXEMPT)


@pytest.mark.parametrize("method,url,actor,body,ok", API, ids=[f"{m} {u(IDS)}" for m, u, *_ in API])
def test_api_write_through_the_session_needs_the_csrf_token(world, method, url, actor, body, ok):
    client = session_client(world[actor])
    before = snapshot()
    refused = api_call(client, method, url(world), body(world))
    assert refused.status_code == 403, refused.content
    assert "CSRF" in refused.json()["errors"][0]["detail"]
    assert snapshot() == before
    accepted = api_call(client, method, url(world), body(world), token=client.cookies["csrftoken"].value)
    assert accepted.status_code in ok, accepted.content


@pytest.mark.parametrize("name,url,actor,body", SITE, ids=[row[0] for row in SITE])
def test_site_form_needs_the_csrf_token(world, name, url, actor, body):
    client = session_client(world[actor] if actor else None)
    before = snapshot()
    refused = client.post(url(world), body(world))
    assert refused.status_code == 403
    assert snapshot() == before
    accepted = client.post(url(world), {**body(world), "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert accepted.status_code == 302, (accepted.status_code, accepted.content.decode()[:2000])
    assert snapshot() != before or name == "language"


def test_bearer_token_writes_need_no_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    token = client.post("/api/v1/auth/token/", {"username": world["other"].username, "password": PASSWORD},
                        content_type="application/json").json()["token"]
    response = client.post(f"/api/v1/courses/{world['course'].pk}/enrol/", {}, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 201
