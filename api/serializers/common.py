"""Shapes more than one part of the API answers with."""
from rest_framework import serializers


class AcceptedOut(serializers.Serializer):
    detail = serializers.CharField()
