from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = "Learning records (xAPI)"

    def ready(self):
        from accounts.privacy import privacy_register
        from config.metrics import outbox_register

        from . import receivers
        from .privacy import PART
        from .selectors import statements_refused_count, statements_waiting_count

        receivers.connect()  # statements written in the transactions of courses' and assessments' events
        privacy_register(PART)  # what export and deletion do with this app's records about a person
        outbox_register("xapi", statements_waiting_count, statements_refused_count)
