"""An LTI 1.3 platform played for real: its own RSA keys, its JWKS, OpenID configuration, registration
and token endpoints served over HTTP on 127.0.0.1 by a threaded http.server; launches signed with PyJWT
and driven through the OIDC login and the launch with Django's test client."""
import html
import json
import re
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client

from lti.launch import LTI
from lti.models import Deployment, Registration

LAUNCH_URL = "http://testserver/lti/launch/"


class PlatformKey:
    def __init__(self):
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = secrets.token_hex(8)
        self.pem = self.private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption())

    def jwk(self) -> dict:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key()))
        return {**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}


class Platform:
    """The LMS: what it publishes, and what it received (registrations posted, JWKS fetches)."""

    def __init__(self, base: str):
        self.base = base
        self.issuer = base
        self.keys = [PlatformKey()]
        self.jwks_fetches = 0
        self.registrations_received = []
        self.client_id = "parley-client-" + secrets.token_hex(4)
        self.scores_received = []  # (line item path, Authorization header, score JSON)
        self.token_requests = []
        self.down = False  # the score and token endpoints answer 503 while True
        self.tokens_issued = set()
        self.refuse_scores = False  # the score endpoint answers 422 while True
        self.members = []  # the NRPS roster, served two members a page
        self.tool = None  # Parley's address, for the course page and authorization a browser goes through
        self.roster_requests = []
        self.deployment_id = "dep-1"

    def url(self, path):
        return self.base + path

    def openid_configuration(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.url("/auth"),
            "token_endpoint": self.url("/token"),
            "jwks_uri": self.url("/jwks"),
            "registration_endpoint": self.url("/register"),
            "https://purl.imsglobal.org/spec/lti-platform-configuration": {"product_family_code": "played-lms"},
        }

    def sign(self, claims: dict, key: PlatformKey | None = None) -> str:
        key = key or self.keys[0]
        return jwt.encode(claims, key.pem, algorithm="RS256", headers={"kid": key.kid})

    def claims(self, *, nonce: str, sub="user-1", roles=("Learner",), context=("ctx-1", "Negotiation 101"),
               custom=None, **extra) -> dict:
        now = int(time.time())
        role_uris = [f"http://purl.imsglobal.org/vocab/lis/v2/membership#{r}" if "/" not in r else r for r in roles]
        claims = {
            "iss": self.issuer, "aud": self.client_id, "sub": sub, "iat": now, "exp": now + 300, "nonce": nonce,
            LTI + "message_type": "LtiResourceLinkRequest", LTI + "version": "1.3.0",
            LTI + "deployment_id": self.deployment_id, LTI + "target_link_uri": LAUNCH_URL,
            LTI + "resource_link": {"id": "link-1"}, LTI + "roles": role_uris,
            LTI + "launch_presentation": {"return_url": self.url("/course/1"), "document_target": "iframe"},
        }
        if context:
            claims[LTI + "context"] = {"id": context[0], "title": context[1]}
        if custom:
            claims[LTI + "custom"] = custom
        claims.update(extra)
        return claims


