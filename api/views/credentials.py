"""Open Badges 3.0: an academy's published keys, issuer profile and status list; a learner's badges;
verification by anyone; revocation by the academy's staff. Rules in courses/access.py, the work in
credentials/services.py."""
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Academy
from courses.access import may_download_credential, may_revoke_credential, may_revoke_credentials
from credentials import keys, services
from credentials.models import Credential
from credentials.selectors import credential_by_public_id, learner_credentials

from ..schema import error_responses
from ..serializers import credentials as s
from .base import validated


def _academy(slug) -> Academy:
    academy = Academy.objects.filter(slug=slug).first()
    if academy is None:
        raise NotFound("No such academy.")
    return academy


def _credential(public_id) -> Credential:
    credential = credential_by_public_id(public_id)
    if credential is None:
        raise NotFound("No such credential.")
    return credential


def credential_json(credential: Credential) -> dict:
    return {"id": credential.public_id, "course": credential.course_id, "course_title": credential.course.title,
            "academy": credential.academy.name, "issued_at": credential.issued_at,
            "valid_until": credential.valid_until, "revoked_at": credential.revoked_at,
            "share_url": services.share_url(credential), "credential": credential.document, "jwt": credential.token}


class PublicView(APIView):
    """Published documents: read no credentials, so a stale token is no reason to refuse them."""
    authentication_classes = []
    permission_classes = [AllowAny]


class AcademyJwksView(PublicView):
    @extend_schema(responses={200: s.AcademyJwksOut}, tags=["credentials"],
                   description="The academy's public signing keys (JWKS), every key it ever signed badges "
                               "with: a credential's `kid` is this address with the key's name as fragment.")
    def get(self, request, academy_slug):
        return Response(keys.academy_jwks(_academy(academy_slug)))


class AcademyIssuerView(PublicView):
    @extend_schema(responses={200: s.IssuerProfileOut}, tags=["credentials"],
                   description="The academy as an Open Badges issuer (a Profile): the `issuer.id` of its badges.")
    def get(self, request, academy_slug):
        return Response(services.issuer_document(_academy(academy_slug)))


class AcademyStatusListView(PublicView):
    @extend_schema(responses={(200, "application/vc+jwt"): OpenApiResponse(
        OpenApiTypes.STR, description="a BitstringStatusListCredential as a compact VC-JWT")}, tags=["credentials"],
        description="The academy's revocation list (Bitstring Status List, 131,072 entries), signed now: a "
                    "credential's `credentialStatus` names it and a bit in it.")
    def get(self, request, academy_slug):
        token = services.status_list_token(_academy(academy_slug))
        return HttpResponse(token, content_type="application/vc+jwt")


class MyCredentialsView(GenericAPIView):
    queryset = Credential.objects.none()  # for the schema generator
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: s.CredentialOut(many=True)}, tags=["credentials"],
                   description="My Open Badges, newest first: each as JSON and as a compact VC-JWT.")
    def get(self, request):
        page = self.paginate_queryset(learner_credentials(learner=request.user))
        return self.get_paginated_response([credential_json(c) for c in page])


class MyCredentialView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: s.CredentialOut}, tags=["credentials"],
                   description="One of my badges (JSON and JWT); anyone else's is a 404 like a missing one.")
    def get(self, request, credential_id):
        credential = _credential(credential_id)
        if not may_download_credential(user=request.user, learner_id=credential.learner_id):
            raise NotFound("No such credential.")
        return Response(credential_json(credential))


class CredentialVerifyView(PublicView):
    @extend_schema(responses={200: s.CredentialVerificationOut}, tags=["credentials"],
                   description="Check a shared badge by its public id: signature, issuer, validity period and "
                               "revocation, each named with what it found.")
    def get(self, request, credential_id):
        return Response(services.credential_verify(token=_credential(credential_id).token))


class VerifyView(APIView):
    # Open to anyone, but it reads the session like the catalogue does: a stale token is refused, and a
    # post through a signed-in session carries CSRF's token (tests/security/test_csrf.py).
    permission_classes = [AllowAny]

    @extend_schema(request=s.CredentialVerifyIn, responses={200: s.CredentialVerificationOut}, tags=["credentials"],
                   description="Check any compact VC-JWT: 200 with `valid` false and the failed check when it "
                               "is not one of Parley's, tampered, expired or revoked.")
    def post(self, request):
        return Response(services.credential_verify(token=validated(s.CredentialVerifyIn, request.data)["jwt"]))


class CredentialRevokeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.CredentialRevokeIn, responses={200: s.CredentialRevokedOut, **error_responses(403)},
                   tags=["credentials"],
                   description="Revoke a badge of my academy (its staff, an admin): its bit in the status list "
                               "is set. Repeating it is harmless. Another academy's badge is a 404.")
    def post(self, request, credential_id):
        if not may_revoke_credentials(user=request.user):
            raise PermissionDenied("Only academy staff revoke credentials.")
        credential = _credential(credential_id)
        if not may_revoke_credential(user=request.user, academy_id=credential.academy_id):
            raise NotFound("No such credential.")
        data = validated(s.CredentialRevokeIn, request.data)
        row = services.credential_revoke(actor=request.user, credential=credential, reason=data["reason"])
        return Response({"id": row.public_id, "revoked_at": row.revoked_at})
