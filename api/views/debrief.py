"""GET /api/v1/attempts/{id}/debrief/: the learner's path beside the strongest path (scenario spec, "Debrief")."""
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments import selectors
from assessments.errors import Conflict

from ..schema import error_responses
from ..serializers import debrief as s
from .exercises import _attempt_for


class AttemptDebriefView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: s.DebriefOut, **error_responses(409)}, tags=["attempts"],
                   description="Whoever may read the attempt. Once it is graded and its debrief has unlocked "
                               "(the document's `debrief_after`: `passed`, the default, once the learner has "
                               "passed the exercise or used every attempt; `graded`, at once); before that 409 "
                               "`debrief_locked`. Quizzes have no debrief (409 too).")
    def get(self, request, attempt_id):
        attempt = _attempt_for(request.user, attempt_id)
        if not selectors.debrief_unlocked(attempt=attempt):
            raise Conflict.single("debrief_locked", gettext(
                "The debrief opens once this attempt is graded and, unless the exercise says otherwise, once "
                "the exercise is passed or every attempt is used."))
        return Response(selectors.attempt_debrief(attempt=attempt))
