"""Courses, lessons, search and progress (api/views/catalogue.py)."""
from rest_framework import serializers


class AcademyOut(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    slug = serializers.CharField(allow_null=True)
    name = serializers.CharField(allow_null=True)


class CourseOut(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    academy = AcademyOut()
    summary = serializers.CharField()
    level = serializers.CharField()
    language = serializers.CharField()
    estimated_hours = serializers.IntegerField()
    competencies = serializers.ListField(child=serializers.CharField())
    cover = serializers.DictField(allow_null=True)
    translations = serializers.ListField(child=serializers.CharField())


class LessonRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    exercises = serializers.ListField(child=serializers.IntegerField())


class ModuleOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    lessons = LessonRefOut(many=True)


class CourseDetailOut(CourseOut):
    modules = ModuleOut(many=True)


class LessonOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    summary = serializers.CharField()
    course = serializers.IntegerField()
    module = serializers.IntegerField(allow_null=True)
    language = serializers.CharField()
    exercises = serializers.ListField(child=serializers.IntegerField())
    blocks = serializers.ListField(child=serializers.DictField())
    previous = serializers.IntegerField(allow_null=True)
    next = serializers.IntegerField(allow_null=True)


class CourseListParams(serializers.Serializer):
    """Query parameters of the course list. Strings only, but never with NUL characters,
    which PostgreSQL cannot compare (they would be a 500)."""

    lang = serializers.CharField(required=False, allow_blank=True)
    language = serializers.CharField(required=False, allow_blank=True)
    level = serializers.CharField(required=False, allow_blank=True)
    competency = serializers.CharField(required=False, allow_blank=True)
    q = serializers.CharField(required=False, allow_blank=True)


class SearchParams(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True)


class SearchHitOut(serializers.Serializer):
    type = serializers.ChoiceField(choices=["course", "lesson"])
    id = serializers.IntegerField()
    title = serializers.CharField()
    summary = serializers.CharField()


class SearchOut(serializers.Serializer):
    count = serializers.IntegerField()
    results = SearchHitOut(many=True)


class StatusOut(serializers.Serializer):
    status = serializers.CharField()
    created = serializers.BooleanField()


class LessonProgressOut(serializers.Serializer):
    id = serializers.IntegerField()
    completed = serializers.BooleanField()


class ModuleProgressOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    percent = serializers.FloatField()
    lessons = LessonProgressOut(many=True)


class CourseProgressOut(serializers.Serializer):
    course = serializers.IntegerField()
    percent = serializers.FloatField()
    completed_lessons = serializers.IntegerField()
    total_lessons = serializers.IntegerField()
    modules = ModuleProgressOut(many=True)


class MyProgressRowOut(serializers.Serializer):
    course = serializers.IntegerField()
    title = serializers.CharField()
    percent = serializers.FloatField()
    enrolled_at = serializers.DateTimeField()
