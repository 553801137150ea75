from django.apps import AppConfig


class LtiConfig(AppConfig):
    name = "lti"
    verbose_name = "LTI 1.3 tool"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Scores for the LMS gradebook, written in the transaction that writes a result (lti/scores.py).
        from accounts.privacy import privacy_register
        from assessments.services import results_listen
        from config.metrics import outbox_register

        from . import privacy, scores
        from .models import ScoreDelivery

        privacy_register(privacy.PART)
        results_listen(scores.scores_record)
        outbox_register("lti_scores", lambda: ScoreDelivery.objects.filter(state=ScoreDelivery.State.PENDING).count(),
                        lambda: ScoreDelivery.objects.filter(state=ScoreDelivery.State.FAILED).count())
