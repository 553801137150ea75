"""Launches (issue 17, item 2): the OIDC login initiation and the resource link launch, validated against
a platform served over HTTP; each refusal gets a clear page and creates nothing."""
import time

import pytest
from django.test import Client

from accounts.models import AuditEvent, User
from courses.models import ClassMembership, Enrolment, SchoolClass, TeacherVerification
from lti.launch import LTI
from lti.models import LoginState, LtiAccount, LtiContext
from tests.factories import make_course

from .conftest import LAUNCH_URL, PlatformKey, launch, login, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def registration(platform, academy, staff):
    return register(platform, academy, staff, vouches=True)


def snapshot():
    return {model.__name__: model.objects.count() for model in (
        User, LtiAccount, LtiContext, SchoolClass, ClassMembership, Enrolment, TeacherVerification, AuditEvent)}


def test_a_launch_signs_the_learner_in_and_opens_the_catalogue(platform, registration):
    client = Client()
    response = launch(client, platform)
    assert response.status_code == 302 and response["Location"] == "/courses/"
    user = LtiAccount.objects.get(issuer=platform.issuer, subject="user-1").user
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.get("/me/progress/").status_code == 200  # signed in on the site


def test_the_login_sends_the_browser_to_the_platform_with_state_and_nonce(platform, registration):
    auth = login(Client(), platform, lti_message_hint="msg-7")
    assert auth["client_id"] == platform.client_id and auth["redirect_uri"] == LAUNCH_URL
    assert auth["response_type"] == "id_token" and auth["response_mode"] == "form_post"
    assert auth["scope"] == "openid" and auth["prompt"] == "none" and auth["lti_message_hint"] == "msg-7"
    assert LoginState.objects.get(state=auth["state"]).nonce == auth["nonce"]


def test_the_login_and_launch_work_in_the_lms_frame(platform, registration):
    client = Client()
    page = client.get("/lti/login/", {"iss": platform.issuer, "login_hint": "h", "target_link_uri": LAUNCH_URL,
                                      "client_id": platform.client_id})
    assert "X-Frame-Options" not in page
    assert f"frame-ancestors 'self' {platform.base}" in page["Content-Security-Policy"]
    state_cookie = next(c for name, c in page.cookies.items() if name.startswith("lti_state_"))
    assert state_cookie["samesite"] == "None" and state_cookie["secure"] and state_cookie["httponly"]
    assert "Open Parley in a new window" in page.content.decode()  # the fallback when cookies are blocked
    response = launch(client, platform)
    session_cookie = response.cookies["sessionid"]
    assert session_cookie["samesite"] == "None" and session_cookie["secure"]
    framed = client.get("/courses/")
    assert "X-Frame-Options" not in framed and platform.base in framed["Content-Security-Policy"]


def test_a_site_session_without_a_launch_keeps_the_sites_frame_policy(student):
    from tests.conftest import signed_in

    page = signed_in(student).get("/courses/")
    assert page["X-Frame-Options"] == "SAMEORIGIN" and "frame-ancestors 'self'" in page["Content-Security-Policy"]
    assert "127.0.0.1" not in page["Content-Security-Policy"]


def test_the_platforms_keys_are_fetched_once_and_again_for_an_unknown_kid(platform, registration):
    launch(Client(), platform)
    launch(Client(), platform, sub="user-2")
    assert platform.jwks_fetches == 1
    platform.keys.insert(0, PlatformKey())  # the platform rotates its key
    assert launch(Client(), platform, sub="user-3").status_code == 302
    assert platform.jwks_fetches == 2


def refused(response, reason_fragment):
    assert response.status_code == 403, response.content[:300]
    assert reason_fragment in response.content.decode()
    return response


@pytest.mark.parametrize("case, fragment", [
    ("wrong_key", "not signed by a key"),
    ("expired", "has expired"),
    ("unknown_deployment", "deployment of Parley is not registered"),
    ("wrong_audience", "not addressed to Parley"),
    ("wrong_azp", "not addressed to Parley"),
    ("several_audiences_no_azp", "not addressed to Parley"),
    ("issued_long_ago", "has expired"),
    ("wrong_issuer", "not addressed to Parley"),
    ("wrong_nonce", "used already"),
    ("wrong_message_type", "does not answer this kind"),
    ("wrong_version", "does not answer this kind"),
    ("no_resource_link", "does not answer this kind"),
    ("hs256", "not signed by a key"),
    ("target_elsewhere", "not addressed to Parley"),
])
def test_a_refused_launch_gets_a_clear_page_and_creates_nothing(platform, registration, case, fragment):
    key = PlatformKey() if case == "wrong_key" else None

    def mutate(claims):
        now = int(time.time())
        if case == "expired":
            claims.update(iat=now - 400, exp=now - 100)
        elif case == "unknown_deployment":
            claims[LTI + "deployment_id"] = "dep-unknown"
        elif case == "wrong_audience":
            claims["aud"] = "someone-else"
        elif case == "wrong_azp":
            claims["azp"] = "someone-else"
        elif case == "several_audiences_no_azp":
            claims["aud"] = [platform.client_id, "someone-else"]
        elif case == "issued_long_ago":
            claims.update(iat=now - 3600, exp=now + 300)
        elif case == "wrong_issuer":
            claims["iss"] = "https://elsewhere.example"
        elif case == "wrong_nonce":
            claims["nonce"] = "not-the-logins"
        elif case == "wrong_message_type":
            claims[LTI + "message_type"] = "LtiSomethingElse"
        elif case == "wrong_version":
            claims[LTI + "version"] = "1.1"
        elif case == "no_resource_link":
            del claims[LTI + "resource_link"]
        elif case == "target_elsewhere":
            claims[LTI + "target_link_uri"] = "http://testserver/lti/launch/?target=course:1"

    before = snapshot()
    client = Client()
    if case == "hs256":
        import jwt

        auth = login(client, platform)
        token = jwt.encode(platform.claims(nonce=auth["nonce"]), "a-shared-secret-of-32-bytes-or-more!!",
                           algorithm="HS256", headers={"kid": platform.keys[0].kid})
        response = client.post("/lti/launch/", {"id_token": token, "state": auth["state"]})
    else:
        response = launch(client, platform, key=key, mutate=mutate)
    refused(response, fragment)
    assert snapshot() == before
    assert "_auth_user_id" not in client.session


