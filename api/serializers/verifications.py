"""Teacher verification (api/views/verifications.py)."""
from rest_framework import serializers


class VerificationIn(serializers.Serializer):
    school = serializers.CharField(max_length=200)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class VerificationStateOut(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    state = serializers.ChoiceField(choices=["none", "pending", "verified", "rejected"])


class VerificationOut(serializers.Serializer):
    id = serializers.IntegerField()
    teacher = serializers.CharField(help_text="the teacher's display name")
    teacher_id = serializers.IntegerField()
    school = serializers.CharField()
    note = serializers.CharField()
    state = serializers.CharField()
    created_at = serializers.DateTimeField()


class DecisionIn(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
