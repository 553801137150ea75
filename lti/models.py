"""Parley as an LTI 1.3 tool: the LMSs registered with it, its own signing keys, logins in flight, the
people and the LMS courses (contexts) it has seen. Writes go through lti/services.py and lti/keys.py."""
from django.conf import settings
from django.db import models
from django.utils import timezone


class ToolKey(models.Model):
    """One of the tool's RSA key pairs. The newest unretired key signs; a retired key stays published
    in the JWKS for LTI_KEY_GRACE_SECONDS so that what it signed can still be checked (lti/keys.py)."""

    kid = models.CharField(max_length=64, unique=True)
    private_pem = models.TextField()
    public_jwk = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"tool key {self.kid}"


class Registration(models.Model):
    """An LMS (the platform) that may launch Parley. It offers its academy's content and vouches, when
    `vouches_for_teachers`, for the instructors of its school: they become verified teachers on launch."""

    academy = models.ForeignKey("accounts.Academy", on_delete=models.PROTECT, related_name="lti_registrations")
    school = models.CharField(max_length=200)
    vouches_for_teachers = models.BooleanField(default=False)
    # Scores sent to its gradebook carry the competency scores in their comment ("listening 80; ...").
    competencies_in_comment = models.BooleanField(default=False)
    title = models.CharField(max_length=200, blank=True)
    issuer = models.CharField(max_length=255)
    client_id = models.CharField(max_length=255)
    auth_login_url = models.URLField(max_length=500)
    token_url = models.URLField(max_length=500)
    jwks_url = models.URLField(max_length=500)
    active = models.BooleanField(default=True)
    dynamic = models.BooleanField(default=False, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "client_id"], name="lti_one_registration_per_client")]
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"LTI registration {self.pk} ({self.issuer})"


class Deployment(models.Model):
    """A deployment id the platform sends in its launches; a launch naming another is refused."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="deployments")
    deployment_id = models.CharField(max_length=255)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["registration", "deployment_id"],
                                               name="lti_one_deployment_id_per_registration")]

    def __str__(self):
        return f"deployment {self.deployment_id} of registration {self.registration_id}"


class LoginState(models.Model):
    """An OIDC login in flight: made at the login initiation, consumed (deleted) by the one launch that
    presents its state, so a replayed launch finds nothing. Stale rows are swept (lti/services.py)."""

    state = models.CharField(max_length=64, unique=True)
    nonce = models.CharField(max_length=64)
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="+")
    target_link_uri = models.URLField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return f"login state {self.pk}"


class LtiAccount(models.Model):
    """The Parley account of a person an LMS launched, by (issuer, sub): made on their first launch."""

    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_accounts")
    registration = models.ForeignKey(Registration, null=True, on_delete=models.SET_NULL, related_name="accounts")
    created_at = models.DateTimeField(auto_now_add=True)
    last_launch_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="lti_one_account_per_subject")]

    def __str__(self):
        return f"LTI account {self.pk} of user {self.user_id}"


class LtiContext(models.Model):
    """An LMS course (the launch's context) and the Parley class it maps to, made by its first
    instructor's launch."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="contexts")
    context_id = models.CharField(max_length=255)
    title = models.CharField(max_length=200, blank=True)
    school_class = models.ForeignKey("courses.SchoolClass", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    # Names and Role Provisioning Services: the context's membership URL, from the launch's claim.
    memberships_url = models.URLField(max_length=2000, blank=True)
    roster_synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["registration", "context_id"],
                                               name="lti_one_class_per_context")]

    def __str__(self):
        return f"LMS context {self.context_id} of registration {self.registration_id}"


class LineItem(models.Model):
    """A column of the LMS gradebook that receives an exercise's scores (AGS): named by the launch's AGS
    claim (`lineitem`) when a resource link opens an exercise."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="line_items")
    context = models.ForeignKey(LtiContext, null=True, on_delete=models.SET_NULL, related_name="line_items")
    exercise = models.ForeignKey("assessments.Exercise", on_delete=models.CASCADE, related_name="+")
    url = models.URLField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["registration", "url"], name="lti_one_row_per_line_item")]

    def __str__(self):
        return f"line item {self.pk} for exercise {self.exercise_id}"


class ScoreDelivery(models.Model):
    """The outbox of scores for the LMS: one row per line item and learner, holding the latest score and
    its timestamp. Written in the transaction that writes the result (lti/scores.py); a task posts it
    and marks it sent only if no newer score replaced it meanwhile, so the platform's last score is
    always the latest and nothing is lost while the LMS is down (the sweep tries again)."""

    class State(models.TextChoices):
        PENDING = "pending"
        SENT = "sent"
        FAILED = "failed"

    line_item = models.ForeignKey(LineItem, on_delete=models.CASCADE, related_name="deliveries")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    subject = models.CharField(max_length=255)  # the platform's user id (sub)
    attempt = models.ForeignKey("assessments.Attempt", null=True, on_delete=models.SET_NULL, related_name="+")
    score_given = models.FloatField()
    score_maximum = models.FloatField()
    comment = models.CharField(max_length=1000, blank=True)
    timestamp = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    tries = models.PositiveIntegerField(default=0)
    next_try_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["line_item", "learner"], name="lti_one_score_per_learner")]
        indexes = [models.Index(fields=["state", "next_try_at"], name="lti_score_waiting")]

    def __str__(self):
        return f"score {self.pk} ({self.state})"
