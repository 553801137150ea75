from django.contrib.auth import authenticate, logout, update_session_auth_hash
from django.utils import translation
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import audit, privacy, services
from accounts.models import ApiToken, AuditEvent
from accounts.services import token_issue, token_revoke, user_register

from ..permissions import IsAcademyStaff
from ..schema import AutoSchema, error_responses
from ..serializers import accounts as s
from ..serializers.common import AcceptedOut
from ..throttles import AuthAccountThrottle, AuthAddressThrottle, AuthEmailThrottle, PasswordCheckThrottle
from .base import validated


def user_json(user) -> dict:
    return {"id": user.pk, "username": user.username, "email": user.email, "role": user.role}


class RegisterView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [AuthAddressThrottle, AuthAccountThrottle]

    @extend_schema(
        request=s.RegisterIn, responses={201: s.UserOut}, tags=["accounts"],
        description="Create a student or teacher account; a link to confirm the address is mailed to it. "
                    "The username is stored in Unicode NFKC. Refusals: `username` `unique` (taken, in any case) "
                    "or `confusable` (it looks like a taken one, or mixes alphabets to imitate another name); "
                    "`email` `unique` (an account has that address, in any case); `password` `weak_password`.")
    def post(self, request):
        data = validated(s.RegisterIn, request.data)
        user = user_register(**data, language=translation.get_language())
        return Response(user_json(user), status=status.HTTP_201_CREATED)


class TokenView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [AuthAddressThrottle, AuthAccountThrottle]

    @extend_schema(request=s.TokenIn, responses={200: s.TokenOut}, tags=["accounts"])
    def post(self, request):
        data = validated(s.TokenIn, request.data)
        user = authenticate(request, username=data["username"], password=data["password"])
        if user is None:
            raise AuthenticationFailed("Wrong username or password.", code="invalid_credentials")
        raw = token_issue(user=user)
        token = ApiToken.objects.get(digest=ApiToken.digest_of(raw))
        return Response({"token": raw, "type": "Bearer", "expires_at": token.expires_at})


