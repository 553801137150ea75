"""What credentials keeps about a person, for the account export and deletion (accounts/privacy.py).

Export: the learner's badges (public id, course, academy, dates, the credential's JSON). Deletion,
inside the deletion's transaction: every badge of the learner is revoked, so a copy held by a wallet or
an employer checks as revoked from then on; the rows stay, their bits set in the academy's status list
(a row deleted would clear its bit and make the copies valid again). Their subject is the opaque
records.Actor name, which the records part forgets. Their certificates (PNG and PDF naming the learner,
credentials.certificates) are deleted. The export leaves the certificates out: they are renderings of
the badges it lists, downloadable from "My badges" while the account lives.
"""
from django.utils import timezone

from accounts.privacy import PrivacyPart

from .models import Certificate, Credential

RECORDS = {
    "credentials.Credential.learner": "exported (the badges, their JSON); revoked on deletion, kept so their "
                                      "status bit stays set",
    "credentials.Credential.revoked_by": "who of the academy's staff revoked a badge; kept (a staff action)",
}


def credentials_export(*, learner_id: int) -> dict:
    """The learner's badges: one query."""
    rows = Credential.objects.filter(learner_id=learner_id).order_by("id").values(
        "public_id", "course_id", "academy_id", "issued_at", "valid_until", "revoked_at", "document")
    return {"credentials": [{**row, "public_id": str(row["public_id"])} for row in rows]}


def credentials_anonymise(*, learner_id: int, now=None) -> dict:
    revoked = Credential.objects.filter(learner_id=learner_id, revoked_at__isnull=True).update(
        revoked_at=now or timezone.now(), revocation_reason="account deleted")
    # The certificates print the learner's name: deleted, not kept like the badges' rows.
    certificates, _ = Certificate.objects.filter(credential__learner_id=learner_id).delete()
    return {"credentials_revoked": revoked, "certificates_deleted": certificates}


PART = PrivacyPart(app="credentials", records=RECORDS, export=credentials_export, anonymise=credentials_anonymise,
                   export_queries=1)
