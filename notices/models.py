"""What each person agreed to receive, and every notice sent (the idempotency record).

A notice is a mail one may refuse: due reminders, the teachers' digest, class invitations and
verification decisions. Transactional mails (email verification, password reset) are not notices:
they have no preference and no unsubscribe link (accounts.mail sends them directly).
"""
from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    DUE_REMINDER = "due_reminder", "Due-date reminders"
    TEACHER_DIGEST = "teacher_digest", "Weekly digest of my classes"
    CLASS_INVITATION = "class_invitation", "Class invitations"
    VERIFICATION_DECISION = "verification_decision", "Teacher verification decisions"


class NotificationPreference(models.Model):
    """One row per person who changed something; a person without a row gets every kind (the field
    defaults) in the site's default language."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preference")
    # Blank: settings.LANGUAGE_CODE. The mails' language, not the site's (that is the browser's choice).
    language = models.CharField(max_length=10, blank=True, default="")
    due_reminder = models.BooleanField(default=True)
    teacher_digest = models.BooleanField(default=True)
    class_invitation = models.BooleanField(default=True)
    verification_decision = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"notice preferences of {self.user_id}"


class AddressOptOut(models.Model):
    """An address without an account that asked for no more mails of one kind (the unsubscribe link of an
    invitation to someone not yet on Parley). Kept as a keyed digest, never the address itself: all it
    has to answer is "did this address say stop?" (notices.services.address_digest)."""

    address_digest = models.CharField(max_length=64)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["address_digest", "kind"], name="one_opt_out_per_address")]

    def __str__(self):
        return f"opt-out of {self.kind} for an address"


class SentNotice(models.Model):
    """One notice to one person for one period (e.g. assignment 7's "due today" for its due date,
    or ISO week 2026-W49 of the digest). The row is inserted before the mail goes out and deleted if
    sending fails, so the unique constraint is what makes a task run twice, a restarted beat or two
    beats send one mail. `sent_at` stays empty while a send is under way."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    period_key = models.CharField(max_length=120)
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    # The relay refused it for good (a 5xx): kept claimed, so no beat tries the address again this period.
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind", "period_key"], name="one_notice_per_period")]
        indexes = [
            models.Index(fields=["kind", "period_key"], name="notice_kind_period"),
            # The outbox's two gauges, counted at every metrics scrape (config/metrics.py): partial, so a
            # count reads the few rows under way or given up on, never the whole history of sent mail.
            models.Index(fields=["id"], condition=models.Q(sent_at__isnull=True, failed_at__isnull=True),
                         name="notice_under_way"),
            models.Index(fields=["id"], condition=models.Q(failed_at__isnull=False), name="notice_failed"),
        ]

    def __str__(self):
        return f"{self.kind} {self.period_key} to {self.user_id}"
