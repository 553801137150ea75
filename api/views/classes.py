import csv
import datetime
import io

from django.db.models import Count
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments.models import Attempt
from courses import bulk_invitations, progress, selectors, services
from courses.models import SchoolClass

from ..parsers import JSONParser
from ..permissions import IsStudent, IsTeacher
from ..schema import error_responses
from ..serializers import classes as s
from ..serializers.common import AcceptedOut
from ..throttles import InvitationThrottle, JoinAccountThrottle, JoinAddressThrottle, invitation_budget_wait
from .base import int_or_404, validated


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
            services.class_rename(actor=request.user, school_class=school_class, name=data["name"])
        if "archived" in data:
            services.class_archive(actor=request.user, school_class=school_class, archived=data["archived"])
        return Response(class_json(school_class))


class RotateCodeView(APIView):
    permission_classes = [IsTeacher]

    @extend_schema(request=None, responses={200: s.ClassOut}, tags=["classes"])
    def post(self, request, class_id):
        school_class = services.access_class(user=request.user, class_id=class_id)
        return Response(class_json(services.class_rotate_code(actor=request.user, school_class=school_class)))


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

    @extend_schema(responses={200: s.RosterMemberOut(many=True)}, tags=["classes"],
                   description="The class's members by display name. Nobody is added by the teacher: "
                               "learners join by code or accept an invitation.")
    def get(self, request, class_id):
        school_class = services.access_class(user=request.user, class_id=class_id)
        page = self.paginate_queryset(selectors.class_roster_members(school_class=school_class))
        return self.get_paginated_response([
            s.roster_member_out(m) for m in selectors.class_roster(school_class=school_class, members=page)
        ])


class RosterMemberView(APIView):
    permission_classes = [IsTeacher]

    @extend_schema(responses={204: None}, tags=["classes"])
    def delete(self, request, class_id, student_id):
        student_id = int_or_404(student_id)  # before any query
        school_class = services.access_class(user=request.user, class_id=class_id)
        services.roster_remove(school_class=school_class, student_id=student_id, actor=request.user)
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
            actor=request.user, school_class=school_class, module_id=data["module"], due_at=data["due_at"]
        )
        return Response(assignment_json(assignment), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class AssignmentDetailView(APIView):
    permission_classes = [IsTeacher]

    @extend_schema(request=s.AssignmentUpdateIn, responses={200: s.AssignmentOut}, tags=["classes"])
    def patch(self, request, class_id, assignment_id):
        school_class = services.access_class(user=request.user, class_id=class_id)
        assignment = services.access_assignment(school_class=school_class, assignment_id=assignment_id)
        data = validated(s.AssignmentUpdateIn, request.data)
        updated = services.assignment_update(actor=request.user, assignment=assignment, due_at=data["due_at"])
        return Response(assignment_json(updated))

    @extend_schema(responses={204: None}, tags=["classes"])
    def delete(self, request, class_id, assignment_id):
        school_class = services.access_class(user=request.user, class_id=class_id)
        assignment = services.access_assignment(school_class=school_class, assignment_id=assignment_id)
        services.assignment_delete(actor=request.user, assignment=assignment)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ExtensionView(APIView):
    permission_classes = [IsTeacher]

    @extend_schema(request=s.ExtensionIn, responses={200: s.ExtensionOut, **error_responses(409)}, tags=["classes"])
    def post(self, request, class_id, assignment_id):
        school_class = services.access_class(user=request.user, class_id=class_id)
        assignment = services.access_assignment(school_class=school_class, assignment_id=assignment_id)
        data = validated(s.ExtensionIn, request.data)
        ext = services.extension_set(actor=request.user, assignment=assignment, student_id=data["student"],
                                     due_at=data["due_at"])
        return Response({"assignment": assignment.pk, "student": ext.student_id, "due_at": ext.due_at})


class ClassProgressView(APIView):
    permission_classes = [IsTeacher]

    @extend_schema(responses={200: s.ClassProgressOut}, tags=["classes"])
    def get(self, request, class_id):
        school_class = services.access_class(user=request.user, class_id=class_id)
        return Response(s.class_progress_out(progress.class_progress(school_class=school_class)))


class ClassProgressCsvView(APIView):
    permission_classes = [IsTeacher]

    def perform_content_negotiation(self, request, force=False):
        # A client asking for text/csv gets the CSV; errors stay JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(
        response=str, description="a row per student and assigned module: student_id, username, module_id, "
                                  "module, percent, due_at (the student's: their extension's when they have "
                                  "one; ISO 8601 in UTC to the second), overdue (yes/no), extended (yes/no), "
                                  "course_id, course. New columns come last, so readers by position keep "
                                  "working.")}, tags=["classes"])
    def get(self, request, class_id):
        school_class = services.access_class(user=request.user, class_id=class_id)
        matrix = progress.class_progress(school_class=school_class)
        courses = {m["assignment"]: (m["course"], m["course_title"]) for m in matrix["modules"]}
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["student_id", "username", "module_id", "module", "percent", "due_at", "overdue",
                         "extended", "course_id", "course"])
        for row in matrix["students"]:
            for cell in row["modules"]:
                course_id, course_title = courses[cell["assignment"]]
                writer.writerow([row["id"], _csv_safe(row["name"]), cell["id"], _csv_safe(cell["title"]),
                                 cell["percent"], _iso(cell["due_at"]), "yes" if cell["overdue"] else "no",
                                 "yes" if cell["extended"] else "no", course_id, _csv_safe(course_title)])
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="class-{school_class.pk}-progress.csv"'
        return response


