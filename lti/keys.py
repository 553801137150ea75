"""The tool's signing keys and the JWKS that publishes them.

The newest unretired key signs. Rotating makes a new key and retires the others; a retired key stays in
the JWKS for LTI_KEY_GRACE_SECONDS (a platform that cached our JWKS, or holds a message we signed, can
still check it), then is deleted. Private keys are kept in the database, like the sessions' secrets are
kept in the installation: whoever reads the database can act as the tool.
"""
import datetime
import json
import secrets

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import ToolKey


def _new_key() -> ToolKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    kid = secrets.token_urlsafe(16)
    public_jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    public_jwk.update({"kid": kid, "alg": "RS256", "use": "sig"})
    return ToolKey.objects.create(kid=kid, private_pem=pem, public_jwk=public_jwk)


def _grace() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.LTI_KEY_GRACE_SECONDS)


def tool_signing_key() -> ToolKey:
    """The key that signs now; the first call of an installation makes it."""
    key = ToolKey.objects.filter(retired_at__isnull=True).order_by("-created_at", "-id").first()
    if key is None:
        with transaction.atomic():
            key = ToolKey.objects.select_for_update().filter(retired_at__isnull=True).first() or _new_key()
    return key


def tool_jwks() -> dict:
    """The JWKS the platforms fetch: the signing key and the keys retired less than the grace period ago."""
    tool_signing_key()
    since = timezone.now() - _grace()
    keys = ToolKey.objects.filter(Q(retired_at__isnull=True) | Q(retired_at__gt=since)).order_by("-created_at")
    return {"keys": [key.public_jwk for key in keys]}


@transaction.atomic
def tool_key_rotate() -> ToolKey:
    """A new signing key; the old ones retired (published for the grace period), those past it deleted.
    Safe to run twice: each run makes one more key."""
    now = timezone.now()
    ToolKey.objects.filter(retired_at__isnull=True).update(retired_at=now)
    ToolKey.objects.filter(retired_at__lte=now - _grace()).delete()
    return _new_key()


def tool_sign(claims: dict) -> str:
    """A JWT signed with the signing key, its kid in the header (deep linking answers, client assertions)."""
    key = tool_signing_key()
    return jwt.encode(claims, key.private_pem, algorithm="RS256", headers={"kid": key.kid})
