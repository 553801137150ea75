"""Learning records that leave Parley: each academy's Learning Record Store, and the statement outbox.

A statement is written here in the same transaction as the event it tells of (an enrolment, a
lesson read, an attempt started, a result), then delivered by a worker (records.services). Its id is
a UUID v5 of the event, so a statement delivered twice is stored once by the LRS.
"""
import uuid

from django.conf import settings
from django.db import models


class LearningRecordStore(models.Model):
    """Where one academy's statements go: an xAPI endpoint with HTTP Basic credentials (key, secret).
    Set by platform admins in the Django admin; the secret is written there and never shown back."""

    academy = models.OneToOneField("accounts.Academy", on_delete=models.CASCADE, related_name="record_store")
    endpoint = models.URLField(max_length=500,
                               help_text="The LRS's xAPI endpoint; statements go to <endpoint>/statements.")
    key = models.CharField(max_length=200, help_text="The HTTP Basic username the LRS gave Parley.")
    secret = models.CharField(max_length=500, help_text="The HTTP Basic password; never shown again once saved.")
    enabled = models.BooleanField(default=True, help_text="Off: no new statements are written for this academy.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "learning record store"

    def __str__(self):
        return f"LRS of academy {self.academy_id}"

    def statements_url(self) -> str:
        return self.endpoint.rstrip("/") + "/statements"


class Actor(models.Model):
    """The opaque, stable name a learner has in every LRS (an xAPI account on Parley's home page).
    Random, not derived from the account: deleting the account deletes this row, and then nothing in
    Parley links the LRS's statements to anyone."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="record_actor")
    name = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    def __str__(self):
        return f"actor {self.name}"


class Statement(models.Model):
    """One xAPI statement waiting for, or past, delivery to its academy's LRS."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        REFUSED = "refused", "Refused by the LRS (4xx)"

    statement_id = models.UUIDField(unique=True, editable=False)
    academy = models.ForeignKey("accounts.Academy", on_delete=models.CASCADE, related_name="+")
    # The learner the statement is about (export, deletion); none for the voiding statements.
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="record_statements")
    verb = models.CharField(max_length=200)
    # The attempt whose result the statement tells (completed, a decision, a quiz answer): a later result
    # voids these and states the new one. No foreign key: a statement outlives nothing it needs.
    attempt_id = models.BigIntegerField(null=True, blank=True)
    voidable = models.BooleanField(default=False)
    voided = models.BooleanField(default=False)
    body = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    tries = models.PositiveIntegerField(default=0)
    next_try_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The last answer: an HTTP status (None when the LRS could not be reached) and its text, cut short.
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [
            # What a delivery takes: an academy's waiting statements in order; partial, so the sent history
            # is never read to find them.
            models.Index(fields=["academy", "id"], condition=models.Q(status="pending"), name="statement_pending"),
            models.Index(fields=["id"], condition=models.Q(status="refused"), name="statement_refused"),
            # The result statements a new result voids.
            models.Index(fields=["attempt_id"], condition=models.Q(voidable=True, voided=False),
                         name="statement_voidable"),
        ]

    def __str__(self):
        return f"statement {self.statement_id} ({self.status})"
