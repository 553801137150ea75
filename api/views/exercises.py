from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Academy
from accounts.selectors import academy_ids_of
from assessments import selectors, services
from assessments.errors import Conflict
from assessments.models import Attempt, Exercise, ExerciseVersion, RegradeBatch
from assessments.statistics import statistics_report
from courses import reviews
from courses.access import (
    attemptable_exercise,
    may_read_attempt,
    may_read_statistics,
    may_replay_attempt,
    may_see_staff_details,
    statistics_attempts,
)
from courses.models import SchoolClass

from ..permissions import IsAcademyStaff, IsTeacher
from ..schema import error_responses
from ..serializers import exercises as s
from ..throttles import AttemptThrottle
from .base import int_or_404, validated

IDEMPOTENCY_HEADER = OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER,
                                      description="a retried request with the same key returns the first attempt")


def _exercise_for(user, exercise_id) -> Exercise:
    exercise = attemptable_exercise(user=user, exercise_id=int_or_404(exercise_id))
    if exercise is None:
        raise NotFound("No such exercise.")
    return exercise


def _staff_exercise(user, exercise_id) -> Exercise:
    exercise = Exercise.objects.select_related("current_version").filter(pk=int_or_404(exercise_id)).first()
    if exercise is None or exercise.academy_id not in academy_ids_of(user):
        raise NotFound("No such exercise.")
    return exercise


def _attempt_for(user, attempt_id) -> Attempt:
    attempt = (
        Attempt.objects.select_related("version", "exercise").filter(pk=int_or_404(attempt_id)).first()
    )
    if attempt is None or not may_read_attempt(user=user, attempt=attempt):
        raise NotFound("No such attempt.")
    return attempt


def _importing_academy(request) -> Academy:
    ids = academy_ids_of(request.user)
    wanted = validated(s.ImportParams, request.query_params).get("academy")
    qs = Academy.objects.filter(id__in=ids).order_by("id")
    academy = qs.filter(slug=wanted).first() if wanted else qs.first()
    if academy is None:
        raise ValidationError({"academy": [gettext("You are not staff of that academy.")]}, code="invalid")
    return academy


class ExerciseImportView(APIView):
    permission_classes = [IsAcademyStaff]

    @extend_schema(request=dict, responses={201: s.ExerciseImportOut, **error_responses(409)},
                   description="The body is a scenario (`scenario/1`) or quiz (`quiz/1`) document, optionally "
                               "with a top-level `visibility` (`practice` or `course`, the default) that is read "
                               "and not kept. A slug the academy already has makes a new version; an unchanged "
                               "document makes none. A 400 lists every problem, `attr` giving its path.",
                   parameters=[OpenApiParameter("academy", str, description="academy slug, when staff of several")],
                   tags=["exercises"])
    def post(self, request):
        exercise, version, created = services.exercise_import(
            academy=_importing_academy(request), document=request.data, actor=request.user
        )
        body = {"id": exercise.pk, "version": version.number, "slug": exercise.slug, "created": created}
        return Response(body, status=status.HTTP_201_CREATED)


class ExerciseDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: s.ExerciseOut}, tags=["exercises"])
    def get(self, request, exercise_id):
        exercise = _exercise_for(request.user, exercise_id)
        return Response(selectors.exercise_learner_view(exercise=exercise, learner=request.user))


class ExerciseExportView(APIView):
    permission_classes = [IsAcademyStaff]

    @extend_schema(responses={200: OpenApiResponse(dict, description="the scenario or quiz document")},
                   tags=["exercises"])
    def get(self, request, exercise_id):
        return Response(services.exercise_export(exercise=_staff_exercise(request.user, exercise_id)))


