"""Talking to the platform over HTTP: its JWKS (cached, refreshed when a launch names an unknown kid),
its OpenID configuration and registration endpoint (Dynamic Registration)."""
import json
import time
import urllib.error
import urllib.request

import jwt
from django.conf import settings
from django.core.cache import cache

MAX_BODY = 256 * 1024  # a JWKS or a configuration is a few kilobytes


class PlatformUnreachable(Exception):
    """The platform did not answer, or answered what is not the JSON asked for."""


def http_json(url: str, *, data: dict | None = None, bearer: str | None = None) -> dict:
    """GET `url` (POST `data` as JSON when given) and read a JSON object, at most MAX_BODY bytes."""
    if not url.startswith(("https://", "http://")):
        raise PlatformUnreachable("not an http(s) URL")
    headers = {"Accept": "application/json"}
    body = None
    if data is not None:
        body = json.dumps(data).encode()
        headers["Content-Type"] = "application/json"
    if bearer:
        headers["Authorization"] = f"Bearer {bearer}"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=settings.LTI_HTTP_TIMEOUT) as response:  # noqa: S310
            raw = response.read(MAX_BODY + 1)
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise PlatformUnreachable(str(error)) from error
    if len(raw) > MAX_BODY:
        raise PlatformUnreachable("answer too large")
    try:
        value = json.loads(raw)
    except ValueError as error:
        raise PlatformUnreachable("answer is not JSON") from error
    if not isinstance(value, dict):
        raise PlatformUnreachable("answer is not a JSON object")
    return value


def _cache_key(registration) -> str:
    return f"lti:jwks:{registration.pk}:{registration.jwks_url}"


def _fetch(registration) -> dict:
    jwks = http_json(registration.jwks_url)
    keys = [key for key in jwks.get("keys", []) if isinstance(key, dict) and key.get("kid")]
    entry = {"keys": {key["kid"]: key for key in keys}, "fetched": time.time()}
    cache.set(_cache_key(registration), entry, settings.LTI_JWKS_CACHE_SECONDS)
    return entry


def platform_key(registration, kid: str):
    """The platform's public key named `kid`, or None. Read from the cached JWKS; an unknown kid fetches
    the JWKS again (the platform rotated), at most once per LTI_JWKS_REFRESH_MIN_SECONDS, so made-up kids
    do not turn every launch into a fetch. Raises PlatformUnreachable when the JWKS cannot be read."""
    entry = cache.get(_cache_key(registration))
    if entry is None or (kid not in entry["keys"]
                         and time.time() - entry["fetched"] >= settings.LTI_JWKS_REFRESH_MIN_SECONDS):
        entry = _fetch(registration)
    jwk = entry["keys"].get(kid)
    if jwk is None or jwk.get("kty") != "RSA" or jwk.get("alg", "RS256") != "RS256":
        return None
    try:
        return jwt.PyJWK(jwk, algorithm="RS256").key
    except jwt.PyJWKError:
        return None


def http_post(url: str, body: bytes, *, content_type: str, bearer: str | None = None) -> tuple[int, bytes]:
    """POST `body`; (status, up to MAX_BODY bytes of the answer). Raises PlatformUnreachable when there is
    no answer, or the answer is a 5xx or 429 (worth trying again); other statuses are returned."""
    if not url.startswith(("https://", "http://")):
        raise PlatformUnreachable("not an http(s) URL")
    headers = {"Content-Type": content_type, "Accept": "application/json"}
    if bearer:
        headers["Authorization"] = f"Bearer {bearer}"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=settings.LTI_HTTP_TIMEOUT) as response:  # noqa: S310
            return response.status, response.read(MAX_BODY)
    except urllib.error.HTTPError as error:
        if error.code >= 500 or error.code == 429:
            raise PlatformUnreachable(f"HTTP {error.code}") from error
        return error.code, error.read(MAX_BODY)
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise PlatformUnreachable(str(error)) from error


def http_get_page(url: str, *, bearer: str, accept: str) -> tuple[dict, str | None]:
    """GET one page of a JSON list with a bearer token: (the JSON object, the URL of the next page named by
    a `Link: <...>; rel="next"` header, or None)."""
    if not url.startswith(("https://", "http://")):
        raise PlatformUnreachable("not an http(s) URL")
    request = urllib.request.Request(url, headers={"Accept": accept, "Authorization": f"Bearer {bearer}"})
    try:
        with urllib.request.urlopen(request, timeout=settings.LTI_HTTP_TIMEOUT) as response:  # noqa: S310
            raw, link = response.read(MAX_BODY * 16 + 1), response.headers.get("Link", "")
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise PlatformUnreachable(str(error)) from error
    if len(raw) > MAX_BODY * 16:
        raise PlatformUnreachable("answer too large")
    try:
        value = json.loads(raw)
    except ValueError as error:
        raise PlatformUnreachable("answer is not JSON") from error
    if not isinstance(value, dict):
        raise PlatformUnreachable("answer is not a JSON object")
    following = None
    for part in link.split(","):
        if 'rel="next"' in part and "<" in part and ">" in part:
            following = part[part.index("<") + 1:part.index(">")]
    return value, following
