"""Exercises, attempts, reviews and regrades (api/views/exercises.py)."""
from django.utils.translation import gettext
from rest_framework import serializers


class ImportParams(serializers.Serializer):
    academy = serializers.CharField(required=False, allow_blank=True)


class ExerciseImportOut(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    slug = serializers.CharField()
    created = serializers.BooleanField()


class ChoiceOut(serializers.Serializer):
    id = serializers.CharField()
    text = serializers.CharField()


class NodeOut(serializers.Serializer):
    """A scenario node as the learner sees it: never weights, feedback, critical flags or links."""

    id = serializers.CharField()
    type = serializers.ChoiceField(choices=["choice", "reply", "outcome"])
    text = serializers.CharField()
    choices = ChoiceOut(many=True, required=False)
    min_words = serializers.IntegerField(required=False)
    max_words = serializers.IntegerField(required=False)
    outcome = serializers.CharField(required=False)


class ReviewOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=["override", "reversal"])
    at = serializers.DateTimeField()
    by = serializers.CharField(allow_null=True, help_text="the reviewer's display name")
    reason = serializers.CharField()
    overrides = serializers.DictField(help_text="the reply criteria in effect after this review, by node")
    reverses = serializers.IntegerField(allow_null=True, help_text="the override a reversal undid")
    reversed = serializers.BooleanField()
    overall = serializers.FloatField(allow_null=True)


class AttemptOut(serializers.Serializer):
    id = serializers.IntegerField()
    exercise = serializers.IntegerField()
    version = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["in_progress", "submitted", "grading", "graded", "failed"])
    node = NodeOut(allow_null=True)
    path = serializers.ListField(child=serializers.DictField())
    result = serializers.DictField(allow_null=True)
    score = serializers.FloatField(allow_null=True)
    passed = serializers.BooleanField(allow_null=True)
    created_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    graded_at = serializers.DateTimeField(allow_null=True)
    last_error = serializers.CharField(required=False, help_text="academy staff only")
    failures = serializers.IntegerField(required=False, help_text="academy staff only")
    reviews = ReviewOut(many=True, required=False,
                        help_text="every override and reversal of this attempt: who, when, why")


class CompetencyViewOut(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    weight = serializers.FloatField()


class QuestionViewOut(serializers.Serializer):
    id = serializers.CharField()
    type = serializers.CharField()
    text = serializers.CharField()
    points = serializers.FloatField()
    options = ChoiceOut(many=True)


class ExerciseOut(serializers.Serializer):
    """The learner's view: no nodes beyond the start, no weights, feedback or keys."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=["scenario", "quiz"])
    version = serializers.IntegerField()
    visibility = serializers.ChoiceField(choices=["practice", "course"])
    attempt_limit = serializers.IntegerField(allow_null=True)
    attempts_left = serializers.IntegerField(allow_null=True)
    path_refusals_left = serializers.IntegerField(
        allow_null=True, help_text="scenarios: refused whole-path submissions left before whole paths are refused "
                                   "(409 path_refusal_limit); null for quizzes")
    format = serializers.CharField()
    slug = serializers.CharField()
    title = serializers.CharField()
    language = serializers.CharField()
    pass_threshold = serializers.FloatField()
    summary = serializers.CharField(required=False, help_text="scenarios")
    competencies = CompetencyViewOut(many=True, required=False, help_text="scenarios")
    start_node = NodeOut(required=False, help_text="scenarios")
    questions = QuestionViewOut(many=True, required=False, help_text="quizzes")


class HistoryRowOut(serializers.Serializer):
    kind = serializers.CharField()
    created_at = serializers.DateTimeField()
    engine_version = serializers.CharField()
    actor = serializers.CharField(allow_null=True)
    reason = serializers.CharField()
    overrides = serializers.DictField()
    overall = serializers.FloatField(allow_null=True)
    passed = serializers.BooleanField(allow_null=True)


class HistoryOut(serializers.Serializer):
    results = HistoryRowOut(many=True)


class AttemptSubmitIn(serializers.Serializer):
    steps = serializers.ListField(child=serializers.DictField(), required=False,
                                  help_text='a whole scenario path: [{"node", "choice"} or {"node", "reply"}, ...]')
    answers = serializers.DictField(required=False, help_text="a quiz's answers by question id")


class StepIn(serializers.Serializer):
    choice = serializers.CharField(required=False)
    reply = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False, max_length=20000)

    def validate(self, attrs):
        if len(attrs) != 1:
            raise serializers.ValidationError(gettext("Send exactly one of choice or reply."), code="invalid")
        return attrs


class ReverseIn(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class OverrideIn(serializers.Serializer):
    node = serializers.CharField()
    met = serializers.ListField(child=serializers.CharField(), required=False)
    avoided = serializers.ListField(child=serializers.CharField(), required=False)
    reason = serializers.CharField(max_length=2000)


class CompetencyOut(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    score = serializers.FloatField()
    exercises = serializers.IntegerField()


class CompetenciesOut(serializers.Serializer):
    results = CompetencyOut(many=True)


class RegradeOut(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    finished = serializers.BooleanField()
