from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"

    def ready(self):
        from . import schema  # noqa: F401  (registers the bearer scheme with drf-spectacular)
