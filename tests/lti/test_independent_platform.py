"""Issue 17, "done when": an LTI 1.3 platform implementation that no one here wrote launches Parley, deep
links and receives a score. The platform's side is `lti1p3platform` (PyPI, MIT): it builds the login
initiation, signs the launch and the deep linking request with its own keys, checks Parley's client
assertion at its token endpoint and Parley's deep linking response against the tool's published JWKS.
The harness of conftest.py only carries bytes over HTTP (the JWKS the library publishes, the scores)."""
import json
import urllib.parse

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration as PlatformRegistration
from lti1p3platform.score import ActivityProgress, GradeProgress

from assessments.models import Attempt
from assessments.services import attempt_submit
from lti.models import LtiAccount, ScoreDelivery
from tests.factories import PASSING_PATH, course_modules, import_exercise, make_course

from .conftest import LAUNCH_URL, login, register

pytestmark = pytest.mark.django_db
LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"


def _pem_pair():
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()).decode()
    public_pem = private.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private_pem, public_pem


class PlatformConf(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs):
        self._registration = kwargs["registration"]

    def get_registration_by_params(self, **kwargs):
        return self._registration


class Login(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs):
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url):
        return url


class Request:
    """What the library reads of the request that brings the tool's authorization request back."""

    def __init__(self, params):
        self.get_data, self.form_data = params, {}


class Launch(LTIAdvantageMessageLaunchAbstract):
    def render_launch_form(self, launch_data, **kwargs):
        return launch_data  # the auto-posting form's fields; the test client posts them


class _PublishedKey:
    """The harness serves `jwk()` of each key at /jwks: here, the JWK the library publishes."""

    def __init__(self, jwk):
        self._jwk = jwk

    def jwk(self):
        return self._jwk


@pytest.fixture
def lms(platform, academy, staff):
    """The independent platform, registered in Parley by hand as an admin would (docs/lti.md)."""
    private_pem, public_pem = _pem_pair()
    registration = (PlatformRegistration()
                    .set_iss(platform.issuer).set_client_id(platform.client_id)
                    .set_deployment_id(platform.deployment_id).set_launch_url(LAUNCH_URL)
                    .set_deeplink_launch_url(LAUNCH_URL).set_oidc_login_url("http://testserver/lti/login/")
                    .set_platform_public_key(public_pem).set_platform_private_key(private_pem))
    registration.set_tool_key_set(json.loads(Client().get("/lti/jwks.json").content))
    platform.keys = [_PublishedKey(jwk) for jwk in registration.get_jwks()]
    register(platform, academy, staff, vouches=True)
    return PlatformConf(registration=registration)


def library_launch(client, conf, *, user_id, roles, claims=None, deep_link_return=None):
    """The library's OIDC login initiation sent to Parley, then the launch it signs for Parley's answer."""
    start = Login(None, conf)
    start.set_lti_message_hint(hint="link-1")
    initiation = urllib.parse.urlsplit(start.set_launch_url(LAUNCH_URL).initiate_login(user_id))
    params = dict(urllib.parse.parse_qsl(initiation.query))
    auth = login(client, conf_platform(conf), **{k: v for k, v in params.items() if k != "iss"})
    launch = Launch(Request(auth), conf)
    launch.set_user_data(user_id, [f"http://purl.imsglobal.org/vocab/lis/v2/membership#{r}" for r in roles],
                         full_name="Amina Diallo")
    launch.set_resource_link_claim("link-1", title="Parley")
    launch.set_launch_context_claim("ctx-1", context_title="Negotiation 101")
    for name, value in (claims or {}).items():
        launch.set_extra_claims({name: value})
    if deep_link_return:
        launch.set_dl(deep_link_return, title="Pick from Parley", accept_types={"ltiResourceLink"})
    posted = launch.lti_launch()
    assert posted["launch_url"] == LAUNCH_URL
    return client.post("/lti/launch/", {"id_token": posted["id_token"], "state": posted["state"]})


def conf_platform(conf):
    """conftest.login's view of the platform: its issuer, client id and authorization URL's base."""
    registration = conf.get_registration()

    class View:
        issuer = registration.get_iss()
        client_id = registration.get_client_id()

        @staticmethod
        def url(path):
            return registration.get_iss() + path

    return View


def test_the_independent_platform_launches_a_learner_into_parley(lms):
    client = Client()
    response = library_launch(client, lms, user_id="lib-learner-1", roles=("Learner",))
    assert response.status_code == 302 and response["Location"] == "/courses/"
    user = LtiAccount.objects.get(subject="lib-learner-1").user
    assert int(client.session["_auth_user_id"]) == user.pk
    assert user.get_full_name() == "Amina Diallo"  # its `name` claim


def test_the_independent_platform_deep_links_and_checks_the_answer_against_parleys_keys(lms, platform, academy):
    exercise = import_exercise(academy)
    course = make_course(academy, modules=1, lessons=1, exercises_in={(0, 0): [exercise.pk]})
    module = course_modules(course)[0]
    client = Client()
    response = library_launch(client, lms, user_id="lib-teacher-1", roles=("Instructor",),
                              deep_link_return=platform.url("/deep-link-return"))
    assert response.status_code == 302 and response["Location"] == "/lti/deep-link/"
    answer = client.post("/lti/deep-link/", {"target": f"module:{module.pk}"})
    assert answer.status_code == 200
    token = answer.content.decode().split('name="JWT" value="')[1].split('"')[0]
    items = lms.validate_deeplinking_resp({"JWT": token})  # the library's own signature check
    assert {item["type"] for item in items} == {"ltiResourceLink"} and len(items) == 2  # the module, its exercise
    assert [item["lineItem"]["scoreMaximum"] for item in items if "lineItem" in item] == [100]


def test_the_independent_platform_accepts_parleys_token_request_and_gets_the_score(
        lms, platform, academy, django_capture_on_commit_callbacks):
    exercise = import_exercise(academy)
    make_course(academy, modules=1, lessons=1, exercises_in={(0, 0): [exercise.pk]})
    ags = {"scope": [SCORE_SCOPE], "lineitem": platform.url("/lineitems/9")}
    response = library_launch(Client(), lms, user_id="lib-learner-2", roles=("Learner",),
                              claims={"https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": ags,
                                      LTI + "custom": {"target": f"exercise:{exercise.pk}"}})
    assert response.status_code == 302 and response["Location"] == f"/exercises/{exercise.pk}/"
    learner = LtiAccount.objects.get(subject="lib-learner-2").user
    with django_capture_on_commit_callbacks(execute=True):  # grading, then the delivery, as after a commit
        attempt, _ = attempt_submit(exercise=exercise, learner=learner, answers={"steps": PASSING_PATH})
    assert ScoreDelivery.objects.get().state == "sent"
    [(path, content_type, score)] = platform.scores_received
    assert path == "/lineitems/9/scores" and content_type == "application/vnd.ims.lis.v1.score+json"
    assert score["userId"] == "lib-learner-2" and score["scoreGiven"] == Attempt.objects.get(pk=attempt.pk).score
    assert ActivityProgress(score["activityProgress"]) is ActivityProgress.COMPLETED
    assert GradeProgress(score["gradingProgress"]) is GradeProgress.FULLYGRADED
    # the token request Parley sent, as the library's token endpoint checks it (grant, assertion, scope)
    granted = lms.get_access_token(platform.token_requests[-1])
    assert granted["scope"] == SCORE_SCOPE and lms.validate_token(granted["access_token"])
