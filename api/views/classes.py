import csv
import io

from django.db.models import Count
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.privacy import display_name
from assessments.models import Attempt
from courses import progress, services
from courses.models import SchoolClass

from .. import serializers as s
from ..permissions import IsTeacher
from ..schema import error_responses
from ..throttles import JoinAccountThrottle, JoinAddressThrottle
from .base import validated


def class_json(school_class, students=None) -> dict:
    body = {"id": school_class.pk, "name": school_class.name, "join_code": school_class.join_code,
            "archived": school_class.archived_at is not None}
    if students is not None:
        body["students"] = students
    return body


def assignment_json(a) -> dict:
    return {"id": a.pk, "module": a.module_id, "course": a.course_id, "due_at": a.due_at}


class ClassListView(GenericAPIView):
    queryset = SchoolClass.objects.none()  # for the schema generator; reads go through selectors
    permission_classes = [IsTeacher]

    @extend_schema(responses={200: s.ClassOut(many=True)}, tags=["classes"])
    def get(self, request):
        # The aggregate drops Meta.ordering; pages need a stable order.
        qs = (SchoolClass.objects.filter(teacher=request.user).annotate(n=Count("memberships"))
              .order_by("-created_at", "-id"))
        if request.query_params.get("archived") != "true":
            qs = qs.filter(archived_at__isnull=True)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response([class_json(c, c.n) for c in page])

    @extend_schema(request=s.ClassIn, responses={201: s.ClassOut}, tags=["classes"])
    def post(self, request):
        data = validated(s.ClassIn, request.data)
        school_class = services.class_create(teacher=request.user, name=data["name"])
        return Response(class_json(school_class, 0), status=status.HTTP_201_CREATED)


class ClassDetailView(APIView):
    permission_classes = [IsTeacher]

    @extend_schema(responses={200: s.ClassOut}, tags=["classes"])
    def get(self, request, class_id):
        school_class = services.access_class(user=request.user, class_id=class_id)
        return Response(class_json(school_class, school_class.memberships.count()))

    @extend_schema(request=s.ClassUpdateIn, responses={200: s.ClassOut}, tags=["classes"])
    def patch(self, request, class_id):
        school_class = services.access_class(user=request.user, class_id=class_id)
        data = validated(s.ClassUpdateIn, request.data)
        if "name" in data:
            school_class.name = data["name"]
            school_class.save(update_fields=["name"])
        if "archived" in data:
            services.class_archive(school_class=school_class, archived=data["archived"])
        return Response(class_json(school_class))


class RotateCodeView(APIView):
    permission_classes = [IsTeacher]

    @extend_schema(request=None, responses={200: s.ClassOut}, tags=["classes"])
    def post(self, request, class_id):
        school_class = services.access_class(user=request.user, class_id=class_id)
        return Response(class_json(services.class_rotate_code(school_class=school_class)))


class JoinView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [JoinAddressThrottle, JoinAccountThrottle]

    @extend_schema(request=s.JoinIn, responses={200: s.JoinOut, 201: s.JoinOut, **error_responses(403, 404)},
                   tags=["classes"])
    def post(self, request):
        data = validated(s.JoinIn, request.data)
        school_class, created = services.class_join(student=request.user, join_code=data["join_code"])
        body = {"id": school_class.pk, "name": school_class.name, "joined": True}
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class RosterView(GenericAPIView):
    queryset = SchoolClass.objects.none()  # for the schema generator; reads go through selectors
    permission_classes = [IsTeacher]

    @extend_schema(responses={200: s.UserOut(many=True)}, tags=["classes"])
    def get(self, request, class_id):
        school_class = services.access_class(user=request.user, class_id=class_id)
        qs = school_class.memberships.select_related("student").order_by("student__username")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response([
            {"id": m.student_id, "username": display_name(m.student.username), "email": m.student.email,
             "role": m.student.role}
            for m in page
        ])

    @extend_schema(request=s.RosterIn, responses={201: s.UserOut}, tags=["classes"])
    def post(self, request, class_id):
        school_class = services.access_class(user=request.user, class_id=class_id)
        data = validated(s.RosterIn, request.data)
        student = services.roster_add(school_class=school_class, username_or_email=data["student"])
        return Response({"id": student.pk, "username": student.username, "email": student.email,
                         "role": student.role}, status=status.HTTP_201_CREATED)


