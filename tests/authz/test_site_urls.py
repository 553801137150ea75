"""Who may open which page of the site: every URL pattern of frontend/urls.py, as every actor.

Each cell is one test: the status the actor gets (200, 400 for a refused form, 403, 404,
405), `SIGN_IN` for the redirect to the sign-in page that a page needing an account gives,
or 302 for any other redirect (a form that did its work, or said why not and went back).
A GET is sent to every pattern; a pattern that answers only POST gets a POST row too, with
the body its form sends. A POST leaves every record as it was unless the row names the actor
among its `writers` (by default, those who get a 302), and a refusal never shows the learner's
name or the class's join code. A test fails when a pattern has no row.

The deleted actor's browser still sends the session it had before deleting the account:
it is signed out, like anyone else with no account.
"""
import re

import pytest
from django.urls import URLPattern, resolve

from .world import ACTORS, PASSWORD, browser, snapshot

SIGN_IN = "sign-in"

OUT = ("anonymous", "deleted")
STUDENTS = ("learner", "other_learner", "demoted_staff")
TEACHERS = ("unverified_teacher", "teacher", "other_verified_teacher", "two_account_teacher")
ACADEMY = ("editor", "reviewer")
STAFF = (*ACADEMY, "other_staff")
SIGNED_IN = tuple(a for a in ACTORS if a not in OUT)


def cells(default, *groups: tuple, out=SIGN_IN, **single) -> dict:
    """`default` for every actor with an account, `out` for those without; then each group
    `(status, actor, ...)` and each `actor=status`, later ones winning."""
    expected = {**dict.fromkeys(ACTORS, default), **dict.fromkeys(OUT, out)}
    for status, *actors in groups:
        expected.update(dict.fromkeys(actors, status))
    expected.update(single)
    return expected


def public(status=200) -> dict:
    return dict.fromkeys(ACTORS, status)


def post_only() -> dict:
    """A GET of a POST-only page: 405 before anything else is asked."""
    return dict.fromkeys(ACTORS, 405)


def teachers(status) -> dict:
    return cells(403, (status, *TEACHERS, "admin"))


def class_owner(status, owner="teacher") -> dict:
    """A class's pages: its teacher and an admin; other teachers find no such class; others may not teach."""
    return cells(403, (404, *TEACHERS), **{owner: status, "admin": status})


def staff(status) -> dict:
    """Academy staff's pages: staff of any academy and an admin (not a demoted editor)."""
    return cells(403, (status, *STAFF, "admin"))


def students(status, **single) -> dict:
    return cells(403, (status, *STUDENTS), **single)


def enrolled(status) -> dict:
    return cells(404, (status, "learner", "other_learner", *ACADEMY, "admin"))


def attempt_readers(status) -> dict:
    return cells(404, (status, "learner", "teacher", "unverified_teacher", *ACADEMY, "admin"))


def form(**fields):
    return lambda w: {k: v(w) if callable(v) else v for k, v in fields.items()}


def due(w) -> str:
    from ..factories import later

    return later(20).date().isoformat()


REVIEW = {"node": "reply1", "met": ["interest"], "reason": "Names their interest."}


class Row:
    def __init__(self, method, path, expected, data=None, label="", writers=None):
        self.method, self.path, self.expected, self.data, self.label = method, path, expected, data, label
        # Who may change records with this request: by default those it sends on with a 302.
        self.writers = set(writers) if writers is not None else {a for a, s in expected.items() if s == 302}

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}" + (f" {self.label}" if self.label else "")


