"""A join code is read as people type it (issue 20, finding 8): with its hyphen, with spaces, in lower
case, with the dash a phone turns a hyphen into. The normalising is the service's
(courses.services.join_code_normalise), so the API and the site accept the same."""
import pytest

from courses import services as course_services
from courses.models import ClassMembership

from ..conftest import as_user, error_codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def klass(teacher):
    return course_services.class_create(teacher=teacher, name="9B")


def typed(code: str, how: str) -> str:
    return {
        "hyphen": f"{code[:5]}-{code[5:]}",
        "spaces": f"  {code[:5]} {code[5:]} ",
        "lower": code.lower(),
        "lower hyphen": f"{code[:5]}-{code[5:]}".lower(),
        "en dash": f"{code[:5]}\u2013{code[5:]}",
        "groups of three": " ".join(code[i:i + 3] for i in range(0, len(code), 3)),
    }[how]


@pytest.mark.parametrize("how", ["hyphen", "spaces", "lower", "lower hyphen", "en dash", "groups of three"])
def test_the_api_accepts_a_code_as_typed(klass, student, how):
    response = as_user(student).post("/api/v1/classes/join/", {"join_code": typed(klass.join_code, how)},
                                     format="json")
    assert response.status_code in (200, 201), response.content
    assert ClassMembership.objects.filter(school_class=klass, student=student).exists()


def test_a_wrong_code_is_still_refused_and_joins_nothing(klass, student):
    wrong = f"{klass.join_code[:5]}-{'A' if klass.join_code[5] != 'A' else 'B'}{klass.join_code[6:]}"
    response = as_user(student).post("/api/v1/classes/join/", {"join_code": wrong}, format="json")
    assert response.status_code == 404
    assert error_codes(response) == ["invalid_join_code"]
    assert not ClassMembership.objects.exists()


def test_a_code_of_separators_only_finds_nothing(klass, student):
    response = as_user(student).post("/api/v1/classes/join/", {"join_code": " - - "}, format="json")
    assert response.status_code == 404 and not ClassMembership.objects.exists()


def test_normalising_keeps_the_code_and_drops_only_separators():
    assert course_services.join_code_normalise(" k7pm2-qxa9d\u00a0") == "K7PM2QXA9D"
    assert course_services.join_code_normalise(None) == ""
