"""Open Badges credentials (api/views/credentials.py)."""
from rest_framework import serializers


class CredentialCheckOut(serializers.Serializer):
    check = serializers.ChoiceField(choices=["signature", "issuer", "validity", "revocation"])
    passed = serializers.BooleanField(allow_null=True, help_text="null: not checked, an earlier check failed")
    detail = serializers.CharField()


class CredentialVerificationOut(serializers.Serializer):
    valid = serializers.BooleanField(help_text="every check passed")
    checks = CredentialCheckOut(many=True)
    credential = serializers.JSONField(allow_null=True, help_text="the signed payload; null when the signature failed")


class CredentialVerifyIn(serializers.Serializer):
    jwt = serializers.CharField(max_length=20000, help_text="a compact VC-JWT")


class CredentialRevokeIn(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class CredentialOut(serializers.Serializer):
    id = serializers.UUIDField(help_text="the credential's public id")
    course = serializers.IntegerField()
    course_title = serializers.CharField()
    academy = serializers.CharField(help_text="the issuing academy's name")
    issued_at = serializers.DateTimeField()
    valid_until = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    share_url = serializers.URLField(help_text="the public verification link to share")
    credential = serializers.JSONField(help_text="the OpenBadgeCredential (JSON)")
    jwt = serializers.CharField(help_text="the same credential as a compact VC-JWT")


class CredentialRevokedOut(serializers.Serializer):
    id = serializers.UUIDField()
    revoked_at = serializers.DateTimeField()


class AcademyJwksOut(serializers.Serializer):
    keys = serializers.ListField(child=serializers.JSONField(), help_text="public JWKs, retired ones included")


class IssuerProfileOut(serializers.Serializer):
    id = serializers.URLField()
    type = serializers.ListField(child=serializers.CharField())
    name = serializers.CharField()
    url = serializers.URLField()