TABLE = [
    Row("GET", "/", public()),
    Row("GET", "/sign-up/", public()),
    Row("GET", "/sign-in/", public()),
    Row("GET", "/sign-out/", post_only()),
    Row("POST", "/sign-out/", public(302), writers=()),
    Row("GET", "/account/", cells(200)),
    Row("GET", "/account/data.json", cells(200)),
    Row("GET", "/account/delete/", post_only()),
    # managed accounts close through an admin; the demoted editor is a student now
    Row("POST", "/account/delete/", cells(302, (400, *STAFF, "admin")),
        data=form(password=PASSWORD, confirm="on")),
    Row("GET", "/account/password/", cells(302), writers=()),
    Row("POST", "/account/password/", cells(302), data=form(
        old_password=PASSWORD, new_password1="pw-Newer-4567", new_password2="pw-Newer-4567")),
    Row("GET", "/account/email/", cells(302), writers=()),
    Row("POST", "/account/email/", cells(302), data=form(email="a-new-address@example.org", password=PASSWORD)),
    Row("GET", "/account/sign-out-everywhere/", post_only()),
    Row("POST", "/account/sign-out-everywhere/", cells(302)),
    Row("GET", "/account/notifications/", post_only()),
    Row("POST", "/account/notifications/", cells(302), data=form(language="fr", teacher_digest="on")),
    # the mailed link is the credential, whoever follows it: GET asks, POST switches the learner's reminders off
    Row("GET", "/unsubscribe/{unsubscribe_token}/", public()),
    Row("POST", "/unsubscribe/{unsubscribe_token}/", public(), writers=ACTORS),
    # a tampered link changes nothing for anyone, and shows nobody
    Row("GET", "/unsubscribe/{tampered_token}/", public(404), label="tampered"),
    Row("POST", "/unsubscribe/{tampered_token}/", public(404), label="tampered"),
    Row("GET", "/account/verify-email/send/", post_only()),
    Row("POST", "/account/verify-email/send/", cells(302), writers=()),
    Row("GET", "/account/verify-email/", public()),
    # the mailed link is the credential, whoever follows it: it confirms the learner's address
    Row("GET", "/account/verify-email/{email_token}/", public(302)),
    Row("GET", "/account/password-reset/", public()),
    Row("GET", "/account/password-reset/done/", public()),
    Row("GET", "/account/password-reset/{reset_uid}/not-a-token/", public()),  # the "invalid link" page
    Row("GET", "/account/password-reset/complete/", public()),
    # learners
    Row("GET", "/courses/", public()),
    Row("GET", "/courses/{course}/", public()),
    Row("GET", "/courses/{course}/enrol/", post_only()),
    Row("POST", "/courses/{course}/enrol/", cells(302), writers=set(SIGNED_IN) - {"learner", "other_learner"}),
    Row("GET", "/lessons/{lesson}/", public()),
    Row("GET", "/lessons/{lesson}/read/", post_only()),
    # everyone is sent back to the lesson; only the enrolled have it marked read
    Row("POST", "/lessons/{lesson}/read/", cells(302), writers={"learner", "other_learner"}),
    Row("GET", "/lessons/{lesson}/reflections/{reflection_block}/", post_only()),
    # each enrolled learner keeps their own answer (another's stays as it was); everyone else signed in
    # is sent back to the lesson with nothing written
    Row("POST", "/lessons/{lesson}/reflections/{reflection_block}/", cells(302),
        data=form(text="What I would ask next time."), writers={"learner", "other_learner"}),
    Row("GET", "/exercises/{exercise}/", enrolled(200)),
    Row("GET", "/exercises/{negotiation}/", enrolled(200), label="negotiation"),
    Row("GET", "/exercises/{negotiation}/negotiate/", post_only()),
    # the learner's open negotiation: walking away ends it (302 to the attempt); the others enrolled have none
    # under way, so they are sent back with a message and nothing changes
    Row("POST", "/exercises/{negotiation}/negotiate/", enrolled(302), data=form(move="walk_away"),
        writers={"learner"}),
    Row("GET", "/exercises/{quiz}/submit/", post_only()),
    Row("POST", "/exercises/{quiz}/submit/", enrolled(302), data=form(**{"q-q1": "b", "q-q2": "batna"})),
    Row("GET", "/attempts/{attempt}/", attempt_readers(200)),
    # a replay and a reflection: the attempt's own learner only, sent back to the result (that attempt's
    # debrief is locked, so nothing is written); its teachers, staff and strangers find no such attempt
    Row("GET", "/attempts/{attempt}/replay/", post_only()),
    Row("POST", "/attempts/{attempt}/replay/", cells(404, learner=302), data=form(node="open"), writers=set()),
    Row("GET", "/attempts/{attempt}/journal/", post_only()),
    Row("POST", "/attempts/{attempt}/journal/", cells(404, learner=302),
        data=form(differently="Listen longer.", commitment="One question first."), writers=set()),
    Row("GET", "/me/journal/", cells(200)),
    Row("GET", "/me/progress/", cells(200)),
    Row("GET", "/me/competencies/", cells(200)),
    # Open Badges: my list (each sees their own), the downloads of the learner's own badge (anyone else's is a
    # missing one), and the public page that checks a shared badge
    Row("GET", "/me/badges/", cells(200)),
    Row("GET", "/me/badges/{credential}/badge.json", cells(404, learner=200)),
    Row("GET", "/me/badges/{credential}/badge.jwt", cells(404, learner=200)),
    Row("GET", "/me/badges/{credential}/certificate.png", cells(404, learner=200)),
    Row("GET", "/me/badges/{credential}/certificate.pdf", cells(404, learner=200)),
    Row("GET", "/credentials/{credential}/", public()),
    Row("GET", "/classes/join/", cells(200)),
    # only students join (the form says so to others); the learner is in already
    Row("POST", "/classes/join/", students(302) | dict.fromkeys((*TEACHERS, *STAFF, "admin"), 200),
        data=form(join_code=lambda w: w.values["join_code"]), writers={"other_learner", "demoted_staff"}),
    Row("GET", "/me/classes/", students(200)),
    Row("GET", "/me/classes/{class}/leave/", post_only()),
    Row("POST", "/me/classes/{class}/leave/", students(404, learner=302)),
    Row("GET", "/invitations/{invitation}/accept/", post_only()),
    Row("POST", "/invitations/{invitation}/accept/", students(404, other_learner=302)),
    Row("GET", "/invitations/{invitation}/decline/", post_only()),
    Row("POST", "/invitations/{invitation}/decline/", students(404, other_learner=302)),
    # teachers
    Row("GET", "/teach/", teachers(200)),
    Row("POST", "/teach/", teachers(302), data=form(name="10A"), label="new class"),
    Row("GET", "/teach/classes/{class}/", class_owner(200)),
    # GET asks "make a new code?" (a page with the POST form); only the POST changes the code
    Row("GET", "/teach/classes/{class}/rotate-code/", class_owner(200)),
    Row("POST", "/teach/classes/{class}/rotate-code/", class_owner(302)),
    Row("GET", "/teach/classes/{class}/invitations/", post_only()),
    Row("POST", "/teach/classes/{class}/invitations/", class_owner(302), data=form(email="someone@example.org")),
    # a list of addresses: the preview writes nothing; sending makes invitations, as the single form does
    Row("GET", "/teach/classes/{class}/invitations/bulk/", post_only()),
    Row("POST", "/teach/classes/{class}/invitations/bulk/", class_owner(200),
        data=form(text="someone@example.org\nother_learner@example.org"), writers=()),
    Row("GET", "/teach/classes/{class}/invitations/bulk/send/", post_only()),
    Row("POST", "/teach/classes/{class}/invitations/bulk/send/", class_owner(302),
        data=form(addresses="someone@example.org\nsomeone-else@example.org")),
    Row("GET", "/teach/classes/{class}/invitations/{invitation}/withdraw/", post_only()),
    Row("POST", "/teach/classes/{class}/invitations/{invitation}/withdraw/", class_owner(302)),
    Row("GET", "/teach/verification/", teachers(200)),
    # asked by a teacher neither verified nor waiting; the form says why not to the others
    Row("POST", "/teach/verification/", cells(403, (400, *TEACHERS, "admin"), unverified_teacher=302),
        data=form(school="Collège Victor Hugo", note="")),
    Row("GET", "/teach/classes/{class}/students/{learner}/remove/", class_owner(200)),  # asks first
    Row("POST", "/teach/classes/{class}/students/{learner}/remove/", class_owner(302)),
    Row("GET", "/teach/classes/{class}/assignments/", post_only()),
    Row("POST", "/teach/classes/{class}/assignments/", class_owner(302),
        data=form(module=lambda w: w.values["other_module"], due=due)),
    Row("GET", "/teach/classes/{class}/assignments/{assignment}/extensions/", post_only()),
    Row("POST", "/teach/classes/{class}/assignments/{assignment}/extensions/", class_owner(302),
        data=lambda w: {f"ext{w.ids['assignment']}-student": w.ids["learner"],
                        f"ext{w.ids['assignment']}-due": due(w)}),
    Row("GET", "/teach/classes/{class}/assignments/{assignment}/due/", post_only()),
    Row("POST", "/teach/classes/{class}/assignments/{assignment}/due/", class_owner(302),
        data=lambda w: {f"due{w.ids['assignment']}-due": due(w)}),
    Row("GET", "/teach/classes/{class}/assignments/{assignment}/remove/", class_owner(200)),  # asks first
    Row("POST", "/teach/classes/{class}/assignments/{assignment}/remove/", class_owner(302)),
    Row("GET", "/teach/classes/{class}/progress/", class_owner(200)),
    Row("GET", "/teach/classes/{class}/replies/", class_owner(200)),
    # a class's journal: its own teacher alone (an admin who manages every class reads no one's journal)
    Row("GET", "/teach/classes/{class}/journal/", cells(403, (404, *TEACHERS, "admin"), teacher=200)),
    Row("GET", "/teach/classes/{class}/journal/{journal_entry}/comments/", post_only()),
    Row("POST", "/teach/classes/{class}/journal/{journal_entry}/comments/",
        cells(403, (404, *TEACHERS, "admin"), teacher=302), data=form(text="A clear commitment.")),
    # a class's statistics: whoever manages the class (its teacher, an admin), over the class's attempts
    # at the exercises assigned to it (courses.access.may_read_statistics, as the API's ?class=)
    Row("GET", "/teach/classes/{class}/statistics/", class_owner(200)),
    Row("GET", "/teach/classes/{class}/statistics/{exercise}/", class_owner(200)),
    Row("GET", "/teach/classes/{class}/statistics/{exercise}/csv/", class_owner(200)),
    Row("GET", "/teach/classes/{unverified_class}/statistics/{quiz}/", class_owner(200, owner="unverified_teacher"),
        label="quiz, unverified teacher"),
    # an exercise no module of the class holds: its teacher finds no such exercise
    Row("GET", "/teach/classes/{class}/statistics/{secret_exercise}/", cells(403, (404, *TEACHERS, "admin")),
        label="not assigned"),
    Row("GET", "/teach/classes/{class}/replies/{attempt}/override/", post_only()),
    Row("POST", "/teach/classes/{class}/replies/{attempt}/override/", class_owner(302), data=form(**REVIEW)),
    # the unverified teacher's own class: sent back with "ask to be verified", the grade as it was
    Row("POST", "/teach/classes/{unverified_class}/replies/{attempt}/override/",
        class_owner(302, owner="unverified_teacher"), data=form(**REVIEW), writers={"admin"}),
    # the stranger's trick: their own second account in their own class
    Row("POST", "/teach/classes/{alt_class}/replies/{alt_attempt}/override/",
        class_owner(302, owner="two_account_teacher"), data=form(**REVIEW), writers={"admin"}),
    # filing a reply as reviewed changes no score: the class's teacher, verified or not (and an admin)
    Row("GET", "/teach/classes/{class}/replies/{attempt}/reviewed/", post_only()),
    Row("POST", "/teach/classes/{class}/replies/{attempt}/reviewed/", class_owner(302), data=form(node="reply1")),
    Row("POST", "/teach/classes/{unverified_class}/replies/{attempt}/reviewed/",
        class_owner(302, owner="unverified_teacher"), data=form(node="reply1")),
    # academy staff
    Row("GET", "/academy/", staff(200)),
    # an exercise's statistics over all its attempts: its academy's staff (another academy's find none)
    Row("GET", "/academy/exercises/{exercise}/statistics/", staff(200) | {"other_staff": 404}),
    Row("GET", "/academy/exercises/{exercise}/statistics/csv/", staff(200) | {"other_staff": 404}),
    Row("GET", "/academy/exercises/{quiz}/statistics/", staff(200) | {"other_staff": 404}, label="quiz"),
    Row("GET", "/academy/verifications/", staff(200)),
    Row("GET", "/academy/verifications/{verification}/approve/", post_only()),
    Row("POST", "/academy/verifications/{verification}/approve/", staff(302), data=form(note="")),
    Row("POST", "/academy/verifications/{verification}/reject/", staff(302), data=form(note="")),
    Row("GET", "/attempts/{attempt}/reviews/{override}/reverse/", post_only()),
    # readers are sent back to the result; only the academy's staff undo the override
    Row("POST", "/attempts/{attempt}/reviews/{override}/reverse/", attempt_readers(302),
        data=form(reason="No interest named."), writers={*ACADEMY, "admin"}),
]

