"""Open Badges through the API: a learner downloads their own badge (JSON and JWT) and shares its link;
anyone checks a shared badge or a JWT and is told which check failed; the issuing academy's staff
revoke. Who may call each endpoint is in the actor table (test_authorization.py)."""
import json
import uuid
from urllib.parse import urlsplit

import jwt
import pytest
from django.test import Client

from courses import services as course_services
from credentials import services

from ..conftest import as_user, error_codes
from ..credentials.verifier import verify
from ..factories import make_academy, make_course, make_staff, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(academy):
    return make_course(academy, modules=1, lessons=1, title="Framing a proposal")


@pytest.fixture
def learner(course):
    learner = make_user()
    course_services.enrol(learner=learner, course=course)
    return learner


@pytest.fixture
def credential(learner, course):
    return services.credential_issue(learner=learner, course=course)[0]


def _checks(body) -> dict:
    return {c["check"]: c["passed"] for c in body["checks"]}


def test_the_learner_downloads_the_credential_as_json_and_jwt(learner, credential, academy):
    body = as_user(learner).get(f"/api/v1/me/credentials/{credential.public_id}/").json()

    assert body["credential"] == credential.document and body["jwt"] == credential.token
    assert body["course_title"] == "Framing a proposal" and body["revoked_at"] is None
    # The downloaded JWT is the document, signed: an outside verifier reads the same credential from it.
    claims = verify(Client(), body["jwt"], trusted_issuer=services.issuer_id(academy))
    assert claims["credentialSubject"] == body["credential"]["credentialSubject"]


def test_the_learners_list_holds_their_badges_only(learner, credential, course, django_assert_num_queries):
    other = make_user()
    course_services.enrol(learner=other, course=course)
    services.credential_issue(learner=other, course=course)
    client = as_user(learner)
    client.get("/api/v1/me/credentials/")  # warms the caches that outlive a request
    # 2 queries (as_user authenticates without one): the page's count, the page with course and academy joined.
    with django_assert_num_queries(2):
        body = client.get("/api/v1/me/credentials/").json()
    assert [row["id"] for row in body["results"]] == [str(credential.public_id)]


def test_another_learners_badge_answers_like_a_missing_one(credential):
    stranger = as_user(make_user())
    probed = stranger.get(f"/api/v1/me/credentials/{credential.public_id}/")
    missing = stranger.get(f"/api/v1/me/credentials/{uuid.uuid4()}/")
    assert (probed.status_code, probed.json()) == (missing.status_code, missing.json()) == (404, probed.json())


def test_the_shared_link_verifies_for_anyone(credential):
    link = as_user(credential.learner).get(f"/api/v1/me/credentials/{credential.public_id}/").json()["share_url"]
    assert urlsplit(link).path == f"/credentials/{credential.public_id}/"  # the page; its API twin:
    body = Client().get(f"/api/v1/credentials/{credential.public_id}/verify/").json()
    assert body["valid"] is True
    assert _checks(body) == {"signature": True, "issuer": True, "validity": True, "revocation": True}


def test_posting_a_tampered_jwt_says_the_signature_failed(api, credential):
    header, _payload, signature = credential.token.split(".")
    claims = jwt.decode(credential.token, options={"verify_signature": False})
    claims["name"] = "Something else"
    forged = ".".join([header, jwt.utils.base64url_encode(json.dumps(claims).encode()).decode(), signature])

    body = api.post("/api/v1/credentials/verify/", {"jwt": forged}, format="json").json()

    assert body["valid"] is False and body["credential"] is None
    assert _checks(body) == {"signature": False, "issuer": None, "validity": None, "revocation": None}


def test_a_jwt_signed_by_another_academy_fails_the_issuer_check(api, credential):
    claims = jwt.decode(credential.token, options={"verify_signature": False})
    from credentials.keys import sign

    forged = sign(academy=make_academy(), claims=claims)
    body = api.post("/api/v1/credentials/verify/", {"jwt": forged}, format="json").json()
    assert _checks(body)["issuer"] is False and body["valid"] is False


def test_staff_revoke_and_the_check_then_names_the_revocation(credential, academy, api):
    staff = as_user(make_staff(academy))
    response = staff.post(f"/api/v1/credentials/{credential.public_id}/revoke/", {"reason": "Fraud."}, format="json")
    assert response.status_code == 200
    assert staff.post(f"/api/v1/credentials/{credential.public_id}/revoke/", {}, format="json").status_code == 200

    body = api.get(f"/api/v1/credentials/{credential.public_id}/verify/").json()
    assert body["valid"] is False and _checks(body)["revocation"] is False
    credential.refresh_from_db()
    assert credential.revocation_reason == "Fraud."  # the second call changed nothing


def test_another_academys_staff_cannot_revoke(credential):
    other_staff = as_user(make_staff(make_academy()))
    response = other_staff.post(f"/api/v1/credentials/{credential.public_id}/revoke/", {}, format="json")
    assert response.status_code == 404 and error_codes(response) == ["not_found"]
    credential.refresh_from_db()
    assert credential.revoked_at is None


def test_a_body_without_a_jwt_is_a_validation_error(api):
    response = api.post("/api/v1/credentials/verify/", {}, format="json")
    assert response.status_code == 400 and response.json()["type"] == "validation_error"


def test_an_unknown_academy_has_no_keys(api):
    assert api.get("/api/v1/academies/no-such-academy/jwks/").status_code == 404


# --- the site's pages ---------------------------------------------------------------------------------


def test_the_learner_downloads_both_forms_from_the_site(credential):
    from ..conftest import signed_in

    site = signed_in(credential.learner)
    page = site.get("/me/badges/").content.decode()
    assert "Framing a proposal" in page and f"/credentials/{credential.public_id}/" in page
    as_json = site.get(f"/me/badges/{credential.public_id}/badge.json")
    assert as_json["Content-Type"] == "application/ld+json" and json.loads(as_json.content) == credential.document
    assert site.get(f"/me/badges/{credential.public_id}/badge.jwt").content.decode() == credential.token


def test_the_public_page_shows_the_facts_and_each_check_as_text(credential, academy):
    page = Client().get(f"/credentials/{credential.public_id}/").content.decode()
    assert "This badge is valid." in page and "Framing a proposal" in page and academy.name in page
    assert page.count("Passed") == 4

    services.credential_revoke(actor=make_staff(academy), credential=credential)
    page = Client().get(f"/credentials/{credential.public_id}/").content.decode()
    assert "This badge is not valid." in page and "Revoked by its issuer." in page and page.count("Passed") == 3
