"""An independent verifier for the tests: joserfc (not PyJWT, which signs), fed only what Parley
publishes, fetched through the Django test client as a wallet would fetch it over HTTPS."""
import base64
import datetime
import gzip
import json
from urllib.parse import urlsplit

from joserfc import jwt as jose_jwt
from joserfc.jwk import KeySet


class Refused(Exception):
    """The verifier would not accept the credential; the message says which check failed."""


def _get(client, url: str):
    response = client.get(urlsplit(url).path)
    assert response.status_code == 200, (url, response.status_code)
    return response


def _header(token: str) -> dict:
    part = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def verify_signature(client, token: str) -> dict:
    """The payload, once its signature checks against the key its `kid` names in the issuer's JWKS."""
    header = _header(token)
    if header.get("typ") != "vc+jwt" or header.get("alg") != "ES256":
        raise Refused("header")
    jwks = _get(client, header["kid"].split("#")[0]).json()
    try:
        decoded = jose_jwt.decode(token, KeySet.import_key_set(jwks), algorithms=["ES256"])
    except Exception as error:  # joserfc's BadSignatureError, or no key of that kid
        raise Refused(f"signature: {error}") from error
    return decoded.claims


def _bit(encoded: str, index: int) -> bool:
    assert encoded.startswith("u")
    raw = base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4))
    bits = gzip.decompress(raw)
    assert len(bits) >= 16 * 1024, "the spec's minimum size"
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def verify(client, token: str, *, trusted_issuer: str, now=None) -> dict:
    """Every check a relying party makes; returns the credential or raises Refused."""
    now = now or datetime.datetime.now(datetime.UTC)
    claims = verify_signature(client, token)
    issuer = claims["issuer"]["id"]
    if issuer != trusted_issuer or claims.get("iss") != issuer:
        raise Refused("issuer")
    # The key must be published under the issuer's own academy: its JWKS sits beside the issuer profile.
    if _header(token)["kid"].split("#")[0].rsplit("/", 2)[0] != issuer.rsplit("/", 2)[0]:
        raise Refused("issuer")
    if "validUntil" in claims and now >= datetime.datetime.fromisoformat(claims["validUntil"].replace("Z", "+00:00")):
        raise Refused("expired")
    status = claims["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    listed = verify_signature(client, _get(client, status["statusListCredential"]).content.decode())
    if listed["issuer"]["id"] != issuer:
        raise Refused("status list issuer")
    if _bit(listed["credentialSubject"]["encodedList"], int(status["statusListIndex"])):
        raise Refused("revoked")
    return claims


# Open Badges 3.0 (OpenBadgeCredential, AchievementSubject, Achievement, Profile): required properties.
REQUIRED = {
    "credential": {"@context", "id", "type", "issuer", "validFrom", "credentialSubject", "name"},
    "subject": {"type", "achievement"},
    "achievement": {"id", "type", "criteria", "description", "name"},
    "profile": {"id", "type"},
}


def ob3_problems(credential: dict) -> list[str]:
    problems = []
    for part, value in (("credential", credential), ("subject", credential.get("credentialSubject", {})),
                        ("achievement", credential.get("credentialSubject", {}).get("achievement", {})),
                        ("profile", credential.get("issuer", {}))):
        problems += [f"{part} lacks {key}" for key in REQUIRED[part] - set(value)]
    if credential.get("@context", [None])[0] != "https://www.w3.org/ns/credentials/v2":
        problems.append("the VC 2.0 context comes first")
    if not any("purl.imsglobal.org/spec/ob/v3p0/context" in c for c in credential.get("@context", [])):
        problems.append("no Open Badges 3.0 context")
    if not {"VerifiableCredential", "OpenBadgeCredential"} <= set(credential.get("type", [])):
        problems.append("types")
    if "AchievementSubject" not in credential.get("credentialSubject", {}).get("type", []):
        problems.append("subject type")
    if not credential.get("credentialSubject", {}).get("achievement", {}).get("criteria", {}).get("narrative"):
        problems.append("criteria narrative")
    return problems
