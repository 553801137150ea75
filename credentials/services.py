"""Issuing, revoking and verifying Open Badges 3.0 credentials (docs/interoperability.md, "Open Badges").

- `credentials_award(learner_id=)`: a badge for each course the learner has completed and has none for
  (what the worker runs after a lesson read or a passed attempt); safe to run twice.
- `credential_issue(learner=, course=)`: the one way to make a credential; a second call returns the first.
- `credential_revoke(actor=, credential=, reason=)`: sets the credential's bit in the academy's status list
  and deletes its certificate.
- `credential_verify(token=)`: the checks a verifier makes (signature, issuer, validity period,
  revocation), each named, reading only what is published (the JWKS and the signed status list).
"""
import datetime
import secrets

import jwt
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from wagtail.models import Page

from accounts.mail import site_url
from accounts.models import Academy

from . import documents
from .keys import ALGORITHM, sign
from .models import AcademyKey, Certificate, Credential


def _academy_of(page: Page) -> Academy | None:
    """The academy whose AcademyPage is above `page` (one query)."""
    steps = Page.steplen
    ancestors = [page.path[:end] for end in range(steps, len(page.path) + 1, steps)]
    return Academy.objects.filter(pages__path__in=ancestors).first()


def issuer_id(academy) -> str:
    return site_url(f"/api/v1/academies/{academy.slug}/issuer/")


def status_list_url(academy) -> str:
    return site_url(f"/api/v1/academies/{academy.slug}/status-list/")


def issuer_document(academy) -> dict:
    return documents.issuer_profile(issuer_id=issuer_id(academy), name=academy.name, url=site_url("/"))


def share_url(credential) -> str:
    """The public page that checks the badge (frontend:credential-verify); its API twin is
    /api/v1/credentials/<id>/verify/."""
    return site_url(f"/credentials/{credential.public_id}/")


def _subject_id(learner) -> str:
    """The learner as the badge names them: their opaque records.Actor name (the same account-on-Parley
    name their xAPI statements carry), never an address."""
    from records.models import Actor

    actor, _ = Actor.objects.get_or_create(user=learner)
    return f"urn:uuid:{actor.name}"


def _competency_label(key: str) -> str:
    return key.replace("_", " ").replace("-", " ").capitalize()


def _claims(document: dict, *, issued_at, valid_until) -> dict:
    """The credential as the JWT's payload, with the registered claims JOSE libraries check."""
    claims = {**document, "iss": document["issuer"]["id"], "jti": document["id"], "iat": int(issued_at.timestamp()),
              "nbf": int(issued_at.timestamp())}
    if "credentialSubject" in document:
        claims["sub"] = document["credentialSubject"]["id"]
    if valid_until is not None:
        claims["exp"] = int(valid_until.timestamp())
    return claims


def _free_status_index(academy) -> int:
    """A random unused bit of the academy's list (random, so the order of issue tells nothing)."""
    used = set(Credential.objects.filter(academy=academy).values_list("status_index", flat=True))
    while True:
        index = secrets.randbelow(documents.STATUS_LIST_BITS)
        if index not in used:
            return index


def credential_issue(*, learner, course, now=None,
                     valid_for: datetime.timedelta | None = None) -> tuple[Credential, bool]:
    """The learner's badge for `course`, signed with its academy's key; (credential, created). A badge
    already there is returned as it is. Does not check completion: credentials_award does. A new badge's
    certificate is queued on commit (tasks.render_certificate)."""
    existing = Credential.objects.filter(learner=learner, course=course).first()
    if existing is not None:
        return existing, False
    academy = _academy_of(course)
    now = (now or timezone.now()).replace(microsecond=0)
    valid_until = now + valid_for if valid_for else None
    issuer = issuer_document(academy)
    course_url = site_url(course.learner_path())
    for _ in range(5):
        credential = Credential(learner=learner, course=course, academy=academy, issued_at=now,
                                valid_until=valid_until, status_index=_free_status_index(academy))
        achievement = documents.achievement(
            achievement_id=f"{course_url}#badge", name=course.title, description=course.summary,
            criteria=gettext("Completed every published lesson of the course “%(course)s”, passing "
                             "each of its exercises.") % {"course": course.title},
            alignments=[{"targetName": _competency_label(key), "targetCode": key,
                         "targetUrl": f"{course_url}#competency-{key}"} for key in course.competencies or []],
            creator=issuer)
        document = documents.open_badge(
            credential_id=f"urn:uuid:{credential.public_id}", issuer=issuer, subject_id=_subject_id(learner),
            achievement=achievement, valid_from=now, valid_until=valid_until, name=course.title,
            status_entry=documents.status_entry(list_url=status_list_url(academy), index=credential.status_index))
        credential.document = document
        credential.token = sign(academy=academy, claims=_claims(document, issued_at=now, valid_until=valid_until))
        try:
            with transaction.atomic():
                credential.save()
            _queue_certificate(credential.pk)
            return credential, True
        except IntegrityError:
            existing = Credential.objects.filter(learner=learner, course=course).first()
            if existing is not None:  # another worker issued it meanwhile
                return existing, False
    raise RuntimeError("no free status index")  # pragma: no cover (131,072 bits, five tries)


def _queue_certificate(credential_id: int) -> None:
    from .tasks import render_certificate

    # robust: the badge is committed and valid without its certificate; a broker that is down leaves the
    # page saying "being prepared" (a later `render_certificate` makes it), never an error for the award.
    transaction.on_commit(lambda: render_certificate.delay(credential_id), robust=True)