def _handler(platform: Platform):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _json(self, status, body):
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def _html(self, text):
            raw = text.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_GET(self):
            split = urllib.parse.urlsplit(self.path)
            query = {k: v[0] for k, v in urllib.parse.parse_qs(split.query).items()}
            if split.path == "/course" and platform.tool:
                # The LMS's course page: Parley in a frame, started by the LMS's login initiation.
                tool = platform.tool
                return self._html(f"""<!doctype html><title>LMS course</title><h1>Negotiation 101</h1>
<form id="start" method="post" action="{tool}/lti/login/" target="parley">
<input type="hidden" name="iss" value="{platform.issuer}"><input type="hidden" name="login_hint" value="u-7">
<input type="hidden" name="client_id" value="{platform.client_id}">
<input type="hidden" name="target_link_uri" value="{tool}/lti/launch/"></form>
<iframe name="parley" title="Parley" width="1000" height="600"></iframe>
<script>document.getElementById("start").submit();</script>""")
            if split.path == "/auth" and platform.tool:
                # The platform's OIDC authorization: it signs the launch and posts it back to the tool.
                claims = platform.claims(nonce=query.get("nonce", ""), sub=query.get("login_hint", "u"))
                claims[LTI + "target_link_uri"] = f"{platform.tool}/lti/launch/"
                token = platform.sign(claims)
                return self._html(f"""<!doctype html><form id="f" method="post" action="{query['redirect_uri']}">
<input type="hidden" name="id_token" value="{token}"><input type="hidden" name="state" value="{query['state']}">
</form><script>document.getElementById("f").submit();</script>""")
            if self.path == "/jwks":
                platform.jwks_fetches += 1
                return self._json(200, {"keys": [k.jwk() for k in platform.keys]})
            if self.path.startswith("/memberships"):
                auth = self.headers.get("Authorization", "").removeprefix("Bearer ")
                if auth not in platform.tokens_issued:
                    return self._json(401, {})
                platform.roster_requests.append((self.path, self.headers.get("Accept")))
                page = int(urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get("page", ["0"])[0])
                chunk = platform.members[page * 2:page * 2 + 2]
                raw = json.dumps({"id": platform.url(self.path), "context": {"id": "ctx-1"},
                                  "members": chunk}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/vnd.ims.lti-nrps.v2.membershipcontainer+json")
                if (page + 1) * 2 < len(platform.members):
                    self.send_header("Link", f'<{platform.url(f"/memberships?page={page + 1}")}>; rel="next"')
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)
                return None
            if self.path == "/.well-known/openid-configuration":
                return self._json(200, platform.openid_configuration())
            return self._json(404, {})

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if platform.down and self.path in ("/token",) or platform.down and self.path.endswith("/scores"):
                return self._json(503, {"error": "down for maintenance"})
            if self.path == "/token":
                form = dict(urllib.parse.parse_qsl(body.decode()))
                platform.token_requests.append(form)
                token = secrets.token_urlsafe(16)
                platform.tokens_issued.add(token)
                return self._json(200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600})
            if self.path.startswith("/lineitems/") and self.path.endswith("/scores"):
                auth = self.headers.get("Authorization", "")
                if auth.removeprefix("Bearer ") not in platform.tokens_issued:
                    return self._json(401, {})
                if platform.refuse_scores:
                    return self._json(422, {"error": "no such user in this course"})
                platform.scores_received.append((self.path, self.headers.get("Content-Type"), json.loads(body)))
                return self._json(200, {})
            if self.path == "/register":
                platform.registrations_received.append(
                    {"authorization": self.headers.get("Authorization"), "body": json.loads(body)})
                return self._json(200, {
                    "client_id": platform.client_id,
                    "https://purl.imsglobal.org/spec/lti-tool-configuration": {"deployment_id": platform.deployment_id},
                })
            return self._json(404, {})

    return Handler


@pytest.fixture
def platform():
    server = ThreadingHTTPServer(("127.0.0.1", 0), None)
    lms = Platform(f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(lms)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield lms
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _fresh_jwks_cache(settings):
    from django.core.cache import cache

    settings.LTI_JWKS_REFRESH_MIN_SECONDS = 0
    cache.clear()


def register(platform: Platform, academy, staff, *, vouches=False, school="Lycée Jean Monnet") -> Registration:
    registration = Registration.objects.create(
        academy=academy, school=school, vouches_for_teachers=vouches, issuer=platform.issuer,
        client_id=platform.client_id, auth_login_url=platform.url("/auth"), token_url=platform.url("/token"),
        jwks_url=platform.url("/jwks"), created_by=staff)
    Deployment.objects.create(registration=registration, deployment_id=platform.deployment_id)
    return registration


def login(client: Client, platform: Platform, **params) -> dict:
    """The platform's login initiation; returns the authorization request's parameters (state, nonce...)."""
    query = {"iss": platform.issuer, "login_hint": "hint-1", "target_link_uri": LAUNCH_URL,
             "client_id": platform.client_id, **params}
    response = client.get("/lti/login/", query)
    assert response.status_code == 200, response.content[:500]
    auth_url = html.unescape(re.search(r'data-auth-url="([^"]+)"', response.content.decode()).group(1))
    assert auth_url.startswith(platform.url("/auth?"))
    return {k: v[0] for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(auth_url).query).items()}


def launch(client: Client, platform: Platform, *, key=None, mutate=None, **claim_args):
    """Login, then the launch the platform posts back: claims built for the login's nonce, changed by
    `mutate` (a function of the claims), signed with `key` (the platform's current key by default)."""
    auth = login(client, platform)
    claims = platform.claims(nonce=auth["nonce"], **claim_args)
    if mutate:
        mutate(claims)
    token = platform.sign(claims, key=key)
    response = client.post("/lti/launch/", {"id_token": token, "state": auth["state"]})
    response.lti_auth, response.lti_token = auth, token
    return response
