"""Classes, rosters, assignments, progress, replies and invitations (api/views/classes.py)."""
from rest_framework import serializers

from ..views.base import MAX_ID

_DRY_RUN_HELP = "true: only say what sending would do (nothing is written or mailed); default false: send"


# courses' reads call a student's display name `name`; the contract (api-v1.md) calls it `username`. The
# answers below are mapped here, and only here.

def _contract_named(row: dict) -> dict:
    return {("username" if key == "name" else key): value for key, value in row.items()}


def roster_member_out(member: dict) -> dict:
    """A member of courses.selectors.class_roster as RosterMemberOut."""
    return {"id": member["id"], "username": member["name"], "joined_at": member["joined_at"]}


def class_progress_out(matrix: dict) -> dict:
    """courses.progress.class_progress as ClassProgressOut."""
    return {**matrix, "students": [_contract_named(row) for row in matrix["students"]]}


def at_risk_out(rows: list[dict]) -> dict:
    """courses.progress.students_at_risk as AtRiskOut."""
    return {"results": [_contract_named(row) for row in rows]}


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


class InvitationIn(serializers.Serializer):
    email = serializers.CharField(max_length=254, help_text="the address to invite")


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