# Top-level URLs outside frontend/urls.py that the site serves to everyone (config/urls.py).
OTHER_TABLE = [
    Row("POST", "/i18n/setlang/", public(302), data=form(language="fr", next="/"), writers=()),
    # Wagtail's own page serving: the site shows the academies' pages itself, so none of them here
    Row("GET", "/pages/", public()),
    Row("GET", "/pages/{course_path}", public(404)),
    Row("GET", "/pages/{draft_path}", public(404)),
    # Prometheus: the operator's bearer token only, whoever is signed in; without METRICS_TOKEN (here) no
    # such URL (tests/operations/test_metrics.py has the token's side)
    Row("GET", "/metrics", public(404)),
    # LTI (lti/urls.py, docs/lti.md): keys and configurations are public; login and launch are the LMS's
    # cross-site doors, refused here (no platform, no state) without a row written; registrations are
    # for academy staff and admins (courses.access.lti_registrable_academy_ids); linking and the deep
    # linking picker exist only for an LMS-made account and inside a deep linking launch.
    Row("GET", "/lti/jwks.json", public()),
    Row("GET", "/lti/canvas.json", public()),
    Row("GET", "/lti/login/", public(400)),
    Row("POST", "/lti/login/", public(400), data=form(iss="https://lms.example.org", login_hint="x",
                                                      target_link_uri="https://lms.example.org/")),
    Row("GET", "/lti/launch/", post_only()),
    Row("POST", "/lti/launch/", public(403), data=form(state="made-up", id_token="a.b.c")),
    Row("GET", "/lti/registrations/", cells(404, (200, *STAFF, "admin"))),
    Row("POST", "/lti/registrations/", cells(404, (400, *STAFF, "admin")), data=form(issuer="not a url")),
    Row("GET", "/lti/register/", cells(404, (400, *STAFF, "admin"))),
    Row("POST", "/lti/register/", cells(404, (400, *STAFF, "admin")), data=form(openid_configuration="x")),
    Row("GET", "/lti/link/", cells(404)),
    Row("POST", "/lti/link/", cells(404), data=form(username="learner", password=PASSWORD)),
    Row("GET", "/lti/deep-link/", cells(404)),
    Row("POST", "/lti/deep-link/", cells(404), data=form(target="course:1")),
    Row("GET", "/lti/classes/{class}/scores/", cells(404, teacher=200, admin=200)),
    Row("GET", "/lti/classes/{class}/scores/1/retry/", cells(405)),
    Row("POST", "/lti/classes/{class}/scores/1/retry/", cells(404)),
]


