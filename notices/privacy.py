"""What notices keeps about a person, for the account export and deletion (accounts/privacy.py):
their preferences and the log of notices sent to them. Both go with the account (a deleted account
has no address and gets no mail; the log's only use is not to mail twice)."""
from accounts.privacy import PrivacyPart

from .models import NotificationPreference, SentNotice
from .services import preferences_json

RECORDS = {
    "notices.NotificationPreference.user": "exported; deleted with the account",
    "notices.SentNotice.user": "exported (kind, period, when); deleted with the account",
}


def notices_export(*, learner_id: int) -> dict:
    """Preferences and notices sent: two queries."""
    return {
        "notification_preferences": preferences_json(NotificationPreference.objects.filter(user_id=learner_id).first()),
        "notices_sent": list(SentNotice.objects.filter(user_id=learner_id).order_by("claimed_at", "id")
                             .values("kind", "period_key", "claimed_at", "sent_at")),
    }


def notices_anonymise(*, learner_id: int, now) -> dict:
    preferences, _ = NotificationPreference.objects.filter(user_id=learner_id).delete()
    sent, _ = SentNotice.objects.filter(user_id=learner_id).delete()
    return {"notice_preferences_deleted": preferences, "notices_sent_deleted": sent}


PART = PrivacyPart(app="notices", records=RECORDS, export=notices_export, anonymise=notices_anonymise,
                   export_queries=2)