class LogoutView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None}, tags=["accounts"],
                   description="Sign out: the bearer token sent is revoked, and a session cookie's session ends.")
    def post(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "").split()
        if len(header) == 2 and header[0].lower() == "bearer":
            token_revoke(raw=header[1])
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [AuthAddressThrottle, PasswordCheckThrottle]

    @extend_schema(
        request=s.PasswordChangeIn, responses={204: None}, tags=["accounts"],
        description="Change your password. Every bearer token of the account is revoked, the one sending this "
                    "request too (ask POST /api/v1/auth/token/ for a fresh one), and every session ends except "
                    "the one sending this request, if it came with a session cookie. Refusals: `old_password` "
                    "`wrong_password`, `new_password` `weak_password`. Limited per account like signing in.")
    def post(self, request):
        data = validated(s.PasswordChangeIn, request.data)
        services.user_change_password(user=request.user, old_password=data["old_password"],
                                      new_password=data["new_password"], ip=audit.client_ip(request))
        if request.session.get("_auth_user_id"):
            update_session_auth_hash(request._request, request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EmailChangeView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [AuthAddressThrottle, PasswordCheckThrottle]

    @extend_schema(
        request=s.EmailChangeIn, responses={202: AcceptedOut}, tags=["accounts"],
        description="Change your email address. The account's address is the new one at once, unconfirmed "
                    "(`email_verified` false in GET /api/v1/me/) until the link mailed to it is followed "
                    "(POST /api/v1/auth/verify-email/); the old address is told now, and again when the new "
                    "one is confirmed. The same address in another case changes nothing. Refusals: `password` "
                    "`wrong_password`, `email` `invalid` or `unique` (another account has it). Limited per "
                    "account like signing in.")
    def post(self, request):
        data = validated(s.EmailChangeIn, request.data)
        services.user_change_email(user=request.user, password=data["password"], email=data["email"],
                                   language=translation.get_language())
        return Response({"detail": "A link to confirm the new address is on its way to it."},
                        status=status.HTTP_202_ACCEPTED)


class SignOutEverywhereView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None}, tags=["accounts"],
                   description="Revoke every bearer token of the account and end every session, this one included.")
    def post(self, request):
        services.user_sign_out_everywhere(user=request.user, ip=audit.client_ip(request))
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EmailVerifyView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [AuthAddressThrottle]

    @extend_schema(request=s.EmailVerifyIn, responses={204: None}, tags=["accounts"],
                   description="Confirm an address with the token of the mailed link (the site's link "
                               "/account/verify-email/{token}/ does the same). Refusals: `token` `invalid` or "
                               "`expired`. Confirming again changes nothing.")
    def post(self, request):
        data = validated(s.EmailVerifyIn, request.data)
        services.email_verify(token=data["token"], ip=audit.client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class EmailResendView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [AuthAddressThrottle, AuthEmailThrottle]

    @extend_schema(request=s.EmailResendIn, responses={202: AcceptedOut}, tags=["accounts"],
                   description="Mail a new confirmation link if an account with that address still needs one. "
                               "The answer is the same for every address. Limited per address and per email.")
    def post(self, request):
        data = validated(s.EmailResendIn, request.data)
        services.email_verification_resend(email=data["email"], language=translation.get_language())
        return Response({"detail": "If an account with that address needs confirming, a link is on its way."},
                        status=status.HTTP_202_ACCEPTED)


class BodyOnDeleteSchema(AutoSchema):
    """drf-spectacular documents request bodies for POST, PUT and PATCH only; deleting
    the account takes the password in its body, which OpenAPI allows, so show it."""

    def _get_request_body(self, direction="request"):
        if self.method != "DELETE":
            return super()._get_request_body(direction)
        self.method = "POST"
        try:
            return super()._get_request_body(direction)
        finally:
            self.method = "DELETE"


class MeView(APIView):
    permission_classes = [IsAuthenticated]
    schema = BodyOnDeleteSchema()

    def get_throttles(self):
        if self.request.method == "DELETE":
            return [AuthAddressThrottle(), PasswordCheckThrottle()]
        return super().get_throttles()

    @extend_schema(responses={200: s.MeOut}, tags=["accounts"])
    def get(self, request):
        academies = [
            {"id": m.academy_id, "slug": m.academy.slug, "name": m.academy.name, "role": m.staff_role}
            for m in request.user.academy_memberships.select_related("academy")
        ]
        return Response({**user_json(request.user), "academies": academies,
                         "email_verified": request.user.email_verified_at is not None})

    @extend_schema(
        request=s.AccountDeleteIn,
        responses={204: None, 400: OpenApiResponse(description="wrong password, in the error shape"),
                   403: OpenApiResponse(description="academy staff and administrators are closed by an admin")},
        tags=["accounts"],
        description="Delete your account. Personal data is removed and every token and session ends; "
                    "graded attempts stay, anonymised, in class statistics.",
    )
    def delete(self, request):
        data = validated(s.AccountDeleteIn, request.data)
        privacy.account_delete(user=request.user, password=data["password"])
        logout(request._request)  # a session-signed request also loses its cookie now
        return Response(status=status.HTTP_204_NO_CONTENT)


class ExportView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: s.ExportOut}, tags=["accounts"],
                   description="Everything Parley keeps about you, as JSON (format parley-export/1).")
    def get(self, request):
        return Response(privacy.user_export(user=request.user))


def audit_event_json(event: AuditEvent) -> dict:
    actor = event.actor
    return {
        "id": event.pk,
        "at": event.at,
        "action": event.action,
        "actor": None if actor is None else {"id": actor.pk, "name": privacy.display_name(actor.username)},
        "academy": event.academy_id,
        "target": {"type": event.target_type, "id": event.target_id},
        "data": event.data,
    }


class AuditListView(GenericAPIView):
    """The audit log of the academies the caller manages (every academy for platform admins), newest first.

    Addresses are not shown here: they stay in the Django admin, for platform admins.
    """

    queryset = AuditEvent.objects.none()  # for the schema generator; reads go through audit.events_for_staff
    permission_classes = [IsAcademyStaff]

    @extend_schema(parameters=[s.AuditListParams], responses={200: s.AuditEventOut(many=True), **error_responses(400)},
                   tags=["accounts"])
    def get(self, request):
        params = validated(s.AuditListParams, request.query_params)
        events = audit.events_for_staff(request.user).select_related("actor").order_by("-at", "-id")
        if "action" in params:
            events = events.filter(action=params["action"])
        if "academy" in params:
            events = events.filter(academy_id=params["academy"])
        if "since" in params:
            events = events.filter(at__gte=params["since"])
        page = self.paginate_queryset(events)
        return self.get_paginated_response([audit_event_json(event) for event in page])
