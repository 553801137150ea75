"""Reads of credentials, shaped for the API and the site."""
import uuid

from .models import Credential


def credential_by_public_id(public_id) -> Credential | None:
    """The credential of that public id, with its course and academy; None for a malformed or unknown id."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return Credential.objects.select_related("course", "academy").filter(public_id=key).first()


def learner_credentials(*, learner):
    """The learner's credentials, newest first, with course and academy (one query)."""
    return Credential.objects.filter(learner=learner).select_related("course", "academy").order_by("-issued_at", "-id")


def rendered_certificate_ids(*, learner) -> set[int]:
    """Ids of the learner's credentials whose certificate is rendered (one query, no file read)."""
    from .models import Certificate

    return set(Certificate.objects.filter(credential__learner=learner).values_list("credential_id", flat=True))


def certificate_file(*, credential, kind: str) -> bytes | None:
    """The PNG or PDF (`kind`) of the credential's certificate; None while it is not rendered, and for a
    revoked credential (its certificate is not offered)."""
    from .models import Certificate

    if credential.revoked_at is not None or kind not in ("png", "pdf"):
        return None
    value = Certificate.objects.filter(credential=credential).values_list(kind, flat=True).first()
    return bytes(value) if value is not None else None