class ExerciseAttemptsView(GenericAPIView):
    queryset = Attempt.objects.none()  # for the schema generator; reads go through selectors
    permission_classes = [IsAuthenticated]
    throttle_classes = [AttemptThrottle]

    @extend_schema(responses={200: s.AttemptOut(many=True)}, tags=["attempts"])
    def get(self, request, exercise_id):
        exercise = _exercise_for(request.user, exercise_id)
        page = self.paginate_queryset(selectors.learner_attempts(learner=request.user, exercise=exercise))
        return self.get_paginated_response([selectors.attempt_view(attempt=a) for a in page])

    @extend_schema(request=s.AttemptSubmitIn, parameters=[IDEMPOTENCY_HEADER],
                   responses={201: s.AttemptOut, 202: s.AttemptOut, 200: s.AttemptOut, **error_responses(409)},
                   description="No body (or `{}`): 201, a scenario started node by node, `node` the start node, "
                               "or a negotiation started (`negotiation`: your role, its brief and the session, "
                               "with the counterpart's opening move when it opens); `{\"role\": id}` chooses a "
                               "negotiation's role (default its first). "
                               "`steps` (a whole scenario path) or `answers` (a quiz): 202, submitted for grading. "
                               "A retry with the same `Idempotency-Key` answers 200 with the first attempt.",
                   tags=["attempts"])
    def post(self, request, exercise_id):
        exercise = _exercise_for(request.user, exercise_id)
        key = request.headers.get("Idempotency-Key") or None
        if key is not None and len(key) > 200:
            raise ValidationError({"Idempotency-Key": [gettext("At most 200 characters.")]})
        body = request.data if isinstance(request.data, dict) else None
        if body is None:
            raise ValidationError({"non_field_errors": [gettext("The body must be a JSON object.")]})
        if not body or set(body) == {"role"}:
            attempt, created = services.attempt_start(exercise=exercise, learner=request.user, idempotency_key=key,
                                                      role=body.get("role"))
            code = status.HTTP_201_CREATED
        else:
            answers = {k: body[k] for k in ("steps", "answers") if k in body}
            if len(answers) != 1 or set(body) - {"steps", "answers"}:
                raise ValidationError(
                    {"non_field_errors": [gettext("Send either steps (a scenario path) or answers (a quiz).")]})
            attempt, created = services.attempt_submit(
                exercise=exercise, learner=request.user, answers=answers, idempotency_key=key
            )
            code = status.HTTP_202_ACCEPTED
        if not created:  # the first attempt of a retried key, read without its version and exercise
            attempt = Attempt.objects.select_related("version", "exercise").get(pk=attempt.pk)
        return Response(selectors.attempt_view(attempt=attempt), status=code if created else status.HTTP_200_OK)


class AttemptDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: s.AttemptOut}, tags=["attempts"])
    def get(self, request, attempt_id):
        attempt = _attempt_for(request.user, attempt_id)
        body = selectors.attempt_view(attempt=attempt)
        body["reviews"] = reviews.attempt_reviews(attempt=attempt)
        if may_see_staff_details(user=request.user, attempt=attempt):
            body["last_error"] = attempt.last_error
            body["failures"] = attempt.failures
        return Response(body)


class AttemptStepView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.StepIn, responses={200: s.AttemptOut, **error_responses(409)}, tags=["attempts"])
    def post(self, request, attempt_id):
        validated(s.StepIn, request.data)
        attempt = Attempt.objects.filter(pk=int_or_404(attempt_id), learner=request.user).first()
        if attempt is None:
            raise NotFound("No such attempt.")
        # The body as sent, not the serializer's fields: a key it would drop is refused by the engine.
        services.attempt_step(attempt_id=attempt.pk, learner=request.user, move=request.data)
        attempt = Attempt.objects.select_related("version", "exercise").get(pk=attempt.pk)
        return Response(selectors.attempt_view(attempt=attempt))


class AttemptMoveView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [AttemptThrottle]

    @extend_schema(request=s.MoveIn, responses={200: s.MoveOut, **error_responses(409)}, tags=["attempts"],
                   description="Your move in a negotiation attempt (docs/specs/negotiation-format.md, \"API\"): "
                               "offer a package, accept or reject the standing offer, ask one of your questions, "
                               "or walk away. The engine checks it (a 400 lists its problems by path, `move...`, "
                               "and changes nothing); the move and the counterpart's answer are stored before "
                               "this answers, `replies` holding the answer to a question and the counterpart's "
                               "moves with their messages. When the session ends the attempt is `submitted` and "
                               "queued for grading. Only the attempt's learner: anyone else gets a 404.")
    def post(self, request, attempt_id):
        attempt = Attempt.objects.filter(pk=int_or_404(attempt_id), learner=request.user).first()
        if attempt is None:
            raise NotFound("No such attempt.")
        # The body as sent: the engine refuses any member it does not know, at its path.
        attempt, replies = services.attempt_move(attempt_id=attempt.pk, learner=request.user, move=request.data)
        return Response({**selectors.attempt_view(attempt=attempt), "replies": replies})


