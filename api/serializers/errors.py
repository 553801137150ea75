"""The error shape (api-v1.md, "Errors"), for the schema (api/schema.py)."""
from rest_framework import serializers


class ErrorOut(serializers.Serializer):
    code = serializers.CharField(help_text="machine-readable, e.g. `required`, `not_found`, `attempt_limit`")
    detail = serializers.CharField(help_text="for people")
    attr = serializers.CharField(allow_null=True, help_text="the field or document path at fault, or null")


class ValidationErrorOut(serializers.Serializer):
    type = serializers.ChoiceField(choices=["validation_error", "client_error"],
                                   help_text="`client_error` when the body could not be parsed")
    errors = serializers.ListField(child=ErrorOut(), min_length=1)


class ClientErrorOut(serializers.Serializer):
    type = serializers.ChoiceField(choices=["client_error"])
    errors = serializers.ListField(child=ErrorOut(), min_length=1)


class ServerErrorOut(serializers.Serializer):
    type = serializers.ChoiceField(choices=["server_error"])
    errors = serializers.ListField(child=ErrorOut(), min_length=1)
