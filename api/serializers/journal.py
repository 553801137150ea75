"""The reflection journal (api/views/journal.py)."""
from rest_framework import serializers


class JournalIn(serializers.Serializer):
    differently = serializers.CharField(max_length=2000, help_text="what I would do differently")
    commitment = serializers.CharField(max_length=2000, help_text="one commitment")


class CommentIn(serializers.Serializer):
    text = serializers.CharField(max_length=2000)


class CommentOut(serializers.Serializer):
    id = serializers.IntegerField()
    author = serializers.CharField(help_text="the teacher's display name")
    text = serializers.CharField()
    created_at = serializers.DateTimeField()


class EntryOut(serializers.Serializer):
    id = serializers.IntegerField()
    attempt = serializers.IntegerField()
    exercise = serializers.IntegerField()
    exercise_title = serializers.CharField()
    student = serializers.CharField(help_text="the learner's display name")
    differently = serializers.CharField()
    commitment = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    comments = CommentOut(many=True)


class AudienceOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    teacher = serializers.CharField(help_text="the class's teacher's display name")


class AttemptJournalOut(serializers.Serializer):
    unlocked = serializers.BooleanField(help_text="the attempt's debrief is open: an entry may be written")
    shared_with = AudienceOut(many=True, help_text="the classes whose teacher reads the entry; empty: only you")
    entry = EntryOut(allow_null=True)