def test_a_replayed_launch_is_refused_and_creates_nothing(platform, registration):
    client = Client()
    first = launch(client, platform)
    assert first.status_code == 302
    before = snapshot()
    again = client.post("/lti/launch/", {"id_token": first.lti_token, "state": first.lti_auth["state"]})
    refused(again, "expired or was used already")
    # The same id_token with a fresh login's state: its nonce is not that login's.
    auth = login(client, platform)
    refused(client.post("/lti/launch/", {"id_token": first.lti_token, "state": auth["state"]}), "used already")
    assert snapshot() == before


def test_a_launch_from_another_browser_is_refused(platform, registration):
    auth = login(Client(), platform)
    token = platform.sign(platform.claims(nonce=auth["nonce"]))
    before = snapshot()
    other = Client()  # has not the login's state cookie: a login CSRF attempt
    refused(other.post("/lti/launch/", {"id_token": token, "state": auth["state"]}), "did not come back")
    assert snapshot() == before


def test_an_unknown_platform_cannot_start_a_login(platform):
    response = Client().get("/lti/login/", {"iss": platform.issuer, "login_hint": "h", "target_link_uri": LAUNCH_URL})
    assert response.status_code == 400 and "does not know this LMS" in response.content.decode()
    assert LoginState.objects.count() == 0


def test_a_login_for_another_sites_url_is_refused(platform, registration):
    response = Client().get("/lti/login/", {"iss": platform.issuer, "login_hint": "h",
                                            "target_link_uri": "https://evil.example/lti/launch/"})
    assert response.status_code == 400 and LoginState.objects.count() == 0


def test_a_switched_off_registration_launches_nothing(platform, registration):
    auth = login(Client(), platform)
    registration.active = False
    registration.save()
    before = snapshot()
    client = Client()
    response = client.post("/lti/launch/", {"id_token": platform.sign(platform.claims(nonce=auth["nonce"])),
                                            "state": auth["state"]})
    assert response.status_code == 403 and snapshot() == before


@pytest.mark.parametrize("kind", ["course", "module", "lesson"])
def test_a_launch_opens_the_target_page(platform, registration, academy, kind):
    from tests.factories import course_lessons, course_modules

    course = make_course(academy)
    page = {"course": course, "module": course_modules(course)[0], "lesson": course_lessons(course)[0]}[kind]
    response = launch(Client(), platform, custom={"target": f"{kind}:{page.pk}"})
    assert response.status_code == 302 and response["Location"] == page.specific.learner_path()
    user = LtiAccount.objects.get().user
    assert Enrolment.objects.filter(learner=user, course=course, source=Enrolment.Source.EXTERNAL).exists()


def test_a_target_in_the_target_link_uri_is_followed(platform, registration, academy):
    course = make_course(academy)
    target = f"{LAUNCH_URL}?target=course:{course.pk}"
    client = Client()
    auth = login(client, platform, target_link_uri=target)
    claims = platform.claims(nonce=auth["nonce"])
    claims[LTI + "target_link_uri"] = target
    response = client.post("/lti/launch/", {"id_token": platform.sign(claims), "state": auth["state"]})
    assert response.status_code == 302 and response["Location"] == f"/courses/{course.pk}/"


def test_a_target_of_another_academy_is_refused_and_creates_nothing(platform, registration):
    from tests.factories import make_academy

    elsewhere = make_course(make_academy())
    before = snapshot()
    refused(launch(Client(), platform, custom={"target": f"course:{elsewhere.pk}"}), "not offered to this LMS")
    refused(launch(Client(), platform, custom={"target": "lesson:abc"}), "not offered to this LMS")
    assert snapshot() == before


def test_the_launch_is_a_cross_site_post_without_a_csrf_token(platform, registration):
    client = Client(enforce_csrf_checks=True)  # the LMS's form post carries no token of ours
    assert launch(client, platform).status_code == 302
    before = snapshot()
    forged = client.post("/lti/launch/", {"id_token": "x.y.z", "state": "made-up"})
    assert forged.status_code == 403 and snapshot() == before


def test_login_initiations_are_limited_per_address_and_a_refused_one_writes_no_row(platform, registration,
                                                                                    settings):
    from django.core.cache import cache

    cache.clear()
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "lti_login": "2/min"}}
    query = {"iss": platform.issuer, "login_hint": "h", "target_link_uri": LAUNCH_URL,
             "client_id": platform.client_id}
    assert [Client().get("/lti/login/", query).status_code for _ in range(2)] == [200, 200]
    refused = Client().get("/lti/login/", query)
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert "Too many tries" in refused.content.decode()
    assert LoginState.objects.count() == 2