def url_of(row, world) -> str:
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    values = {**world.ids, **world.values, "reset_uid": urlsafe_base64_encode(force_bytes(world.ids["learner"]))}
    return row.path.format(**values)


def table_cells(table):
    for row in table:
        assert set(row.expected) == set(ACTORS), row.name
        for actor in ACTORS:
            yield pytest.param(row, actor, id=f"{row.name}-{actor}-{row.expected[actor]}")


def check(world, row, actor):
    expected = row.expected[actor]
    watched = row.method == "POST" and actor not in row.writers
    client = browser(world, actor)  # signing in stamps last_login: before the snapshot
    data = row.data(world) if row.data else {}
    before = snapshot() if watched else None

    response = getattr(client, row.method.lower())(url_of(row, world), data)

    location = response.get("Location", "")
    if expected == SIGN_IN:
        assert (response.status_code, location.split("?")[0]) == (302, "/sign-in/"), (response.status_code, location)
        assert "next=" in location
    else:
        assert response.status_code == expected, (response.status_code, location, response.content[:300])
        if expected == 302:
            assert not location.startswith("/sign-in/?next="), "sent to sign in, not on"
    if watched:
        assert snapshot() == before, f"{actor} changed something with {row.name}"
    if expected in (SIGN_IN, 403, 404, 405):
        body = response.content.decode(errors="replace")
        assert world.values["join_code"] not in body
        assert actor == "learner" or world.values["learner_username"] not in body  # their own name, in the menu