def _iso(moment) -> str:
    # Spreadsheets read "2026-12-16T23:59:00Z"; microseconds and "+00:00" only get in their way.
    return moment.astimezone(datetime.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


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
        return Response(s.at_risk_out(progress.students_at_risk(school_class=school_class, inactive_days=days)))


class ClassRepliesView(GenericAPIView):
    """Free-text replies of the class's students, for review."""

    queryset = Attempt.objects.none()  # for the schema generator; reads go through selectors
    permission_classes = [IsTeacher]

    @extend_schema(responses={200: s.ReplyOut(many=True)}, tags=["review"])
    def get(self, request, class_id):
        school_class = services.access_class(user=request.user, class_id=class_id)
        page = self.paginate_queryset(selectors.class_reply_attempts(school_class=school_class))
        return self.get_paginated_response(selectors.class_attempt_replies(school_class=school_class, attempts=page))


# --- invitations ---------------------------------------------------------------------------


def spend_invitations(request, view, cost: int) -> None:
    """Charge `cost` invitations to the teacher's hourly budget (api.throttles), or answer 429."""
    wait = invitation_budget_wait(request, cost)
    if wait is not None:
        raise Throttled(wait=wait, detail=f"Over your invitation budget: {cost} would exceed it.")


class ClassInvitationsView(APIView):
    permission_classes = [IsTeacher]

    def get_throttles(self):
        return [InvitationThrottle()] if self.request.method == "POST" else super().get_throttles()

    @extend_schema(responses={200: s.SentInvitationListOut}, tags=["classes"],
                   description="The invitations of this class that wait for an answer.")
    def get(self, request, class_id):
        school_class = services.access_class(user=request.user, class_id=class_id)
        return Response({"results": selectors.class_invitations(school_class=school_class)})

    @extend_schema(request=s.InvitationIn, responses={202: AcceptedOut, **error_responses(409)}, tags=["classes"],
                   description="Invite an address to the class. The answer is the same whether or not the "
                               "address has an account; the address gets a mail, and the invitation waits on "
                               "its owner's \"My classes\" (now, or once they sign up with it).")
    def post(self, request, class_id):
        school_class = services.access_class(user=request.user, class_id=class_id)
        data = validated(s.InvitationIn, request.data)
        spend_invitations(request, self, 1)
        services.invitation_send(actor=request.user, school_class=school_class, email=data["email"])
        return Response({"detail": "If the address is right, its owner has been invited."},
                        status=status.HTTP_202_ACCEPTED)


class ClassInvitationView(APIView):
    permission_classes = [IsTeacher]

    @extend_schema(responses={204: None}, tags=["classes"], description="Withdraw an unanswered invitation.")
    def delete(self, request, class_id, invitation_id):
        school_class = services.access_class(user=request.user, class_id=class_id)
        services.invitation_withdraw(actor=request.user, school_class=school_class, invitation_id=invitation_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class BulkInvitationsView(APIView):
    """A file of addresses: a dry run, then the same request without it sends (courses/bulk_invitations.py)."""

    permission_classes = [IsTeacher]
    parser_classes = [JSONParser, MultiPartParser]
    throttle_classes = [InvitationThrottle]  # the request; the invitations are charged by count below

    @extend_schema(
        request={"application/json": s.BulkInvitationTextIn, "multipart/form-data": s.BulkInvitationFileIn},
        responses={200: s.BulkInvitationOut, 202: s.BulkInvitationOut, **error_responses(409)}, tags=["classes"],
        description=(
            f"Invite the addresses of a CSV: a `file` (multipart) or its `text` (JSON). At most "
            f"{bulk_invitations.MAX_BYTES // 1024} KiB and {bulk_invitations.MAX_ROWS} addresses; UTF-8 with or "
            "without a byte order mark; cells split by commas or semicolons; blank rows skipped. The first "
            "row is a header when none of its cells holds an @; the addresses are the column named `email`, "
            "or the one filled cell of each row (several filled columns without an `email` column: 400). "
            "With `dry_run` true, 200 and each row's fate; nothing is written. Otherwise 202: every row whose "
            "fate is `invite` gets the single invitation (the same answer whether or not the address has an "
            "account; an address in the class already is sent nothing); sending the file again sends nothing "
            "more. Each row to invite counts against the teacher's invitation budget (`THROTTLE_INVITATIONS`, "
            "1000 an hour by default, shared with single invitations): the whole file or none of it (429). "
            "Problems with the file are 400s whose `attr` is `file`."))
    def post(self, request, class_id):
        school_class = services.access_class(user=request.user, class_id=class_id)
        if (request.content_type or "").startswith("multipart/"):
            data = validated(s.BulkInvitationFileIn, request.data)
            content = data["file"].read(bulk_invitations.MAX_BYTES + 1)  # the service refuses anything longer
        else:
            data = validated(s.BulkInvitationTextIn, request.data)
            content = data["text"]
        arguments = {"actor": request.user, "school_class": school_class, "data": content}
        plan = bulk_invitations.invitation_bulk_preview(**arguments)
        if not data["dry_run"]:
            spend_invitations(request, self, plan.counts["invite"])
            plan = bulk_invitations.invitation_bulk_send(**arguments)
        body = {"dry_run": data["dry_run"], "header": list(plan.header) or None, "counts": plan.counts,
                "rows": [{"line": r.line, "email": r.email, "fate": r.fate.value} for r in plan.rows]}
        return Response(body, status=status.HTTP_200_OK if data["dry_run"] else status.HTTP_202_ACCEPTED)


class MyInvitationsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: s.MyInvitationListOut}, tags=["classes"],
                   description="Invitations to my email address that wait for my answer.")
    def get(self, request):
        return Response({"results": selectors.my_invitations(learner=request.user)})


class InvitationAcceptView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: s.JoinOut, 201: s.JoinOut, **error_responses(403, 404)},
                   tags=["classes"], description="Join the class. Repeating it is harmless.")
    def post(self, request, invitation_id):
        school_class, created = services.invitation_accept(user=request.user, invitation_id=invitation_id)
        body = {"id": school_class.pk, "name": school_class.name, "joined": True}
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class InvitationDeclineView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None, **error_responses(404, 409)}, tags=["classes"])
    def post(self, request, invitation_id):
        services.invitation_decline(user=request.user, invitation_id=invitation_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- my classes ----------------------------------------------------------------------------


class MyClassesView(APIView):
    permission_classes = [IsStudent]

    @extend_schema(responses={200: s.MyClassListOut}, tags=["classes"],
                   description="The classes I am in, and what each teacher can see of my records.")
    def get(self, request):
        return Response({"results": selectors.my_classes(learner=request.user)})


class MyClassView(APIView):
    permission_classes = [IsStudent]

    @extend_schema(responses={204: None, **error_responses(404)}, tags=["classes"],
                   description="Leave the class: its teacher no longer sees my records.")
    def delete(self, request, class_id):
        services.class_leave(student=request.user, class_id=class_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
