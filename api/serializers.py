"""Input serializers (validation of request bodies) and output shapes for the schema."""
from rest_framework import serializers

from accounts.models import Role


class RegisterIn(serializers.Serializer):
    username = serializers.RegexField(r"^[\w.@+-]+\Z", max_length=150)
    email = serializers.EmailField()
    password = serializers.CharField(max_length=128, write_only=True)
    role = serializers.ChoiceField(choices=[Role.STUDENT, Role.TEACHER], default=Role.STUDENT)


class UserOut(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.EmailField()
    role = serializers.CharField()


class MeOut(UserOut):
    academies = serializers.ListField(child=serializers.DictField())


class TokenIn(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128)


class TokenOut(serializers.Serializer):
    token = serializers.CharField()
    type = serializers.CharField()
    expires_at = serializers.DateTimeField()


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
    module = serializers.IntegerField()
    language = serializers.CharField()
    exercises = serializers.ListField(child=serializers.IntegerField())
    blocks = serializers.ListField(child=serializers.DictField())
    previous = serializers.IntegerField(allow_null=True)
    next = serializers.IntegerField(allow_null=True)


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


class ExerciseImportOut(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    slug = serializers.CharField()
    created = serializers.BooleanField()


class NodeOut(serializers.Serializer):
    id = serializers.CharField()
    type = serializers.CharField()
    text = serializers.CharField()
    choices = serializers.ListField(child=serializers.DictField(), required=False)
    min_words = serializers.IntegerField(required=False)
    max_words = serializers.IntegerField(required=False)
    outcome = serializers.CharField(required=False)


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


class AttemptSubmitIn(serializers.Serializer):
    steps = serializers.ListField(child=serializers.DictField(), required=False)
    answers = serializers.DictField(required=False)


class StepIn(serializers.Serializer):
    choice = serializers.CharField(required=False)
    reply = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False, max_length=20000)

    def validate(self, attrs):
        if len(attrs) != 1:
            raise serializers.ValidationError("Send exactly one of choice or reply.", code="invalid")
        return attrs


class OverrideIn(serializers.Serializer):
    node = serializers.CharField()
    met = serializers.ListField(child=serializers.CharField(), required=False)
    avoided = serializers.ListField(child=serializers.CharField(), required=False)
    reason = serializers.CharField(max_length=2000)


class ClassIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)


class ClassOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    join_code = serializers.CharField()
    archived = serializers.BooleanField()
    students = serializers.IntegerField(required=False)


class ClassUpdateIn(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    archived = serializers.BooleanField(required=False)


class JoinIn(serializers.Serializer):
    join_code = serializers.CharField(max_length=32)


class RosterIn(serializers.Serializer):
    student = serializers.CharField(max_length=254, help_text="username or email")


class AssignmentIn(serializers.Serializer):
    module = serializers.IntegerField()
    due_at = serializers.DateTimeField()


class AssignmentUpdateIn(serializers.Serializer):
    due_at = serializers.DateTimeField()


class AssignmentOut(serializers.Serializer):
    id = serializers.IntegerField()
    module = serializers.IntegerField()
    course = serializers.IntegerField()
    due_at = serializers.DateTimeField()


class ExtensionIn(serializers.Serializer):
    student = serializers.IntegerField()
    due_at = serializers.DateTimeField()


class MatrixCellOut(serializers.Serializer):
    id = serializers.IntegerField()
    assignment = serializers.IntegerField()
    title = serializers.CharField()
    percent = serializers.FloatField()
    due_at = serializers.DateTimeField()
    overdue = serializers.BooleanField()


class MatrixRowOut(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    last_activity_at = serializers.DateTimeField(allow_null=True)
    modules = MatrixCellOut(many=True)


class ClassProgressOut(serializers.Serializer):
    students = MatrixRowOut(many=True)
    modules = serializers.ListField(child=serializers.DictField())


class CompetencyOut(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    score = serializers.FloatField()
    exercises = serializers.IntegerField()


class RegradeOut(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    finished = serializers.BooleanField()


class HealthOut(serializers.Serializer):
    status = serializers.CharField()
    database = serializers.CharField()
    broker = serializers.CharField()
    worker = serializers.CharField()
