"""Input serializers (validation of request bodies) and output shapes for the schema."""
from django.utils.translation import gettext
from rest_framework import serializers

from accounts.models import AuditEvent, Role

from .views.base import MAX_ID

# --- the error shape (api-v1.md, "Errors") -----------------------------------------


class ErrorOut(serializers.Serializer):
    code = serializers.CharField(help_text="machine-readable, e.g. `required`, `not_found`, `attempt_limit`")
    detail = serializers.CharField(help_text="for people")
    attr = serializers.CharField(allow_null=True, help_text="the field or document path at fault, or null")


class ValidationErrorOut(serializers.Serializer):
    type = serializers.ChoiceField(choices=["validation_error", "client_error"],
                                   help_text="`client_error` when the body could not be parsed")
    errors = serializers.ListField(child=ErrorOut(), min_length=1)


class ClientErrorOut(serializers.Serializer):
    type = serializers.ChoiceField(choices=["client_error"])
    errors = serializers.ListField(child=ErrorOut(), min_length=1)


class ServerErrorOut(serializers.Serializer):
    type = serializers.ChoiceField(choices=["server_error"])
    errors = serializers.ListField(child=ErrorOut(), min_length=1)



class RegisterIn(serializers.Serializer):
    username = serializers.RegexField(r"^[\w.@+-]+\Z", max_length=150, error_messages={
        "invalid": "Use only letters, digits and @ . + - _ (no spaces, symbols or invisible characters)."})
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
    email_verified = serializers.BooleanField(help_text="whether the address was confirmed through the mailed link")


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


class ImportParams(serializers.Serializer):
    academy = serializers.CharField(required=False, allow_blank=True)


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


class JoinOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    joined = serializers.BooleanField()


