from rest_framework.exceptions import NotFound


def validated(serializer_class, data) -> dict:
    """Validate a request body; DRF's ValidationError becomes a 400 in the error shape."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def int_or_404(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound() from None
