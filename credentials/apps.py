from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "credentials"
    verbose_name = "Open Badges credentials"

    def ready(self):
        from accounts.privacy import privacy_register

        from . import receivers
        from .privacy import PART

        privacy_register(PART)  # badges in the account export; revoked when the account is deleted
        receivers.connect()  # a completed course queues the award, on commit of the event's transaction