def credentials_award(*, learner_id: int) -> list[Credential]:
    """A badge for each course the learner completed (every live lesson, by courses.progress) and holds
    none for. Returns those made now; running it again makes none."""
    from accounts.models import User
    from cms.models import CoursePage
    from courses.models import Enrolment
    from courses.progress import courses_progress

    learner = User.objects.filter(pk=learner_id, anonymised_at__isnull=True, is_active=True).first()
    if learner is None:
        return []
    held = Credential.objects.filter(learner=learner).values_list("course_id", flat=True)
    course_ids = Enrolment.objects.filter(learner=learner).exclude(course_id__in=held).values_list("course_id",
                                                                                              flat=True)
    courses = list(CoursePage.objects.live().filter(pk__in=course_ids))
    made = []
    for course, progress in zip(courses, courses_progress(learner=learner, courses=courses), strict=True):
        if progress["percent"] >= 100:
            credential, created = credential_issue(learner=learner, course=course)
            if created:
                made.append(credential)
    return made


@transaction.atomic
def credential_revoke(*, actor, credential: Credential, reason: str = "") -> Credential:
    """Revoke the credential (its bit in the academy's status list is set from now on). Idempotent: a
    revoked credential stays revoked as it was. Permission: courses.access.may_revoke_credential."""
    row = Credential.objects.select_for_update().get(pk=credential.pk)
    if row.revoked_at is None:
        row.revoked_at, row.revoked_by, row.revocation_reason = timezone.now(), actor, reason[:500]
        row.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    # A revoked badge's certificate is no longer offered: a printed one still checks as revoked by its QR code.
    Certificate.objects.filter(credential=row).delete()
    return row


def status_list_token(academy, *, now=None) -> str:
    """The academy's Bitstring Status List credential as a VC-JWT, from the revoked credentials now."""
    now = (now or timezone.now()).replace(microsecond=0)
    revoked = Credential.objects.filter(academy=academy, revoked_at__isnull=False).values_list("status_index",
                                                                                              flat=True)
    document = documents.status_list(list_url=status_list_url(academy), issuer=issuer_document(academy),
                                     valid_from=now, encoded=documents.encode_bits(revoked))
    return sign(academy=academy, claims=_claims(document, issued_at=now, valid_until=None))


# --- verification -------------------------------------------------------------------------------

CHECKS = ("signature", "issuer", "validity", "revocation")


def _check(name: str, ok: bool | None, detail: str) -> dict:
    return {"check": name, "passed": ok, "detail": detail}


def _verified_payload(token: str) -> tuple[dict | None, AcademyKey | None, str]:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        return None, None, gettext("This is not a compact JWT.")
    key = AcademyKey.objects.select_related("academy").filter(kid=str(header.get("kid", ""))).first()
    if key is None or header.get("alg") != ALGORITHM:
        return None, None, gettext("The key that signed it is not one Parley publishes.")
    try:
        payload = jwt.decode(token, jwt.PyJWK(key.public_jwk).key, algorithms=[ALGORITHM],
                             options={"verify_exp": False, "verify_nbf": False, "verify_iat": False,
                                      "verify_aud": False})
    except jwt.PyJWTError:
        return None, key, gettext("The signature does not match the content.")
    return payload, key, gettext("Signed by the key %(kid)s.") % {"kid": key.kid}


def _parse_time(text) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None


def _revoked(payload: dict, academy) -> tuple[bool | None, str]:
    status = payload.get("credentialStatus") or {}
    if status.get("statusListCredential") != status_list_url(academy):
        return None, gettext("The status list it names is not its issuer's.")
    published, _key, _detail = _verified_payload(status_list_token(academy))
    try:
        index = int(status["statusListIndex"])
        set_ = documents.bit_is_set(published["credentialSubject"]["encodedList"], index)
    except (KeyError, TypeError, ValueError):
        return None, gettext("The status list could not be read.")
    return set_, gettext("Revoked by its issuer.") if set_ else gettext("Not revoked.")


def credential_verify(*, token: str, now=None) -> dict:
    """`{valid, checks: [{check, passed, detail}], credential}`; `passed` is None for a check that
    could not be made because an earlier one failed. Valid only when every check passed."""
    now = now or timezone.now()
    payload, key, detail = _verified_payload(token)
    checks = [_check("signature", payload is not None, detail)]
    if payload is None:
        checks += [_check(name, None, gettext("Not checked: the signature failed.")) for name in CHECKS[1:]]
        return {"valid": False, "checks": checks, "credential": None}
    academy = key.academy
    expected = issuer_id(academy)
    issuer_ok = (isinstance(payload.get("issuer"), dict) and payload["issuer"].get("id") == expected
                 and payload.get("iss") == expected)
    checks.append(_check("issuer", issuer_ok, gettext("Issued by %(name)s.") % {"name": academy.name} if issuer_ok
                         else gettext("The issuer it names did not sign it.")))
    valid_from, valid_until = _parse_time(payload.get("validFrom")), payload.get("validUntil")
    until = _parse_time(valid_until) if valid_until else None
    if valid_from is None or (valid_until and until is None):
        checks.append(_check("validity", False, gettext("Its validity period cannot be read.")))
    elif now < valid_from:
        checks.append(_check("validity", False, gettext("Not valid yet.")))
    elif until is not None and now >= until:
        checks.append(_check("validity", False, gettext("Expired on %(date)s.") % {"date": valid_until}))
    else:
        checks.append(_check("validity", True, gettext("Within its validity period.")))
    if issuer_ok:
        revoked, detail = _revoked(payload, academy)
        checks.append(_check("revocation", None if revoked is None else not revoked, detail))
    else:
        checks.append(_check("revocation", None, gettext("Not checked: the issuer is wrong.")))
    return {"valid": all(c["passed"] for c in checks), "checks": checks, "credential": payload}
