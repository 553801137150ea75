from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"

    def ready(self):
        from accounts.privacy import privacy_register

        from .headers import headers_register
        from .privacy import PART

        headers_register()  # the unsubscribe link survives SMTP's header folding
        privacy_register(PART)  # what export and deletion do with this app's records about a person