class AttemptReplayView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [AttemptThrottle]

    @extend_schema(request=s.ReplayIn, parameters=[IDEMPOTENCY_HEADER],
                   responses={201: s.AttemptOut, 200: s.AttemptOut, **error_responses(409)}, tags=["attempts"],
                   description='A "what if" replay of your graded attempt from one decision (choice or reply node) '
                               "of its path, once its debrief has unlocked (else 409 `debrief_locked`): 201, a "
                               "practice attempt on the same version holding the path before that node, played on "
                               "with POST /attempts/{id}/steps/. Practice is unscored and counted nowhere. A node "
                               "that is not a decision of the path is a 400; someone else's attempt a 404. A retry "
                               "with the same `Idempotency-Key` answers 200 with the first replay.")
    def post(self, request, attempt_id):
        attempt = _attempt_for(request.user, attempt_id)
        if not may_replay_attempt(user=request.user, attempt=attempt):
            raise NotFound("No such attempt.")
        data = validated(s.ReplayIn, request.data)
        key = request.headers.get("Idempotency-Key") or None
        if key is not None and len(key) > 200:
            raise ValidationError({"Idempotency-Key": [gettext("At most 200 characters.")]})
        replay, created = services.attempt_replay(attempt=attempt, node=data["node"], learner=request.user,
                                                  idempotency_key=key)
        replay = Attempt.objects.select_related("version", "exercise").get(pk=replay.pk)
        return Response(selectors.attempt_view(attempt=replay),
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class AttemptOverrideView(APIView):
    permission_classes = [IsTeacher | IsAcademyStaff]

    @extend_schema(request=s.OverrideIn, responses={200: s.AttemptOut, **error_responses(403, 409)},
                   tags=["review"],
                   description="Change the rubric criteria of one reply node, with a reason: the exercise's "
                               "academy staff, or a verified teacher of a class the learner is in, when the "
                               "exercise is in a module assigned to that class. The learner sees it.")
    def post(self, request, attempt_id):
        attempt = _attempt_for(request.user, attempt_id)
        data = validated(s.OverrideIn, request.data)
        reviews.review_override(actor=request.user, attempt=attempt, node=data["node"], met=data.get("met"),
                                avoided=data.get("avoided"), reason=data["reason"])
        attempt.refresh_from_db()
        body = selectors.attempt_view(attempt=attempt)
        body["reviews"] = reviews.attempt_reviews(attempt=attempt)
        return Response(body)


class OverrideReverseView(APIView):
    permission_classes = [IsAcademyStaff]

    @extend_schema(request=s.ReverseIn, responses={200: s.AttemptOut, **error_responses(403, 404, 409)},
                   tags=["review"],
                   description="Undo the latest override of an attempt at your academy's exercise, with a reason.")
    def post(self, request, attempt_id, grading_id):
        attempt = _attempt_for(request.user, attempt_id)
        data = validated(s.ReverseIn, request.data)
        reviews.review_reverse(actor=request.user, attempt=attempt, grading_id=grading_id, reason=data["reason"])
        attempt.refresh_from_db()
        body = selectors.attempt_view(attempt=attempt)
        body["reviews"] = reviews.attempt_reviews(attempt=attempt)
        return Response(body)


class AttemptHistoryView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: s.HistoryOut}, tags=["review"])
    def get(self, request, attempt_id):
        attempt = _attempt_for(request.user, attempt_id)
        return Response({"results": selectors.attempt_history(attempt=attempt)})


