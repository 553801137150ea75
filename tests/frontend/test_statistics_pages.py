"""The statistics pages (issue 16, item 4): the academy's staff read an exercise's numbers per version,
a class's teacher the same over the class's attempts; the numbers shown and the CSV are the API's; few
attempts are said plainly; who else asks is refused; the queries do not grow with the attempts. The
whole role/route matrix is tests/authz/test_site_urls.py."""
import csv
import io

import pytest

from assessments import services
from assessments.models import Attempt
from courses import services as course_services

from ..conftest import as_user, signed_in
from ..factories import (
    CRITICAL_PATH,
    PASSING_PATH,
    QUIZ,
    SPEC_PATH,
    SPEC_SCENARIO,
    course_modules,
    import_exercise,
    later,
    make_academy,
    make_course,
    make_staff,
    make_user,
    verify_teacher,
)

pytestmark = pytest.mark.django_db
PATHS = [PASSING_PATH, SPEC_PATH, CRITICAL_PATH]


def graded(exercise, learner, path=None, answers=None):
    attempt, _ = services.attempt_submit(exercise=exercise, learner=learner, answers=answers or {"steps": path})
    services.attempt_grade(attempt_id=attempt.pk)
    return Attempt.objects.get(pk=attempt.pk)


@pytest.fixture
def exercise(academy):
    return import_exercise(academy)


@pytest.fixture
def attempts(exercise):
    return [graded(exercise, make_user(), PATHS[i % 3]) for i in range(12)]


@pytest.fixture
def course(academy, exercise):
    return make_course(academy, modules=1, lessons=1, exercises_in={(0, 0): [exercise.pk]})


@pytest.fixture
def klass(course, teacher, staff):
    """The verified teacher's class, assigned the exercise's module, with two students' graded attempts."""
    verify_teacher(teacher, by=staff)
    school_class = course_services.class_create(teacher=teacher, name="9B")
    course_services.assignment_create(actor=teacher, school_class=school_class,
                                      module_id=course_modules(course)[0].pk, due_at=later(7))
    return school_class


@pytest.fixture
def members(klass, course, exercise):
    people = [make_user() for _ in range(2)]
    for person, path in zip(people, (PASSING_PATH, CRITICAL_PATH), strict=True):
        course_services.enrol(learner=person, course=course)
        course_services.class_join(student=person, join_code=klass.join_code)
        graded(exercise, person, path)
    return people


def staff_url(exercise, rest=""):
    return f"/academy/exercises/{exercise.pk}/statistics/{rest}"


def class_url(klass, exercise, rest=""):
    return f"/teach/classes/{klass.pk}/statistics/{exercise.pk}/{rest}"


