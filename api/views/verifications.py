"""Teacher verification: a teacher asks, academy staff or an admin decide (courses/services.py)."""
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from courses import access, selectors, services
from courses.models import TeacherVerification

from ..permissions import IsAcademyStaff, IsTeacher
from ..schema import error_responses
from ..serializers import verifications as s
from .base import validated


def _state_json(user) -> dict:
    latest = TeacherVerification.objects.filter(teacher=user, revoked_at__isnull=True).order_by("-created_at", "-id")
    row = latest.values_list("id", flat=True).first()
    return {"id": row, "state": access.verification_state(user)}


class MyVerificationView(APIView):
    permission_classes = [IsTeacher]

    @extend_schema(responses={200: s.VerificationStateOut}, tags=["teachers"],
                   description="`none`, `pending`, `verified` or `rejected`. A verified teacher may override "
                               "reply criteria for their classes' learners.")
    def get(self, request):
        return Response(_state_json(request.user))

    @extend_schema(request=s.VerificationIn, responses={202: s.VerificationStateOut, **error_responses(403, 409)},
                   tags=["teachers"], description="Ask academy staff to verify you.")
    def post(self, request):
        data = validated(s.VerificationIn, request.data)
        row = services.verification_request(teacher=request.user, school=data["school"], note=data["note"])
        return Response({"id": row.pk, "state": row.state}, status=status.HTTP_202_ACCEPTED)


class VerificationListView(GenericAPIView):
    queryset = TeacherVerification.objects.none()  # for the schema generator; reads go through selectors
    permission_classes = [IsAcademyStaff]

    @extend_schema(responses={200: s.VerificationOut(many=True)}, tags=["teachers"],
                   description="Pending requests, oldest first.")
    def get(self, request):
        page = self.paginate_queryset(selectors.verification_requests(user=request.user))
        return self.get_paginated_response([selectors.verification_json(v) for v in page])


class _DecisionView(APIView):
    permission_classes = [IsAcademyStaff]
    approve = True

    @extend_schema(request=s.DecisionIn, responses={200: s.VerificationOut, **error_responses(403, 404, 409)},
                   tags=["teachers"])
    def post(self, request, verification_id):
        data = validated(s.DecisionIn, request.data)
        row = services.verification_decide(actor=request.user, verification_id=verification_id,
                                           approve=self.approve, note=data["note"])
        return Response(selectors.verification_json(row))


class VerificationApproveView(_DecisionView):
    approve = True


class VerificationRejectView(_DecisionView):
    approve = False
