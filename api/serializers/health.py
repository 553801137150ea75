"""Health and readiness (api/views/health.py)."""
from rest_framework import serializers


class HealthOut(serializers.Serializer):
    status = serializers.CharField()
    database = serializers.CharField()
    broker = serializers.CharField()
    worker = serializers.CharField(help_text="ok, unknown; under `make run` also starting or restarting")
    worker_restarts = serializers.IntegerField(required=False, help_text="under `make run`: restarts of its worker")


class LiveOut(serializers.Serializer):
    status = serializers.CharField(help_text="always `ok`: the process answers")


class ReadyOut(serializers.Serializer):
    status = serializers.CharField(help_text="`ready`")
    database = serializers.CharField()
    cache = serializers.CharField()
    broker = serializers.CharField()