class AttemptRetryView(APIView):
    permission_classes = [IsAcademyStaff]

    @extend_schema(request=None, responses={202: s.AttemptOut, **error_responses(409)}, tags=["review"])
    def post(self, request, attempt_id):
        attempt = _attempt_for(request.user, attempt_id)
        if attempt.exercise.academy_id not in academy_ids_of(request.user):
            raise NotFound("No such attempt.")
        services.attempt_retry(attempt=attempt, actor=request.user)
        attempt.refresh_from_db()
        return Response(selectors.attempt_view(attempt=attempt), status=status.HTTP_202_ACCEPTED)


class RegradeView(APIView):
    permission_classes = [IsAcademyStaff]

    @extend_schema(request=None, responses={202: s.RegradeOut}, tags=["review"])
    def post(self, request, exercise_id):
        exercise = _staff_exercise(request.user, exercise_id)
        batch = services.regrade_start(version=exercise.current_version, actor=request.user)
        return Response(services.regrade_progress(batch=batch), status=status.HTTP_202_ACCEPTED)


class RegradeProgressView(APIView):
    permission_classes = [IsAcademyStaff]

    @extend_schema(responses={200: s.RegradeOut}, tags=["review"])
    def get(self, request, batch_id):
        batch = RegradeBatch.objects.select_related("version__exercise").filter(pk=int_or_404(batch_id)).first()
        if batch is None or batch.version.exercise.academy_id not in academy_ids_of(request.user):
            raise NotFound("No such regrade.")
        return Response(services.regrade_progress(batch=batch))


class IsStaffOrTeacher(IsAcademyStaff):
    message = "Only academy staff and teachers can do this."

    def has_permission(self, request, view):
        return super().has_permission(request, view) or IsTeacher().has_permission(request, view)


def statistics_for(user, exercise_id, params) -> dict:
    """The statistics report the API answers with (statistics_read's third part)."""
    return statistics_read(user, exercise_id, params)[2]


def statistics_read(user, exercise_id, params) -> tuple:
    """(exercise, version, report): what the API and the statistics pages (frontend/statistics.py) show.
    The exercise and the class are read, the permission decided in courses.access, an unknown exercise
    or class a NotFound, an unknown version a ValidationError (the API's 400)."""
    query = validated(s.StatisticsParams, {k: params[k] for k in ("version", "class") if k in params})
    exercise = Exercise.objects.filter(pk=int_or_404(exercise_id)).first()
    school_class = None
    if "class" in query:
        school_class = SchoolClass.objects.filter(pk=query["class"]).first()
        if school_class is None:  # answered as a refusal is, so class ids cannot be probed
            raise NotFound("No such exercise.")
    if exercise is None or not may_read_statistics(user=user, exercise=exercise, school_class=school_class):
        raise NotFound("No such exercise.")
    if exercise.kind == Exercise.Kind.NEGOTIATION:  # not kept for negotiations yet (issue 19)
        raise Conflict.single("no_statistics", gettext("Statistics are not kept for negotiations yet."), None)
    versions = ExerciseVersion.objects.filter(exercise=exercise).select_related("exercise")
    version = (versions.filter(number=query["version"]) if "version" in query
               else versions.filter(pk=exercise.current_version_id)).first()
    if version is None:
        raise ValidationError({"version": [gettext("This exercise has no such version.")]}, code="invalid")
    return exercise, version, statistics_report(version, attempts=statistics_attempts(school_class))


class ExerciseStatisticsView(APIView):
    permission_classes = [IsStaffOrTeacher]

    @extend_schema(
        parameters=[OpenApiParameter("version", int, description="a version number (default: the current one)"),
                    OpenApiParameter("class", int, description="a class id: that class's attempts only (its teacher)")],
        responses={200: s.StatisticsOut, **error_responses(400, 404, 409)},
        description="Per version, over its counted graded attempts (or one class's): how many reached each "
                    "node, the share and discrimination of each choice and reply criterion (scenario spec, "
                    "\"Statistics\"), or a quiz's item analysis; where attempts in progress stopped; flags.",
        tags=["review"])
    def get(self, request, exercise_id):
        return Response(statistics_for(request.user, exercise_id, request.query_params))


class MyCompetenciesView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: s.CompetenciesOut}, tags=["progress"])
    def get(self, request):
        return Response({"results": selectors.competency_profile(learner=request.user)})
