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