class RosterMemberView(APIView):
    permission_classes = [IsTeacher]

    @extend_schema(responses={204: None}, tags=["classes"])
    def delete(self, request, class_id, student_id):
        school_class = services.access_class(user=request.user, class_id=class_id)
        services.roster_remove(school_class=school_class, student_id=student_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AssignmentListView(APIView):
    permission_classes = [IsTeacher]

    @extend_schema(responses={200: s.AssignmentListOut}, tags=["classes"])
    def get(self, request, class_id):
        school_class = services.access_class(user=request.user, class_id=class_id)
        return Response({"results": [assignment_json(a) for a in school_class.assignments.all()]})

    @extend_schema(request=s.AssignmentIn, responses={201: s.AssignmentOut, 200: s.AssignmentOut}, tags=["classes"])
    def post(self, request, class_id):
        school_class = services.access_class(user=request.user, class_id=class_id)
        data = validated(s.AssignmentIn, request.data)
        assignment, created = services.assignment_create(
            school_class=school_class, module_id=data["module"], due_at=data["due_at"]
        )
        return Response(assignment_json(assignment), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class AssignmentDetailView(APIView):
    permission_classes = [IsTeacher]

    @extend_schema(request=s.AssignmentUpdateIn, responses={200: s.AssignmentOut}, tags=["classes"])
    def patch(self, request, class_id, assignment_id):
        school_class = services.access_class(user=request.user, class_id=class_id)
        assignment = services.access_assignment(school_class=school_class, assignment_id=assignment_id)
        data = validated(s.AssignmentUpdateIn, request.data)
        return Response(assignment_json(services.assignment_update(assignment=assignment, due_at=data["due_at"])))

    @extend_schema(responses={204: None}, tags=["classes"])
    def delete(self, request, class_id, assignment_id):
        school_class = services.access_class(user=request.user, class_id=class_id)
        services.assignment_delete(
            assignment=services.access_assignment(school_class=school_class, assignment_id=assignment_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ExtensionView(APIView):
    permission_classes = [IsTeacher]

    @extend_schema(request=s.ExtensionIn, responses={200: s.ExtensionOut, **error_responses(409)}, tags=["classes"])
    def post(self, request, class_id, assignment_id):
        school_class = services.access_class(user=request.user, class_id=class_id)
        assignment = services.access_assignment(school_class=school_class, assignment_id=assignment_id)
        data = validated(s.ExtensionIn, request.data)
        ext = services.extension_set(assignment=assignment, student_id=data["student"], due_at=data["due_at"])
        return Response({"assignment": assignment.pk, "student": ext.student_id, "due_at": ext.due_at})


class ClassProgressView(APIView):
    permission_classes = [IsTeacher]

    @extend_schema(responses={200: s.ClassProgressOut}, tags=["classes"])
    def get(self, request, class_id):
        school_class = services.access_class(user=request.user, class_id=class_id)
        return Response(progress.class_progress(school_class=school_class))


class ClassProgressCsvView(APIView):
    permission_classes = [IsTeacher]

    def perform_content_negotiation(self, request, force=False):
        # A client asking for text/csv gets the CSV; errors stay JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(
        response=str, description="a row per student and assigned module: student_id, username, module_id, "
                                  "module, percent, due_at, overdue (yes/no)")}, tags=["classes"])
    def get(self, request, class_id):
        school_class = services.access_class(user=request.user, class_id=class_id)
        matrix = progress.class_progress(school_class=school_class)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["student_id", "username", "module_id", "module", "percent", "due_at", "overdue"])
        for row in matrix["students"]:
            for cell in row["modules"]:
                writer.writerow([row["id"], _csv_safe(row["username"]), cell["id"], _csv_safe(cell["title"]),
                                 cell["percent"], cell["due_at"].isoformat(), "yes" if cell["overdue"] else "no"])
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="class-{school_class.pk}-progress.csv"'
        return response


def _csv_safe(value: str) -> str:
    # A cell starting with = + - @ runs as a formula in spreadsheets.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


class AtRiskView(APIView):
    permission_classes = [IsTeacher]

    @extend_schema(parameters=[OpenApiParameter("days", int, description="days without activity (default 7)")],
                   responses={200: s.AtRiskOut, **error_responses(400)}, tags=["classes"])
    def get(self, request, class_id):
        school_class = services.access_class(user=request.user, class_id=class_id)
        try:
            days = int(request.query_params.get("days", 7))
        except ValueError:
            raise ValidationError({"days": ["A whole number of days."]}) from None
        if not 1 <= days <= 365:
            raise ValidationError({"days": ["Between 1 and 365."]})
        return Response({"results": progress.students_at_risk(school_class=school_class, inactive_days=days)})


class ClassRepliesView(GenericAPIView):
    """Free-text replies of the class's students, for review."""

    queryset = Attempt.objects.none()  # for the schema generator; reads go through selectors
    permission_classes = [IsTeacher]

    @extend_schema(responses={200: s.ReplyOut(many=True)}, tags=["review"])
    def get(self, request, class_id):
        school_class = services.access_class(user=request.user, class_id=class_id)
        qs = (
            Attempt.objects.filter(learner__class_memberships__school_class=school_class,
                                   status=Attempt.Status.GRADED, exercise__kind="scenario")
            .select_related("learner", "exercise", "version")
            .order_by("-graded_at", "-id")
        )
        page = self.paginate_queryset(qs)
        rows = []
        for attempt in page:
            steps = {st["node"]: st for st in (attempt.result or {}).get("steps", [])}
            for step in attempt.answers.get("steps", []):
                if "reply" in step:
                    graded = steps.get(step["node"], {})
                    rows.append({"attempt": attempt.pk, "student": display_name(attempt.learner.username),
                                 "exercise": attempt.exercise.title, "node": step["node"], "reply": step["reply"],
                                 "met": graded.get("met", []), "missed": graded.get("missed", []),
                                 "avoided": graded.get("avoided", []), "score": attempt.score})
        return self.get_paginated_response(rows)
