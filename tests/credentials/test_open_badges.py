"""Issue 18, parts 4 and 6: a completed course gives the learner one OpenBadgeCredential, signed with the
academy's key as a VC-JWT, that an independent verifier (joserfc, tests/credentials/verifier.py) accepts
from what Parley publishes; tampered, wrong-issuer, expired and revoked credentials are refused, by that
verifier and by Parley's own verification (credentials.services.credential_verify)."""
import datetime
import json

import jwt
import pytest
from django.test import Client
from django.utils import timezone

from courses import services as course_services
from credentials import keys, services
from credentials.models import Credential
from credentials.tasks import award_credentials

from ..factories import course_lessons, make_academy, make_course, make_staff, make_user
from .verifier import Refused, ob3_problems, verify, verify_signature

pytestmark = pytest.mark.django_db


@pytest.fixture
def academy():
    return make_academy("Academy of Listening")


@pytest.fixture
def course(academy):
    course = make_course(academy, modules=1, lessons=2, title="Hearing interests")
    course.competencies = ["listening", "empathy"]
    course.save()
    return course


@pytest.fixture
def learner(course):
    learner = make_user(username="amal-haddad")
    course_services.enrol(learner=learner, course=course)
    return learner


@pytest.fixture
def credential(learner, course):
    return services.credential_issue(learner=learner, course=course)[0]


def _refusal(token, issuer, **kwargs) -> str:
    with pytest.raises(Refused) as refused:
        verify(Client(), token, trusted_issuer=issuer, **kwargs)
    return str(refused.value)


def _failed(result) -> list[str]:
    return [c["check"] for c in result["checks"] if c["passed"] is False]


# --- issuing ----------------------------------------------------------------------------------------


def test_reading_the_last_lesson_issues_one_credential_once_it_commits(learner, course,
                                                                       django_capture_on_commit_callbacks):
    first, last = course_lessons(course)
    with django_capture_on_commit_callbacks(execute=True):
        course_services.lesson_mark_read(learner=learner, lesson_id=first.pk)
    assert not Credential.objects.exists()  # half the course: nothing yet

    with django_capture_on_commit_callbacks(execute=True) as queued:
        course_services.lesson_mark_read(learner=learner, lesson_id=last.pk)

    # the award task, queued on commit (eager in the tests), then the certificate's, queued by the issue
    assert len(queued) == 2
    assert Credential.objects.filter(learner=learner, course=course).count() == 1
    assert award_credentials(learner.pk) == 0  # run again: nothing more
    assert Credential.objects.count() == 1


