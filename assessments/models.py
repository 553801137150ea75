"""Exercises, their immutable versions, attempts and grading history."""
from django.conf import settings
from django.db import models


class Exercise(models.Model):
    class Kind(models.TextChoices):
        SCENARIO = "scenario", "Scenario"
        QUIZ = "quiz", "Quiz"
        NEGOTIATION = "negotiation", "Negotiation"

    class Visibility(models.TextChoices):
        PRACTICE = "practice", "Practice: any signed-in learner"
        COURSE = "course", "Course: learners of a course that embeds it"

    academy = models.ForeignKey("accounts.Academy", on_delete=models.PROTECT, related_name="exercises")
    slug = models.SlugField(max_length=120)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    title = models.CharField(max_length=255)
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.COURSE)
    attempt_limit = models.PositiveIntegerField(null=True, blank=True, help_text="Empty for unlimited attempts.")
    current_version = models.ForeignKey(
        "ExerciseVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["academy", "slug"], name="exercise_slug_per_academy")]

    def __str__(self) -> str:
        return self.title


class ExerciseVersion(models.Model):
    """One immutable document. Attempts point here, so grading never sees later edits."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    document = models.JSONField()
    content_hash = models.CharField(max_length=64)
    # Best and worst raw score per competency, computed once when the version is made.
    bounds = models.JSONField(default=dict)
    pass_threshold = models.FloatField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["exercise", "number"], name="version_number_per_exercise")]
        ordering = ["exercise", "number"]

    def __str__(self):
        return f"exercise {self.exercise_id} v{self.number}"


class AttemptQuerySet(models.QuerySet):
    def counted(self):
        """The attempts that count: not staff previews, not practice replays. Every total, progress mark,
        attempt limit, statistic and teacher's view reads attempts through this."""
        return self.filter(preview=False, practice=False)


class Attempt(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress"
        SUBMITTED = "submitted"
        GRADING = "grading"
        GRADED = "graded"
        FAILED = "failed"

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="attempts"
    )
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="attempts")
    version = models.ForeignKey(ExerciseVersion, on_delete=models.PROTECT, related_name="attempts")
    # No index of its own: statistics lag a deadline's burst of submissions, and the planner then
    # read every waiting attempt through it to find one by id (docs/benchmarks.md, B4). Lookups by
    # status go through the partial indexes below or an index led by the learner or the version.
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    current_node = models.CharField(max_length=200, blank=True)
    # The answers as the engine takes them: {"steps": [...]} or {"answers": {...}}; a negotiation's
    # session: {"role": the learner's role, "seed": the counterpart's seed, "transcript": [...]}.
    answers = models.JSONField(default=dict)
    result = models.JSONField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    # NULL, not "": the unique constraint per learner and exercise must ignore attempts without a key.
    idempotency_key = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    grading_started_at = models.DateTimeField(null=True, blank=True)
    graded_at = models.DateTimeField(null=True, blank=True)
    # Played by staff of the exercise's academy ("Preview as a learner"): graded and shown to them like
    # any attempt, but counted nowhere (progress, competencies, attempt counts, teachers' views).
    preview = models.BooleanField(default=False)
    # A "what if" replay of a graded attempt (`replay_of`) from one of its decision nodes (`replay_from`):
    # played in practice mode, shown as practice, counted nowhere (see AttemptQuerySet.counted).
    practice = models.BooleanField(default=False)
    replay_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replays")
    replay_from = models.CharField(max_length=200, blank=True)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "exercise", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="one_attempt_per_idempotency_key",
            )
        ]
        indexes = [
            models.Index(fields=["learner", "exercise", "status"], name="attempt_learner_ex_status"),
            # Attempts waiting or being graded, by id: what the sweep reads, what a grading batch
            # takes (the attempts after its own, in order, stopping at the batch size), and what a
            # grading message looks up by id. Keyed by id so a lookup through them is never a scan,
            # whatever the planner believes about their size.
            models.Index(fields=["id"], condition=models.Q(status="submitted"), name="attempt_submitted"),
            models.Index(fields=["id"], condition=models.Q(status="grading"), name="attempt_grading"),
            # Failed attempts, which staff retry: counted at every metrics scrape (config/metrics.py),
            # so that count never reads the whole table.
            models.Index(fields=["id"], condition=models.Q(status="failed"), name="attempt_failed"),
            # Where counted attempts in progress stand, per version: the statistics' "where they stopped".
            models.Index(fields=["version", "current_node"], name="attempt_in_progress_node",
                         condition=models.Q(status="in_progress", preview=False, practice=False)),
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"attempt {self.pk} ({self.status})"


# The reason of the override row that freezes a deleted account's graded criteria
# (assessments/privacy.py): written by no one, it cannot be reversed.
REDACTION_REASON = "Replies redacted when the account was deleted; criteria kept as graded."


class Grading(models.Model):
    """One result an attempt had: automatic, regrade, teacher override or staff retry."""

    class Kind(models.TextChoices):
        AUTOMATIC = "automatic"
        REGRADE = "regrade"
        OVERRIDE = "override"
        REVERSAL = "reversal"  # academy staff undid an override: `reverses` names it

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="gradings")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    result = models.JSONField()
    engine_version = models.CharField(max_length=20)
    overrides = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    batch = models.ForeignKey("RegradeBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="gradings")
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversal")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # A batch regrades each attempt once, however often its task runs.
            models.UniqueConstraint(fields=["attempt", "batch"], name="one_regrade_per_batch"),
        ]

    def __str__(self):
        return f"{self.kind} grading of attempt {self.attempt_id}"

    @property
    def is_redaction(self) -> bool:
        return self.kind == self.Kind.OVERRIDE and self.actor_id is None and self.reason == REDACTION_REASON