class RosterMemberOut(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField(help_text="the display name; teachers never see emails")
    joined_at = serializers.DateTimeField()


class AssignmentIn(serializers.Serializer):
    module = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    due_at = serializers.DateTimeField()


class AssignmentUpdateIn(serializers.Serializer):
    due_at = serializers.DateTimeField()


class AssignmentOut(serializers.Serializer):
    id = serializers.IntegerField()
    module = serializers.IntegerField()
    course = serializers.IntegerField()
    due_at = serializers.DateTimeField()


class AssignmentListOut(serializers.Serializer):
    results = AssignmentOut(many=True)


class ExtensionIn(serializers.Serializer):
    student = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    due_at = serializers.DateTimeField()


class ExtensionOut(serializers.Serializer):
    assignment = serializers.IntegerField()
    student = serializers.IntegerField()
    due_at = serializers.DateTimeField()


class MatrixCellOut(serializers.Serializer):
    id = serializers.IntegerField()
    assignment = serializers.IntegerField()
    title = serializers.CharField()
    percent = serializers.FloatField()
    due_at = serializers.DateTimeField(help_text="the student's due date: their extension's when they have one")
    extended = serializers.BooleanField(help_text="the student has an extension for this module")
    overdue = serializers.BooleanField()


class MatrixRowOut(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    last_activity_at = serializers.DateTimeField(allow_null=True)
    modules = MatrixCellOut(many=True)


class MatrixModuleOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    assignment = serializers.IntegerField()
    due_at = serializers.DateTimeField()
    course = serializers.IntegerField()
    course_title = serializers.CharField()


class ClassProgressOut(serializers.Serializer):
    students = MatrixRowOut(many=True)
    modules = MatrixModuleOut(many=True)


class AtRiskRowOut(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    overdue_modules = serializers.ListField(child=serializers.IntegerField())
    inactive = serializers.BooleanField()
    last_activity_at = serializers.DateTimeField(allow_null=True)


class AtRiskOut(serializers.Serializer):
    results = AtRiskRowOut(many=True)


class ReplyCriterionOut(serializers.Serializer):
    id = serializers.CharField()
    label = serializers.CharField()
    met = serializers.BooleanField()


class ReplyAvoidOut(serializers.Serializer):
    id = serializers.CharField()
    label = serializers.CharField()
    hit = serializers.BooleanField()


class ReplyOut(serializers.Serializer):
    attempt = serializers.IntegerField()
    student = serializers.CharField(help_text="the learner's display name")
    exercise = serializers.CharField()
    node = serializers.CharField()
    prompt = serializers.CharField(help_text="the reply node's text, as the learner read it")
    reply = serializers.CharField()
    met = serializers.ListField(child=serializers.CharField())
    missed = serializers.ListField(child=serializers.CharField())
    avoided = serializers.ListField(child=serializers.CharField())
    criteria = ReplyCriterionOut(many=True, help_text="the node's rubric criteria with their labels")
    avoid = ReplyAvoidOut(many=True, help_text="what the rubric asks to avoid, with its labels")
    score = serializers.FloatField(allow_null=True)
    passed = serializers.BooleanField(allow_null=True)
    graded_at = serializers.DateTimeField(allow_null=True)


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


class HealthOut(serializers.Serializer):
    status = serializers.CharField()
    database = serializers.CharField()
    broker = serializers.CharField()
    worker = serializers.CharField(help_text="ok, unknown; under `make run` also starting or restarting")
    worker_restarts = serializers.IntegerField(required=False, help_text="under `make run`: restarts of its worker")


class LiveOut(serializers.Serializer):
    status = serializers.CharField(help_text="always `ok`: the process answers")


class ReadyOut(serializers.Serializer):
    status = serializers.CharField(help_text="`ready`")
    database = serializers.CharField()
    cache = serializers.CharField()
    broker = serializers.CharField()


class AccountDeleteIn(serializers.Serializer):
    password = serializers.CharField(max_length=128, write_only=True, help_text="your current password")


class ExportOut(serializers.Serializer):
    format = serializers.CharField()
    exported_at = serializers.DateTimeField()
    profile = serializers.DictField()
    academies = serializers.ListField(child=serializers.DictField())
    enrolments = serializers.ListField(child=serializers.DictField())
    lessons_read = serializers.ListField(child=serializers.DictField())
    class_memberships = serializers.ListField(child=serializers.DictField())
    extensions = serializers.ListField(child=serializers.DictField())
    classes_taught = serializers.ListField(child=serializers.DictField())
    attempts = serializers.ListField(child=serializers.DictField())
    tokens = serializers.ListField(child=serializers.DictField())
    audit_events = serializers.ListField(child=serializers.DictField())


class AuditListParams(serializers.Serializer):
    action = serializers.ChoiceField(choices=[c for c, _ in AuditEvent.Action.choices], required=False)
    academy = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    since = serializers.DateTimeField(required=False)


class AuditActorOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(help_text='the username, or "Former learner" for a deleted account')


class AuditTargetOut(serializers.Serializer):
    type = serializers.CharField(help_text='the record\'s model, as "app.model"')
    id = serializers.CharField()


class AuditEventOut(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    action = serializers.ChoiceField(choices=[c for c, _ in AuditEvent.Action.choices])
    actor = AuditActorOut(allow_null=True)
    academy = serializers.IntegerField(allow_null=True)
    target = AuditTargetOut()
    data = serializers.DictField(help_text="small facts of the action: ids, roles, version numbers, criteria")


# --- classes: invitations, my classes, teacher verification ---------------------------------


class InvitationIn(serializers.Serializer):
    email = serializers.CharField(max_length=254, help_text="the address to invite")


class AcceptedOut(serializers.Serializer):
    detail = serializers.CharField()


_DRY_RUN_HELP = "true: only say what sending would do (nothing is written or mailed); default false: send"


class BulkInvitationTextIn(serializers.Serializer):
    text = serializers.CharField(trim_whitespace=False, help_text="the CSV, as text")
    dry_run = serializers.BooleanField(default=False, help_text=_DRY_RUN_HELP)


class BulkInvitationFileIn(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True, help_text="the CSV file (UTF-8)")
    dry_run = serializers.BooleanField(default=False, help_text=_DRY_RUN_HELP)


class BulkInvitationRowOut(serializers.Serializer):
    line = serializers.IntegerField(help_text="the line of the file the row ends on, from 1")
    email = serializers.CharField(help_text="the address as stored (case-folded), or the cell as written if invalid")
    fate = serializers.ChoiceField(choices=["invite", "pending", "duplicate", "invalid"], help_text=(
        "invite: would be (dry run) or was invited, the same words whether or not the address has an account "
        "or is in the class; pending: this class's invitation to it waits for an answer, nothing is sent; "
        "duplicate: repeats an earlier row; invalid: not an email address"))


class BulkInvitationCountsOut(serializers.Serializer):
    invite = serializers.IntegerField()
    pending = serializers.IntegerField()
    duplicate = serializers.IntegerField()
    invalid = serializers.IntegerField()


class BulkInvitationOut(serializers.Serializer):
    dry_run = serializers.BooleanField()
    header = serializers.ListField(child=serializers.CharField(allow_blank=True), allow_null=True,
                                   help_text="the cells of the first row when it was read as a header (none of "
                                             "them holds an @), else null")
    counts = BulkInvitationCountsOut()
    rows = BulkInvitationRowOut(many=True)


class ClassRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MyInvitationOut(serializers.Serializer):
    id = serializers.IntegerField()
    teacher = serializers.CharField(help_text="the teacher's display name")
    created_at = serializers.DateTimeField()

    def get_fields(self):
        fields = super().get_fields()
        fields["class"] = ClassRefOut()
        return fields


class SentInvitationOut(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.CharField(help_text="the address the teacher invited")
    created_at = serializers.DateTimeField()


class TeacherSeesOut(serializers.Serializer):
    progress = serializers.BooleanField(help_text="progress in the modules assigned to the class")
    attempts = serializers.BooleanField(help_text="attempts and replies at those modules' exercises")
    overrides = serializers.BooleanField(help_text="the teacher is verified and may change reply criteria")
    modules = serializers.ListField(child=serializers.DictField(), help_text="the assigned modules: id, title")


class MyClassOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    teacher = serializers.CharField(help_text="the teacher's display name")
    joined_at = serializers.DateTimeField()
    teacher_sees = TeacherSeesOut()


class SentInvitationListOut(serializers.Serializer):
    results = SentInvitationOut(many=True)


class MyInvitationListOut(serializers.Serializer):
    results = MyInvitationOut(many=True)


class MyClassListOut(serializers.Serializer):
    results = MyClassOut(many=True)


class VerificationIn(serializers.Serializer):
    school = serializers.CharField(max_length=200)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class VerificationStateOut(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    state = serializers.ChoiceField(choices=["none", "pending", "verified", "rejected"])


class VerificationOut(serializers.Serializer):
    id = serializers.IntegerField()
    teacher = serializers.CharField(help_text="the teacher's display name")
    teacher_id = serializers.IntegerField()
    school = serializers.CharField()
    note = serializers.CharField()
    state = serializers.CharField()
    created_at = serializers.DateTimeField()


class DecisionIn(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


# --- passwords, sessions, email verification (api/views/accounts.py) ---------------------------


class PasswordChangeIn(serializers.Serializer):
    old_password = serializers.CharField(max_length=128, trim_whitespace=False)
    new_password = serializers.CharField(max_length=128, trim_whitespace=False)


class EmailVerifyIn(serializers.Serializer):
    token = serializers.CharField(max_length=500, help_text="the token of the link mailed at sign-up")


class EmailResendIn(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


# AcceptedOut (202 answers) is defined above, with the invitations.
