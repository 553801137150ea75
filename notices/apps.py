from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"

    def ready(self):
        from accounts.privacy import privacy_register

        from .privacy import PART

        privacy_register(PART)  # what export and deletion do with this app's records about a person
