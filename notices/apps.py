from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"

    def ready(self):
        from accounts.privacy import privacy_register
        from accounts.signals import user_registered

        from .headers import headers_register
        from .privacy import PART
        from .services import language_remember

        headers_register()  # the unsubscribe link survives SMTP's header folding
        privacy_register(PART)  # what export and deletion do with this app's records about a person
        user_registered.connect(language_remember, dispatch_uid="notices.language_remember")
