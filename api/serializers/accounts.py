"""Accounts, sign-in, the learner's own data and the audit log (api/views/accounts.py)."""
from rest_framework import serializers

from accounts.models import AuditEvent, Role

from ..views.base import MAX_ID


class RegisterIn(serializers.Serializer):
    username = serializers.RegexField(r"^[\w.@+-]+\Z", max_length=150, error_messages={
        "invalid": "Use only letters, digits and @ . + - _ (no spaces, symbols or invisible characters)."})
    email = serializers.EmailField()
    password = serializers.CharField(max_length=128, write_only=True)
    role = serializers.ChoiceField(choices=[Role.STUDENT, Role.TEACHER], default=Role.STUDENT)


class UserOut(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.EmailField()
    role = serializers.CharField()


class MeOut(UserOut):
    academies = serializers.ListField(child=serializers.DictField())
    email_verified = serializers.BooleanField(help_text="whether the address was confirmed through the mailed link")


class TokenIn(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128)


class TokenOut(serializers.Serializer):
    token = serializers.CharField()
    type = serializers.CharField()
    expires_at = serializers.DateTimeField()


class AccountDeleteIn(serializers.Serializer):
    password = serializers.CharField(max_length=128, write_only=True, help_text="your current password")


class ExportOut(serializers.Serializer):
    format = serializers.CharField()
    exported_at = serializers.DateTimeField()
    profile = serializers.DictField()
    academies = serializers.ListField(child=serializers.DictField())
    enrolments = serializers.ListField(child=serializers.DictField())
    lessons_read = serializers.ListField(child=serializers.DictField())
    class_memberships = serializers.ListField(child=serializers.DictField())
    extensions = serializers.ListField(child=serializers.DictField())
    classes_taught = serializers.ListField(child=serializers.DictField())
    attempts = serializers.ListField(child=serializers.DictField())
    tokens = serializers.ListField(child=serializers.DictField())
    audit_events = serializers.ListField(child=serializers.DictField())


class AuditListParams(serializers.Serializer):
    action = serializers.ChoiceField(choices=[c for c, _ in AuditEvent.Action.choices], required=False)
    academy = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    since = serializers.DateTimeField(required=False)


class AuditActorOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(help_text='the username, or "Former learner" for a deleted account')


class AuditTargetOut(serializers.Serializer):
    type = serializers.CharField(help_text='the record\'s model, as "app.model"')
    id = serializers.CharField()


class AuditEventOut(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    action = serializers.ChoiceField(choices=[c for c, _ in AuditEvent.Action.choices])
    actor = AuditActorOut(allow_null=True)
    academy = serializers.IntegerField(allow_null=True)
    target = AuditTargetOut()
    data = serializers.DictField(help_text="small facts of the action: ids, roles, version numbers, criteria")


class PasswordChangeIn(serializers.Serializer):
    old_password = serializers.CharField(max_length=128, trim_whitespace=False)
    new_password = serializers.CharField(max_length=128, trim_whitespace=False)


class EmailChangeIn(serializers.Serializer):
    email = serializers.CharField(max_length=254, help_text="the new address")
    password = serializers.CharField(max_length=128, trim_whitespace=False, write_only=True,
                                     help_text="your current password")


class EmailVerifyIn(serializers.Serializer):
    token = serializers.CharField(max_length=500, help_text="the token of the link mailed at sign-up")


class EmailResendIn(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
