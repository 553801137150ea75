"""Who gets into the admins: /cms/ and a sample of its URLs that name the academy's objects, and
/django-admin/, as every actor.

Only the academy's staff (editor, reviewer) and an admin open the academy's objects; staff of
another academy have a CMS of their own but find none of the academy's objects there. Everyone
else is sent to a sign-in door, which sends a signed-in account without access on to the site.
Each cell is one test: the status, or where the redirect goes (`LOGIN`: the admin's sign-in with
a `next`; `SITE`: the site's home, where a sign-in door sends an account that has no business there).
Whoever is refused never sees the object's title, not even after following the redirects. The
full walk of every /cms/ pattern for tenancy is tests/cms/test_tenancy_walk.py; this is the
actor dimension. The last test fails when config/urls.py gains a top-level prefix that no table
(API, site, CMS) has a row for.
"""
import pytest
from django.conf import settings

from .world import ACTORS, SECRET, browser

LOGIN, SITE = "login", "site"

ACADEMY = ("editor", "reviewer")
IN = (*ACADEMY, "admin")


def cells(default, *groups: tuple, **single) -> dict:
    expected = dict.fromkeys(ACTORS, default)
    for status, *actors in groups:
        expected.update(dict.fromkeys(actors, status))
    expected.update(single)
    return expected


def academy_object(other_staff=404) -> dict:
    """One of the academy's objects: its staff and an admin open it; others are sent to sign in."""
    return cells(LOGIN, (200, *IN), other_staff=other_staff)


def admin_only() -> dict:
    """The Django admin: platform admins alone (academy staff work in the CMS)."""
    return cells(LOGIN, admin=200)


class Row:
    def __init__(self, path, expected, marker=SECRET, label=""):
        self.path, self.expected, self.marker, self.label = path, expected, marker, label

    @property
    def name(self) -> str:
        return self.path + (f" {self.label}" if self.label else "")


EXERCISE = "/cms/snippets/assessments/exercise"

TABLE = [
    # the dashboard: every member of staff has one; it names none of the academy's objects
    Row("/cms/", cells(LOGIN, (200, *IN, "other_staff")), marker=None),
    Row("/cms/pages/{draft_page}/edit/", academy_object()),
    Row("/cms/pages/{draft_page}/", academy_object()),
    Row(EXERCISE + "/edit/{secret_exercise}/", academy_object()),
    Row(EXERCISE + "/authoring/{secret_exercise}/", academy_object()),
    Row(EXERCISE + "/download/{secret_exercise}/", academy_object()),  # the document with its answers
    Row(EXERCISE + "/download/{secret_exercise}/?version=1", academy_object(), label="a version"),
    # the question before an approval publishes a lesson: for those who may approve it (editors submit;
    # Wagtail sends them back to the dashboard)
    Row("/cms/pages/{lesson_in_review}/confirm-lesson-approval/{review_step}/",
        cells(LOGIN, (200, "reviewer", "admin"), editor=302, other_staff=404)),
    Row("/cms/images/{image}/", academy_object()),
    Row("/cms/documents/edit/{document}/", academy_object()),
    Row("/django-admin/", admin_only(), marker=None),
    Row("/django-admin/accounts/user/{learner}/change/", admin_only(), marker="{learner_email}"),
    # each academy's LRS and the xAPI statement outbox (records/admin.py): platform admins only
    Row("/django-admin/records/learningrecordstore/", admin_only(), marker=None),
    Row("/django-admin/records/statement/", admin_only(), marker=None),
    # the sign-in doors: a form for those signed out; those signed in go where they may go
    Row("/cms/login/", cells(SITE, (200, "anonymous", "deleted"), (302, *IN, "other_staff")), marker=None),
    Row("/django-admin/login/", cells(SITE, (200, "anonymous", "deleted"), admin=302), marker=None),
    # Wagtail serves a document to whoever has its link: lessons link them for learners
    Row("/documents/{document}/{document_file}", cells(200), marker=None),
    # uploads (images, recordings) likewise, where the web process serves MEDIA_URL itself (config/urls.py)
    *([Row("/media/{image_file}", cells(200), marker=None)] if settings.SERVE_MEDIA else []),
]

