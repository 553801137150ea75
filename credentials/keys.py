"""Each academy's signing keys and the JWKS that publishes them.

The newest unretired key of an academy signs. Rotating makes a new key and retires the others; unlike
the LTI tool's keys (lti/keys.py), a retired key is never dropped from the JWKS, since the badges it
signed are meant to be checked for years. A key's `kid` is the JWKS address with the key's name as the
fragment, so a verifier that holds only the credential knows where its issuer publishes the key.
"""
import json
import secrets

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.db import transaction
from django.utils import timezone

from accounts.mail import site_url

from .models import AcademyKey

ALGORITHM = "ES256"


def jwks_url(academy) -> str:
    return site_url(f"/api/v1/academies/{academy.slug}/jwks/")


def _new_key(academy) -> AcademyKey:
    private = ec.generate_private_key(ec.SECP256R1())
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    kid = f"{jwks_url(academy)}#{secrets.token_urlsafe(12)}"
    public_jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(private.public_key()))
    public_jwk.update({"kid": kid, "alg": ALGORITHM, "use": "sig"})
    return AcademyKey.objects.create(academy=academy, kid=kid, private_pem=pem, public_jwk=public_jwk)


def academy_signing_key(academy) -> AcademyKey:
    """The key that signs for `academy` now; the academy's first badge makes it (under a lock on the
    academy's row, so two workers make one)."""
    key = AcademyKey.objects.filter(academy=academy, retired_at__isnull=True).order_by("-created_at", "-id").first()
    if key is None:
        from accounts.models import Academy

        with transaction.atomic():
            Academy.objects.select_for_update().filter(pk=academy.pk).first()
            key = (AcademyKey.objects.filter(academy=academy, retired_at__isnull=True).first()
                   or _new_key(academy))
    return key


def academy_jwks(academy) -> dict:
    """Every public key the academy ever signed with, newest first (retired ones too)."""
    keys = AcademyKey.objects.filter(academy=academy).order_by("-created_at", "-id")
    return {"keys": list(keys.values_list("public_jwk", flat=True))}


@transaction.atomic
def academy_key_rotate(*, academy) -> AcademyKey:
    """A new signing key for the academy; the others retired and still published. Each run makes one more."""
    AcademyKey.objects.filter(academy=academy, retired_at__isnull=True).update(retired_at=timezone.now())
    return _new_key(academy)


def sign(*, academy, claims: dict) -> str:
    """A compact VC-JWT (JWS, header typ "vc+jwt") of `claims`, signed with the academy's key."""
    key = academy_signing_key(academy)
    return jwt.encode(claims, key.private_pem, algorithm=ALGORITHM, headers={"kid": key.kid, "typ": "vc+jwt"})