def page_of(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def csv_rows(client, url) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def api_report(user, exercise, query=""):
    response = as_user(user).get(f"/api/v1/exercises/{exercise.pk}/statistics/{query}")
    assert response.status_code == 200
    return response.json()


def percent(value) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def signed(value) -> str:
    return "—" if value is None else f"{value:+.2f}".replace("-", "−")


def cells(share, discrimination) -> str:
    """A table row's share and discrimination cells, as the page writes the API's two numbers."""
    return f'<td class="num">{percent(share)}</td><td class="num">{signed(discrimination)}</td>'


# --- the staff's page -------------------------------------------------------------------------


def test_staff_see_the_apis_numbers_in_the_tables(exercise, attempts, staff):
    api = api_report(staff, exercise)
    page = page_of(signed_in(staff), staff_url(exercise))
    assert "12 graded attempts" in page
    opening = api["nodes"][0]
    for choice in opening["choices"]:
        # each choice's row: taken/reached, share and D as the API's numbers, rounded for reading
        assert f'{choice["count"]} / {opening["reached"]}' in page
        assert cells(choice["share"], choice["discrimination"]) in page
    criterion = api["nodes"][1]["criteria"][0]
    assert cells(criterion["share"], criterion["discrimination"]) in page
    assert signed(1.0) == "+1.00" and "+1.00" in page and "−1.00" in page  # ask and threaten, as the API's test
    for node in api["nodes"]:
        assert f'<tr id="node-{node["id"]}">' in page
        assert f'<td class="num">{node["reached"]}</td>' in page


def test_the_heat_overlay_colours_each_node_by_reach_and_says_so_in_text(exercise, attempts, staff):
    page = page_of(signed_in(staff), staff_url(exercise))
    # open: 12 of 12 (darkest), reply1: 8 of 12 (67%: level 3), end_bad: 4 of 12 (33%: level 2)
    assert "12 · 100%" in page and "8 · 67%" in page and "4 · 33%" in page
    assert 'fill="#1e7a46"' in page and 'fill="#9cc3ea"' in page and 'fill="#c2daf2"' in page
    assert "coloured by the share of graded attempts that reached it" in page  # the svg's desc and the caption
    assert 'class="legend"' in page and "75–99%" in page


def test_the_flags_are_explained_in_plain_language(exercise, attempts, staff):
    for _ in range(5):
        services.attempt_start(exercise=exercise, learner=make_user())
    page = page_of(signed_in(staff), staff_url(exercise))
    api = api_report(staff, exercise)
    assert {f["kind"] for f in api["flags"]} == {"reversed", "stops"}
    assert "Discriminates the wrong way" in page and "is taken more by weaker attempts" in page
    assert "Many stop here" in page and "5 attempts in progress stopped at open" in page
    assert "5 attempts are in progress; they stand at:" in page


def test_a_choice_nobody_took_is_flagged(academy, staff):
    exercise = import_exercise(academy)
    for _ in range(3):
        graded(exercise, make_user(), PASSING_PATH)
    page = page_of(signed_in(staff), staff_url(exercise))
    assert "Nobody takes it" in page and "Nobody took “Warn of consequences.” at open" in page


def test_few_attempts_are_said_plainly_and_discrimination_is_left_out(exercise, staff):
    for path in PATHS:
        graded(exercise, make_user(), path)
    page = page_of(signed_in(staff), staff_url(exercise))
    assert "Only 3 graded attempts so far." in page and "at least 10 attempts" in page
    assert '<td class="num">—</td>' in page
    assert "Does not discriminate" not in page and "Discriminates the wrong way" not in page


def test_no_attempt_yet_says_there_is_nothing_to_count(exercise, staff):
    page = page_of(signed_in(staff), staff_url(exercise))
    assert "No graded attempt yet at this version" in page and "0 graded attempts" in page


def test_the_version_selector_lists_each_version_and_reads_an_older_one(exercise, attempts, staff, academy):
    import_exercise(academy, document={**SPEC_SCENARIO, "title": "A river in a dry year (2)"})
    client = signed_in(staff)
    current = page_of(client, staff_url(exercise))
    assert '<option value="2" selected>' in current and '<option value="1">' in current
    assert "0 graded attempts" in current
    older = page_of(client, staff_url(exercise, "?version=1"))
    assert '<option value="1" selected>' in older and "12 graded attempts" in older and "an older version" in older
    assert f'href="{staff_url(exercise, "csv/")}?version=1"' in older


@pytest.mark.parametrize("version", ["7", "abc", "0"])
def test_an_unknown_version_is_a_400_that_says_so(exercise, staff, version):
    response = signed_in(staff).get(staff_url(exercise, f"?version={version}"))
    assert response.status_code == 400 and "This exercise has no such version." in response.content.decode()


def test_the_csv_holds_the_apis_numbers_unrounded(exercise, attempts, staff):
    for _ in range(5):
        services.attempt_start(exercise=exercise, learner=make_user())
    api = api_report(staff, exercise)
    rows = csv_rows(signed_in(staff), staff_url(exercise, "csv/"))
    nodes = {r["node"]: r for r in rows if r["item_kind"] == "node"}
    assert [r["node"] for r in rows if r["item_kind"] == "node"] == [n["id"] for n in api["nodes"]]
    stopped = {s["node"]: s["count"] for s in api["stopped"]}
    for node in api["nodes"]:
        assert int(nodes[node["id"]]["reached"]) == node["reached"]
        assert int(nodes[node["id"]]["stopped"]) == stopped.get(node["id"], 0)
        for key, kind in (("choices", "choice"), ("criteria", "criterion")):
            for item in node.get(key, []):
                row = next(r for r in rows if (r["node"], r["item_kind"], r["item"]) == (node["id"], kind, item["id"]))
                assert int(row["count"]) == item["count"]
                assert float(row["share"]) == item["share"]
                assert (float(row["discrimination"]) if row["discrimination"] else None) == item["discrimination"]
    flagged = {(r["node"], r["item"]): r["flags"] for r in rows if r["flags"]}
    assert flagged == {("open", "threaten"): "reversed", ("open", ""): "stops"}
    assert {int(r["attempts"]) for r in rows} == {api["attempts"]} and {r["version"] for r in rows} == {"1"}


def test_a_quiz_gets_item_analysis_with_the_apis_numbers(academy, staff):
    quiz = import_exercise(academy, document=dict(QUIZ))
    for i in range(11):
        answers = {"q1": ["b"] if i % 2 else ["a"], "q2": "batna" if i % 3 else "no"}
        graded(quiz, make_user(), answers={"answers": answers})
    api = api_report(staff, quiz)
    client = signed_in(staff)
    page = page_of(client, staff_url(quiz))
    assert "Item analysis" in page and "Facility" in page
    for q in api["questions"]:
        assert cells(q["facility"], q["discrimination"]) in page
    rows = csv_rows(client, staff_url(quiz, "csv/"))
    assert [(r["question"], float(r["facility"]), float(r["discrimination"])) for r in rows] == [
        (q["id"], q["facility"], q["discrimination"]) for q in api["questions"]]


def test_the_academy_page_links_no_statistics_for_a_negotiation_which_keeps_none(academy, staff):
    """The page answers 404 for a negotiation (no statistics kept yet): the academy page lists the
    negotiation, with its preview, and no link to it."""
    from cms.demo import load_negotiations

    negotiation = import_exercise(academy, document=load_negotiations()[0])
    page = page_of(signed_in(staff), "/academy/")
    assert f'href="/exercises/{negotiation.pk}/"' in page
    assert staff_url(negotiation) not in page
    assert signed_in(staff).get(staff_url(negotiation)).status_code == 404


def test_the_academy_page_and_the_cms_authoring_screen_link_to_it(exercise, staff):
    assert staff_url(exercise) in page_of(signed_in(staff), "/academy/")
    from django.urls import reverse

    from assessments.models import Exercise

    authoring = reverse(Exercise.snippet_viewset.get_url_name("authoring"), args=[exercise.pk])
    assert staff_url(exercise) in page_of(signed_in(staff), authoring)


# --- the class's teacher ---------------------------------------------------------------------


def test_the_teacher_sees_only_the_classs_attempts(exercise, attempts, klass, members, teacher):
    api = api_report(teacher, exercise, f"?class={klass.pk}")
    assert api["attempts"] == 2
    client = signed_in(teacher)
    listing = page_of(client, f"/teach/classes/{klass.pk}/statistics/")
    assert class_url(klass, exercise) in listing and "2 graded attempts" in listing
    page = page_of(client, class_url(klass, exercise))
    assert "2 graded attempts" in page and "Over the graded attempts of the students of" in page
    assert "1 / 2" in page and "Only 2 graded attempts so far." in page
    rows = csv_rows(client, class_url(klass, exercise, "csv/"))
    ask = next(r for r in rows if r["item"] == "ask")
    assert (int(ask["count"]), float(ask["share"]), ask["discrimination"]) == (1, 0.5, "")


def test_the_class_pages_have_a_statistics_tab(klass, teacher):
    page = page_of(signed_in(teacher), f"/teach/classes/{klass.pk}/")
    assert f'href="/teach/classes/{klass.pk}/statistics/"' in page


# --- refusals ----------------------------------------------------------------------------------


def test_refused_callers(exercise, attempts, klass, members, teacher, student):
    other_staff = make_staff(make_academy())
    stranger = make_user(username="signed-up-stranger")
    other_teacher = make_user(role="teacher")
    verify_teacher(other_teacher, by=make_staff(exercise.academy))
    other_class = course_services.class_create(teacher=other_teacher, name="9D")
    cases = [
        (other_staff, staff_url(exercise), 404),          # another academy's staff: no such exercise
        (other_staff, staff_url(exercise, "csv/"), 404),
        (stranger, staff_url(exercise), 403),             # anyone who signed up: not staff
        (stranger, staff_url(exercise, "csv/"), 403),
        (student, staff_url(exercise), 403),
        (teacher, staff_url(exercise), 403),              # all attempts: staff only
        (stranger, class_url(klass, exercise), 403),      # not a teacher
        (student, class_url(klass, exercise, "csv/"), 403),
        (other_teacher, class_url(klass, exercise), 404),  # another teacher's class: no such class
        (other_teacher, class_url(klass, exercise, "csv/"), 404),
        (other_teacher, f"/teach/classes/{klass.pk}/statistics/", 404),
        (other_teacher, class_url(other_class, exercise), 404),  # their own class, not assigned it
        (teacher, class_url(klass, import_exercise(exercise.academy, slug="elsewhere")), 404),  # not assigned
    ]
    for user, url, status in cases:
        response = signed_in(user).get(url)
        assert response.status_code == status, (user.username, url, response.status_code)
        assert "graded attempt" not in response.content.decode()


# --- queries -------------------------------------------------------------------------------------


def test_the_staff_page_queries_do_not_grow_with_the_attempts(exercise, attempts, staff, budget):
    # The user (1; the session is cached), then the API's read: the exercise, the caller's academies, the
    # version, the reach per node and score, the items' totals, the tied attempts (one UNION), the stops
    # (7); the version list for the selector (1): 9, with 12 attempts as with 42.
    client = signed_in(staff)
    budget(client, staff_url(exercise), 9)
    for i in range(30):
        graded(exercise, make_user(), PATHS[i % 3])
    assert "42 graded attempts" in budget(client, staff_url(exercise), 9)
    assert client.get(staff_url(exercise, "csv/")).status_code == 200


def test_the_class_page_queries_do_not_grow_with_the_attempts(exercise, klass, members, teacher, course, budget):
    # The user (1), the class (access_class, 1), then the API's read: the exercise, the class, whether
    # the class may read it (the assigned modules' paths, then the exercise among their lessons), the
    # version, the class's attempts (the modules' paths once), its graded ones, where the others stopped
    # (8); the version list (1): 11, with 2 attempts as with 8.
    client = signed_in(teacher)
    url = class_url(klass, exercise)
    budget(client, url, QUERIES_CLASS_PAGE)
    for _ in range(6):
        person = make_user()
        course_services.enrol(learner=person, course=course)
        course_services.class_join(student=person, join_code=klass.join_code)
        graded(exercise, person, PASSING_PATH)
    assert "8 graded attempts" in budget(client, url, QUERIES_CLASS_PAGE)


QUERIES_CLASS_PAGE = 11


@pytest.mark.parametrize(("code", "heading", "flag"), [
    ("fr", "Jusqu’où les tentatives sont allées", "Discrimine à l’envers"),
    ("es", "Hasta dónde llegaron los intentos", "Discrimina al revés"),
    ("ar", "إلى أين وصلت المحاولات", "يميّز في الاتجاه الخاطئ"),
])
def test_the_page_is_in_the_interface_language(exercise, attempts, staff, code, heading, flag):
    client = signed_in(staff)
    client.post("/i18n/setlang/", {"language": code, "next": "/"})
    page = page_of(client, staff_url(exercise))
    assert f'lang="{code}"' in page and heading in page and flag in page
    assert ('dir="rtl"' in page) is (code == "ar")