def test_a_broker_that_is_down_leaves_the_lesson_read_stored_and_raises_nothing(
        learner, course, monkeypatch, django_capture_on_commit_callbacks):
    from courses.models import LessonRead

    def broker_down(*args, **kwargs):
        raise OSError("Connection refused")

    monkeypatch.setattr(award_credentials, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        course_services.lesson_mark_read(learner=learner, lesson_id=course_lessons(course)[0].pk)
    assert len(queued) == 1 and LessonRead.objects.filter(learner=learner).count() == 1


def test_issuing_twice_returns_the_first_credential(learner, course, credential):
    again, created = services.credential_issue(learner=learner, course=course)
    assert (again.pk, created) == (credential.pk, False)


def test_a_learner_who_has_not_completed_the_course_gets_none(learner, course):
    course_services.lesson_mark_read(learner=learner, lesson_id=course_lessons(course)[0].pk)
    assert services.credentials_award(learner_id=learner.pk) == []


def test_the_credential_has_every_required_open_badges_field(credential, academy, course):
    document = credential.document
    assert ob3_problems(document) == []
    assert document["issuer"] == {"id": services.issuer_id(academy), "type": ["Profile"],
                                  "name": "Academy of Listening", "url": document["issuer"]["url"]}
    achievement = document["credentialSubject"]["achievement"]
    assert achievement["name"] == "Hearing interests"
    assert "Hearing interests" in achievement["criteria"]["narrative"]
    assert [a["targetCode"] for a in achievement["alignment"]] == ["listening", "empathy"]
    assert {"targetName", "targetUrl", "type"} <= set(achievement["alignment"][0])
    status = document["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry" and status["statusPurpose"] == "revocation"
    assert int(status["statusListIndex"]) == credential.status_index


def test_the_learner_is_named_by_an_opaque_account_never_an_address(credential, learner):
    subject = credential.document["credentialSubject"]["id"]
    assert subject.startswith("urn:uuid:") and str(learner.record_actor.name) in subject
    for text in (json.dumps(credential.document), credential.token, json.dumps(jwt.decode(
            credential.token, options={"verify_signature": False}))):
        assert learner.email not in text and learner.username not in text


# --- the independent verifier accepts it ------------------------------------------------------------


def test_an_independent_verifier_accepts_the_credential_from_the_published_keys(credential, academy):
    claims = verify(Client(), credential.token, trusted_issuer=services.issuer_id(academy))
    assert claims["id"] == credential.document["id"] == f"urn:uuid:{credential.public_id}"
    assert claims["credentialSubject"] == credential.document["credentialSubject"]
    assert services.credential_verify(token=credential.token)["valid"] is True


def test_the_status_list_is_at_least_16_kilobytes_and_signed_by_the_academy(academy, credential):
    body = Client().get(f"/api/v1/academies/{academy.slug}/status-list/")
    assert body["Content-Type"] == "application/vc+jwt"
    listed = verify_signature(Client(), body.content.decode())
    assert listed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert listed["credentialSubject"]["statusPurpose"] == "revocation"  # the size: verifier._bit asserts it


def test_after_a_rotation_old_credentials_still_verify_and_new_ones_use_the_new_key(academy, course, credential):
    old_kid = jwt.get_unverified_header(credential.token)["kid"]
    keys.academy_key_rotate(academy=academy)
    other = make_user()
    course_services.enrol(learner=other, course=course)
    fresh, _ = services.credential_issue(learner=other, course=course)

    new_kid = jwt.get_unverified_header(fresh.token)["kid"]
    published = [k["kid"] for k in Client().get(f"/api/v1/academies/{academy.slug}/jwks/").json()["keys"]]
    assert new_kid != old_kid and published == [new_kid, old_kid]
    for token in (credential.token, fresh.token):
        verify(Client(), token, trusted_issuer=services.issuer_id(academy))


# --- and refuses what it must -----------------------------------------------------------------------


def test_a_tampered_payload_is_refused(credential, academy):
    header, payload, signature = credential.token.split(".")
    claims = jwt.decode(credential.token, options={"verify_signature": False})
    claims["credentialSubject"]["achievement"]["name"] = "Master negotiator"
    forged_payload = jwt.utils.base64url_encode(json.dumps(claims).encode()).decode()
    forged = f"{header}.{forged_payload}.{signature}"

    assert _refusal(forged, services.issuer_id(academy)).startswith("signature")
    assert _failed(services.credential_verify(token=forged)) == ["signature"]


def test_a_credential_signed_with_another_academys_key_is_refused(credential, academy):
    impostor = make_academy("Impostor academy")
    claims = jwt.decode(credential.token, options={"verify_signature": False})
    forged = keys.sign(academy=impostor, claims=claims)  # the claims still name the first academy

    assert _refusal(forged, services.issuer_id(academy)) == "issuer"
    assert _failed(services.credential_verify(token=forged)) == ["issuer"]


def test_an_expired_credential_is_refused(learner, course, academy):
    issued = timezone.now() - datetime.timedelta(days=400)
    credential, _ = services.credential_issue(learner=learner, course=course, now=issued,
                                              valid_for=datetime.timedelta(days=365))
    assert _refusal(credential.token, services.issuer_id(academy)) == "expired"
    assert _failed(services.credential_verify(token=credential.token)) == ["validity"]
    # A moment before it ended it was valid: the expiry, and nothing else, refuses it.
    assert services.credential_verify(token=credential.token, now=issued + datetime.timedelta(days=364))["valid"]


def test_a_revoked_credential_is_refused(credential, academy):
    services.credential_revoke(actor=make_staff(academy), credential=credential, reason="Copied answers.")

    assert _refusal(credential.token, services.issuer_id(academy)) == "revoked"
    result = services.credential_verify(token=credential.token)
    assert _failed(result) == ["revocation"] and result["valid"] is False


def test_revoking_one_credential_leaves_the_others_valid(credential, academy, course):
    other = make_user()
    course_services.enrol(learner=other, course=course)
    kept, _ = services.credential_issue(learner=other, course=course)
    services.credential_revoke(actor=make_staff(academy), credential=credential)
    verify(Client(), kept.token, trusted_issuer=services.issuer_id(academy))


def test_garbage_is_refused_at_the_signature(db):
    result = services.credential_verify(token="not.a.jwt")
    assert result["valid"] is False and _failed(result) == ["signature"]
    assert [c["passed"] for c in result["checks"]] == [False, None, None, None]


# --- export and deletion ------------------------------------------------------------------------------


def test_deleting_the_account_revokes_the_badges_so_copies_check_as_revoked(credential, learner, academy):
    from accounts import privacy

    exported = privacy.user_export(user=learner)["credentials"]
    assert [row["public_id"] for row in exported] == [str(credential.public_id)]

    privacy.account_delete(user=learner, password="pw-Secret-123")

    credential.refresh_from_db()
    assert credential.revoked_at is not None and credential.revocation_reason == "account deleted"
    assert _refusal(credential.token, services.issuer_id(academy)) == "revoked"
