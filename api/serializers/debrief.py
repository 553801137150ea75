"""The debrief of a graded scenario attempt (api/views/debrief.py; scenario spec, "Debrief")."""
from rest_framework import serializers


class BestChoiceOut(serializers.Serializer):
    id = serializers.CharField()
    text = serializers.CharField(allow_blank=True)


class DebriefStepOut(serializers.Serializer):
    node = serializers.CharField()
    choice = serializers.CharField(required=False, help_text="at a choice node: the learner's choice")
    reply = serializers.CharField(required=False, allow_blank=True, help_text="at a reply node: the learner's reply")
    lost = serializers.FloatField(help_text="overall points this decision cost against the strongest path, "
                                            "rounded half up to 0.1; negative only at a step flagged critical")
    best_choice = BestChoiceOut(allow_null=True, help_text="the choice that reaches best(n); null at a reply")
    critical = serializers.BooleanField()
    debrief = serializers.CharField(allow_blank=True, help_text="the author's commentary on this node")


class StrongestStepOut(serializers.Serializer):
    node = serializers.CharField()
    choice = serializers.CharField(required=False)


class DebriefOut(serializers.Serializer):
    overall = serializers.FloatField(help_text="the attempt's overall, as in its current result")
    strongest_overall = serializers.FloatField(help_text="the strongest path's overall, replies at their maximum")
    debrief = serializers.CharField(allow_blank=True, help_text="the author's commentary on the whole scenario")
    steps = DebriefStepOut(many=True)
    strongest_path = StrongestStepOut(many=True)