@pytest.mark.parametrize("row, actor", list(table_cells(TABLE)))
def test_page(db, world, row, actor):
    check(world, row, actor)


@pytest.mark.parametrize("row, actor", list(table_cells(OTHER_TABLE)))
def test_other_site_url(db, world, row, actor):
    check(world, row, actor)


CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def site_probes():
    for row in TABLE:
        actor = next((a for a in ACTORS if row.expected[a] == 404), None)
        if actor is not None and "{" in row.path:
            yield pytest.param(row, actor, id=f"{row.name}-{actor}")


@pytest.mark.parametrize("row, actor", list(site_probes()))
def test_anothers_record_answers_exactly_like_a_missing_one(db, world, row, actor):
    """A page refused for another's record is the page of an id that names nothing."""
    client = browser(world, actor)
    data = row.data(world) if row.data else {}
    urls = url_of(row, world), row.path.format(**{**world.values, **dict.fromkeys(world.ids, 987654321)})
    probed, missing = (getattr(client, row.method.lower())(url, data) for url in urls)

    def page(response, url):  # form tokens differ from page to page; the language form names the page
        return response.status_code, CSRF_TOKEN.sub("", response.content.decode(errors="replace").replace(url, ""))

    assert page(probed, urls[0]) == page(missing, urls[1])
    assert probed.status_code == 404


def test_every_site_pattern_has_a_row(db, world):
    """A new page cannot slip in without a row; a POST-only page needs a POST row too."""
    from frontend.urls import urlpatterns

    patterns = {str(p.pattern) for p in urlpatterns if isinstance(p, URLPattern)}
    routed = [(row, resolve(url_of(row, world)).route) for row in TABLE]
    rows = {(row.method, route) for row, route in routed}
    assert {p for p in patterns if ("GET", p) not in rows} == set()
    post_only = {route for row, route in routed if row.method == "GET" and set(row.expected.values()) == {405}}
    assert {p for p in post_only if ("POST", p) not in rows} == set()
    assert {route for _, route in rows} - patterns == set(), "rows for pages that no longer exist"