# Cells that fail because of the code: (path, actor) -> why. strict: fixing the code fails them.
PROBE_FINDINGS: dict[str, str] = {}
FINDINGS = {(path, "other_staff"): reason for path, reason in PROBE_FINDINGS.items()}


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def fill(template: str, world) -> str:
    return template.format(**world.ids, **world.values)


def table_cells():
    for row in TABLE:
        assert set(row.expected) == set(ACTORS), row.name
        for actor in ACTORS:
            marks = [pytest.mark.xfail(strict=True, reason=FINDINGS[row.path, actor])] \
                if (row.path, actor) in FINDINGS else []
            yield pytest.param(row, actor, marks=marks, id=f"{row.name}-{actor}-{row.expected[actor]}")


@pytest.mark.parametrize("row, actor", list(table_cells()))
def test_admin_url(db, world, row, actor):
    expected, url = row.expected[actor], fill(row.path, world)
    marker = fill(row.marker, world).lower() if row.marker else None

    response = browser(world, actor).get(url)

    location = response.get("Location", "")
    if expected == LOGIN:
        doors = ("/cms/login/?next=", "/django-admin/login/?next=")
        assert response.status_code == 302 and location.startswith(doors), (response.status_code, location)
    elif expected == SITE:
        assert (response.status_code, location) == (302, "/")
    else:
        assert response.status_code == expected, (response.status_code, location)
    if marker and expected == 200:
        assert marker in body_of(response).lower(), "the check can fail: those let in see the title"
    elif marker:
        followed = browser(world, actor).get(url, follow=True)
        assert marker not in body_of(followed).lower(), f"{actor} was shown {marker!r} at {url}"


def probes():
    for row in TABLE:
        if row.path.count("{") and row.expected["other_staff"] != 200:
            yield pytest.param(row, id=row.name)


@pytest.mark.parametrize("row", [
    pytest.param(p.values[0], id=p.id, marks=[pytest.mark.xfail(strict=True, reason=PROBE_FINDINGS[p.values[0].path])]
                 if p.values[0].path in PROBE_FINDINGS else [])
    for p in probes()])
def test_another_academys_object_answers_like_a_missing_one(db, world, row):
    """Staff of another academy cannot tell the academy's object ids from ids that name nothing."""
    client = browser(world, "other_staff")
    probed = client.get(fill(row.path, world))
    missing_ids = {key: 987654321 for key in world.ids}
    missing = client.get(row.path.format(**{**world.values, **world.ids, **missing_ids}))
    def answer(response):  # a sign-in redirect names the URL asked for in `next`
        return response.status_code, response.get("Location", "").split("?")[0]

    assert answer(probed) == answer(missing)


def test_every_top_level_url_prefix_has_a_table():
    """config/urls.py: each top-level prefix is covered by the API, site or CMS table, so a new
    way into the application needs rows before it ships."""
    from config.urls import urlpatterns

    from ..api.test_authorization import TABLE as API_TABLE
    from .test_site_urls import OTHER_TABLE
    from .test_site_urls import TABLE as SITE_TABLE

    paths = [path for _, path, *_ in API_TABLE] + [row.path for row in (*SITE_TABLE, *OTHER_TABLE, *TABLE)]
    uncovered = []
    for pattern in urlpatterns:
        # a regular expression's route (the uploads' `^media/(?P<path>.*)$`) by its literal start
        prefix = "/" + str(pattern.pattern).removeprefix("^").split("(", 1)[0]
        if prefix == "/":
            covered = bool(SITE_TABLE)  # frontend/urls.py: every pattern has a row (test_site_urls)
        else:
            covered = any(path.startswith(prefix) for path in paths)
        if not covered:
            uncovered.append(prefix)
    assert uncovered == []