class RegradeBatch(models.Model):
    version = models.ForeignKey(ExerciseVersion, on_delete=models.CASCADE, related_name="regrades")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    total = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"regrade {self.pk} of version {self.version_id}"


class RefusedPath(models.Model):
    """A whole-path submission the engine refused. Nothing of the path is kept: the row is the
    cost of a probe, counted against `PATH_REFUSALS_PER_EXERCISE` (assessments/services.py)."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["learner", "exercise"], name="refused_path_learner_ex")]

    def __str__(self):
        return f"refused path of {self.learner_id} at exercise {self.exercise_id}"


class ReplyReview(models.Model):
    """A teacher (or the exercise's academy staff) has read one written reply of an attempt: the replies
    page files it under "reviewed". Marked and unmarked through courses.reviews (who may: courses/access.py);
    it changes no score."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="reply_reviews")
    node = models.CharField(max_length=200)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["attempt", "node"], name="one_review_mark_per_reply")]

    def __str__(self):
        return f"reply {self.node} of attempt {self.attempt_id} reviewed"


class StatisticCell(models.Model):
    """How many counted, graded attempts of a version with one overall (in tenths) reached a node
    (`item` ""), took a choice there ("c:<id>") or met a reply criterion ("m:<id>"); node "" counts
    the attempts. Kept exact in the grading transactions (assessments/statistics.py): each result
    an attempt gets replaces its previous contribution. The statistics read these instead of the
    attempts, so their cost follows the version's structure and its distinct scores, not its size."""

    version = models.ForeignKey(ExerciseVersion, on_delete=models.CASCADE, related_name="+")
    node = models.CharField(max_length=200)
    item = models.CharField(max_length=210)
    overall = models.IntegerField()
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "node", "item", "overall"],
                                               name="one_statistic_cell")]

    def __str__(self):
        return f"{self.node}/{self.item}@{self.overall}: {self.count}"


class AttemptStep(models.Model):
    """One node of a counted, graded scenario attempt's path, with its overall (tenths), the choice taken
    and the criteria met: what the statistics read to split attempts tied at a group boundary
    (earlier attempt, lower id, first). Rewritten with every result; gone with the attempt."""

    attempt = models.ForeignKey(Attempt, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    version = models.ForeignKey(ExerciseVersion, on_delete=models.CASCADE, related_name="+")
    node = models.CharField(max_length=200)
    overall = models.IntegerField()
    choice = models.CharField(max_length=200, blank=True)
    met = models.JSONField(default=list)

    class Meta:
        indexes = [models.Index(fields=["version", "node", "overall", "attempt"], name="attempt_step_rank"),
                   models.Index(fields=["attempt"], name="attempt_step_attempt")]

    def __str__(self):
        return f"attempt {self.attempt_id} at {self.node}"
