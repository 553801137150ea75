from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"

    def ready(self):
        from accounts.privacy import privacy_register

        from . import signals  # noqa: F401 - takes away a teacher's verification when the role goes
        from .privacy import PART

        privacy_register(PART)  # what export and deletion do with this app's records about a person
