"""A person's notification preferences: which notices they get, in which language.

The serializers live here with the one view that uses them. Transactional mails (email
verification, password reset) are not listed: they cannot be switched off.
"""
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from notices import services
from notices.models import Kind

from .base import validated

_LANGUAGE_HELP = "the language of your mails; empty for the site's default"
_KIND_HELP = {
    Kind.DUE_REMINDER: "reminders a day before, on the day and once after a class assignment's due date",
    Kind.TEACHER_DIGEST: "teachers: a weekly mail of who is behind and which replies await review",
    Kind.CLASS_INVITATION: "a teacher invites you to a class",
    Kind.VERIFICATION_DECISION: "teachers: the decision on your verification request",
}


class NotificationPreferencesOut(serializers.Serializer):
    language = serializers.ChoiceField(choices=["", *services.LANGUAGES], help_text=_LANGUAGE_HELP)
    due_reminder = serializers.BooleanField(help_text=_KIND_HELP[Kind.DUE_REMINDER])
    teacher_digest = serializers.BooleanField(help_text=_KIND_HELP[Kind.TEACHER_DIGEST])
    class_invitation = serializers.BooleanField(help_text=_KIND_HELP[Kind.CLASS_INVITATION])
    verification_decision = serializers.BooleanField(help_text=_KIND_HELP[Kind.VERIFICATION_DECISION])


class NotificationPreferencesIn(serializers.Serializer):
    language = serializers.ChoiceField(choices=["", *services.LANGUAGES], required=False,
                                       allow_blank=True, help_text=_LANGUAGE_HELP)
    due_reminder = serializers.BooleanField(required=False)
    teacher_digest = serializers.BooleanField(required=False)
    class_invitation = serializers.BooleanField(required=False)
    verification_decision = serializers.BooleanField(required=False)


class NotificationPreferencesView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: NotificationPreferencesOut}, tags=["accounts"],
                   description="Which mails you get; everything is on until you change it. Mails about your "
                               "account itself (address confirmation, password reset) are always sent.")
    def get(self, request):
        return Response(services.preferences_read(user=request.user))

    @extend_schema(request=NotificationPreferencesIn, responses={200: NotificationPreferencesOut}, tags=["accounts"],
                   description="Change some preferences; the others stay as they are.")
    def patch(self, request):
        data = validated(NotificationPreferencesIn, request.data)
        return Response(services.preferences_update(user=request.user, changes=data))
