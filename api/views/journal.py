"""The reflection journal: a learner's entry per attempt once its debrief is open, their journal, a
class's entries for its teacher, and the teacher's comments. Rules in courses/access.py and
courses/journal.py."""
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments.models import Attempt
from assessments.selectors import debrief_unlocked
from courses import journal
from courses.access import may_write_journal
from courses.models import JournalEntry

from ..permissions import IsTeacher
from ..schema import error_responses
from ..serializers import journal as s
from .base import int_or_404, validated


def _own_attempt(user, attempt_id) -> Attempt:
    attempt = Attempt.objects.select_related("version", "exercise").filter(pk=int_or_404(attempt_id)).first()
    if attempt is None or not may_write_journal(user=user, attempt=attempt):
        raise NotFound("No such attempt.")
    return attempt


def _attempt_journal(user, attempt, entry=None) -> dict:
    entry = entry if entry is not None else journal.attempt_entry(learner=user, attempt=attempt)
    return {"unlocked": debrief_unlocked(attempt=attempt),
            "shared_with": journal.journal_audience(learner_id=user.pk, exercise_id=attempt.exercise_id),
            "entry": journal.entry_view(entry, entry.comments.all()) if entry else None}


class AttemptJournalView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: s.AttemptJournalOut}, tags=["journal"],
                   description="Your reflection on your own graded attempt (null until written), whether it may "
                               "be written (the debrief is open), and who besides you reads it: the teachers of "
                               "your classes that were assigned the exercise. Anyone else's attempt is a 404.")
    def get(self, request, attempt_id):
        attempt = _own_attempt(request.user, attempt_id)
        return Response(_attempt_journal(request.user, attempt))

    @extend_schema(request=s.JournalIn, responses={201: s.AttemptJournalOut, 200: s.AttemptJournalOut,
                                                   **error_responses(409)}, tags=["journal"],
                   description="Write (201) or rewrite (200) your reflection on the attempt: what you would do "
                               "differently and one commitment. 409 `debrief_locked` before the debrief opens.")
    def post(self, request, attempt_id):
        attempt = _own_attempt(request.user, attempt_id)
        data = validated(s.JournalIn, request.data)
        _entry, created = journal.journal_entry_save(learner=request.user, attempt=attempt,
                                                     differently=data["differently"], commitment=data["commitment"])
        return Response(_attempt_journal(request.user, attempt),
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class MyJournalView(GenericAPIView):
    queryset = JournalEntry.objects.none()  # for the schema generator; reads go through courses.journal
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: s.EntryOut(many=True)}, tags=["journal"])
    def get(self, request):
        page = self.paginate_queryset(journal.learner_journal(learner=request.user))
        return self.get_paginated_response([journal.entry_view(e, e.comments.all()) for e in page])


class ClassJournalView(GenericAPIView):
    queryset = JournalEntry.objects.none()
    permission_classes = [IsTeacher]

    @extend_schema(responses={200: s.EntryOut(many=True)}, tags=["journal"],
                   description="The journal entries of the class's students at the exercises of the modules "
                               "assigned to it, for the class's own teacher.")
    def get(self, request, class_id):
        school_class = journal.journal_class(user=request.user, class_id=class_id)
        page = self.paginate_queryset(journal.class_journal(school_class=school_class))
        return self.get_paginated_response([journal.entry_view(e, e.comments.all()) for e in page])


class JournalCommentsView(APIView):
    permission_classes = [IsTeacher]

    @extend_schema(request=s.CommentIn, responses={201: s.EntryOut}, tags=["journal"],
                   description="Comment on an entry you read as the teacher of a class that shares it; its "
                               "learner sees the comment. 201 with the entry and its comments.")
    def post(self, request, entry_id):
        entry = journal.readable_entry(user=request.user, entry_id=int_or_404(entry_id))
        data = validated(s.CommentIn, request.data)
        journal.journal_comment_add(author=request.user, entry=entry, text=data["text"])
        return Response(journal.entry_view(entry), status=status.HTTP_201_CREATED)
