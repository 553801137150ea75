"""Deep Linking 2.0 (issue 17, item 4): an instructor's deep linking request opens Parley's picker; the
pick answers the LMS with signed content items (line items for gradable exercises) and assigns the
module to the LMS course's class."""
import datetime

import jwt
import pytest
from django.test import Client
from django.utils import timezone

from courses.models import Assignment, SchoolClass
from lti.keys import tool_jwks
from lti.launch import LTI
from tests.factories import course_lessons, course_modules, import_exercise, make_academy, make_course

from .conftest import launch, register

pytestmark = pytest.mark.django_db
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"


def deep_linking(claims, platform, accept_multiple=True):
    claims[LTI + "message_type"] = "LtiDeepLinkingRequest"
    del claims[LTI + "resource_link"]
    claims[DL + "deep_linking_settings"] = {
        "deep_link_return_url": platform.url("/deep-link-return"), "accept_types": ["ltiResourceLink"],
        "accept_presentation_document_targets": ["iframe", "window"], "accept_multiple": accept_multiple,
        "data": "opaque-platform-data"}


@pytest.fixture
def content(academy):
    exercise = import_exercise(academy)
    course = make_course(academy, modules=2, lessons=1, exercises_in={(0, 0): [exercise.pk]})
    return course, course_modules(course), course_lessons(course), exercise


def test_an_instructor_picks_a_module_the_lms_gets_its_items_and_the_class_the_assignment(
        platform, academy, staff, content):
    course, modules, lessons, exercise = content
    registration = register(platform, academy, staff)
    client = Client()
    response = launch(client, platform, sub="t-1", roles=("Instructor",),
                      mutate=lambda claims: deep_linking(claims, platform))
    assert response.status_code == 302 and response["Location"] == "/lti/deep-link/"
    picker = client.get("/lti/deep-link/").content.decode()
    assert f'value="module:{modules[0].pk}"' in picker and f'value="exercise:{exercise.pk}"' in picker
    due = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    answer = client.post("/lti/deep-link/", {"target": f"module:{modules[0].pk}", "due": due})
    assert answer.status_code == 200
    body = answer.content.decode()
    assert f'action="{platform.url("/deep-link-return")}"' in body
    assert f"form-action 'self' {platform.base}" in answer["Content-Security-Policy"]
    token = body.split('name="JWT" value="')[1].split('"')[0]
    header = jwt.get_unverified_header(token)
    key = jwt.PyJWK(next(k for k in tool_jwks()["keys"] if k["kid"] == header["kid"])).key
    claims = jwt.decode(token, key, algorithms=["RS256"], audience=platform.issuer)
    assert claims["iss"] == registration.client_id and claims[LTI + "message_type"] == "LtiDeepLinkingResponse"
    assert claims[LTI + "deployment_id"] == platform.deployment_id and claims[DL + "data"] == "opaque-platform-data"
    first, second = claims[DL + "content_items"]
    assert first["custom"] == {"target": f"module:{modules[0].pk}"} and "lineItem" not in first
    assert first["url"] == "http://testserver/lti/launch/"
    assert second["custom"] == {"target": f"exercise:{exercise.pk}"}
    assert second["lineItem"] == {"scoreMaximum": 100, "label": exercise.title, "resourceId": f"exercise:{exercise.pk}"}
    assignment = Assignment.objects.get()
    assert assignment.school_class == SchoolClass.objects.get() and assignment.module_id == modules[0].pk
    assert client.get("/lti/deep-link/").status_code == 404  # the request is answered once


def test_an_exercise_pick_carries_its_line_item(platform, academy, staff, content):
    *_, exercise = content
    register(platform, academy, staff)
    client = Client()
    launch(client, platform, sub="t-1", roles=("Instructor",),
           mutate=lambda claims: deep_linking(claims, platform, accept_multiple=False))
    body = client.post("/lti/deep-link/", {"target": f"exercise:{exercise.pk}"}).content.decode()
    token = body.split('name="JWT" value="')[1].split('"')[0]
    [item] = jwt.decode(token, options={"verify_signature": False})[DL + "content_items"]
    assert item["lineItem"]["resourceId"] == f"exercise:{exercise.pk}"
    assert Assignment.objects.count() == 0  # no due date given: nothing assigned


def test_a_learner_cannot_deep_link_and_nothing_is_made(platform, academy, staff):
    from courses.models import SchoolClass as Class
    from lti.models import LtiAccount

    register(platform, academy, staff)
    response = launch(Client(), platform, sub="s-1", mutate=lambda claims: deep_linking(claims, platform))
    assert response.status_code == 403 and "instructors pick" in response.content.decode()
    assert LtiAccount.objects.count() == 0 and Class.objects.count() == 0


def test_content_of_another_academy_cannot_be_picked(platform, academy, staff, content):
    register(platform, academy, staff)
    elsewhere = make_course(make_academy())
    client = Client()
    launch(client, platform, sub="t-1", roles=("Instructor",), mutate=lambda claims: deep_linking(claims, platform))
    assert f"course:{elsewhere.pk}" not in client.get("/lti/deep-link/").content.decode()
    refused = client.post("/lti/deep-link/", {"target": f"course:{elsewhere.pk}"})
    assert refused.status_code == 400 and Assignment.objects.count() == 0


def test_the_picker_is_only_for_a_deep_linking_session(teacher):
    from tests.conftest import signed_in

    assert signed_in(teacher).get("/lti/deep-link/").status_code == 404
