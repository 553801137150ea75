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


class NegotiationSessionOut(serializers.Serializer):
    """A negotiation attempt as its learner's side sees it (negotiation spec, "What each side sees")."""

    role = serializers.CharField(help_text="the role the learner plays")
    brief = serializers.DictField(help_text="that role's brief: the engine's learner view (own points only)")
    session = serializers.DictField(
        help_text="status (open, agreement, walkaway, deadline), round, rounds_left, your_turn, standing_offer, "
                  "deal, your_utility (once ended), questions_left, moves (each with your utility only)")


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
    practice = serializers.BooleanField(
        help_text='a "what if" replay: unscored (score and passed stay null, the result holds feedback only) '
                  "and counted nowhere")
    replay_of = serializers.IntegerField(allow_null=True, help_text="the graded attempt a practice replay replays")
    replay_from = serializers.CharField(allow_null=True, help_text="the decision node the replay started from")
    created_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    graded_at = serializers.DateTimeField(allow_null=True)
    last_error = serializers.CharField(required=False, help_text="academy staff only")
    failures = serializers.IntegerField(required=False, help_text="academy staff only")
    reviews = ReviewOut(many=True, required=False,
                        help_text="every override and reversal of this attempt: who, when, why")
    negotiation = NegotiationSessionOut(required=False, help_text="negotiations")


class MoveIn(serializers.Serializer):
    """One move of a negotiation (negotiation spec, "Sessions and moves"); checked by the engine."""

    type = serializers.ChoiceField(choices=["offer", "accept", "reject", "ask", "walk_away"])
    package = serializers.DictField(child=serializers.CharField(), required=False,
                                    help_text="an offer's package: an option id for every issue id")
    question = serializers.CharField(required=False, help_text="an ask's question id (one of your role's)")
    note = serializers.CharField(required=False, max_length=1000, help_text="said with the move, never scored")


class MoveOut(AttemptOut):
    replies = serializers.ListField(
        child=serializers.DictField(),
        help_text="what was said back: the answer to a question ({type: answer, question, text}), then each "
                  "counterpart move ({role, by: machine, type, package?, message?})")


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


class RoleOut(serializers.Serializer):
    id = serializers.CharField()
    label = serializers.CharField()


# Named in SPECTACULAR_SETTINGS' ENUM_NAME_OVERRIDES, like the statistics flags' kinds below.
EXERCISE_KINDS = ["scenario", "quiz", "negotiation"]


class ExerciseOut(serializers.Serializer):
    """The learner's view: no nodes beyond the start, no weights, feedback or keys."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=EXERCISE_KINDS)
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
    roles = RoleOut(many=True, required=False, help_text="negotiations: the roles a learner may play")
    negotiation = serializers.DictField(
        required=False, help_text="negotiations: the brief of the role a learner plays by default (its first): "
                                  "issues with that role's points, its reservation value, its questions")


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


class ReplayIn(serializers.Serializer):
    node = serializers.CharField(max_length=200, help_text="a choice or reply node of the attempt's path")


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


class StatisticsParams(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "class" is a Python keyword, so the field is added by name.
        self.fields["class"] = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class StatisticsItemOut(serializers.Serializer):
    id = serializers.CharField()
    share = serializers.FloatField(allow_null=True, help_text="took (or met) / reached; null when none reached")
    discrimination = serializers.FloatField(allow_null=True,
                                            help_text="p_upper - p_lower; null under 10 attempts reaching the node")
    count = serializers.IntegerField(help_text="attempts that took the choice (met the criterion)")


class StatisticsNodeOut(serializers.Serializer):
    id = serializers.CharField()
    reached = serializers.IntegerField()
    choices = StatisticsItemOut(many=True, required=False)
    criteria = StatisticsItemOut(many=True, required=False)


class StatisticsQuestionOut(serializers.Serializer):
    id = serializers.CharField()
    facility = serializers.FloatField(allow_null=True, help_text="the mean fraction earned")
    discrimination = serializers.FloatField(allow_null=True)


class StatisticsStopOut(serializers.Serializer):
    node = serializers.CharField()
    count = serializers.IntegerField()


# Named in SPECTACULAR_SETTINGS' ENUM_NAME_OVERRIDES: another "kind" (scenario or quiz) shares the field name.
STATISTICS_FLAG_KINDS = ["untaken", "flat", "reversed", "stops"]


class StatisticsFlagOut(serializers.Serializer):
    kind = serializers.ChoiceField(STATISTICS_FLAG_KINDS)
    node = serializers.CharField()
    choice = serializers.CharField(required=False)
    count = serializers.IntegerField(required=False)


class StatisticsOut(serializers.Serializer):
    version = serializers.IntegerField()
    kind = serializers.ChoiceField(EXERCISE_KINDS)
    attempts = serializers.IntegerField()
    nodes = StatisticsNodeOut(many=True, required=False, help_text="scenarios: every node in document order")
    questions = StatisticsQuestionOut(many=True, required=False, help_text="quizzes: item analysis")
    stopped = StatisticsStopOut(many=True, help_text="where counted attempts in progress stand")
    flags = StatisticsFlagOut(many=True)
