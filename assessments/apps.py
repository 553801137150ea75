from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"

    def ready(self):
        from accounts.privacy import privacy_register

        from .privacy import PART
        from .statistics import connect_signals

        privacy_register(PART)  # what export and deletion do with this app's records about a person
        connect_signals()  # a graded attempt deleted takes its share of the statistics with it
