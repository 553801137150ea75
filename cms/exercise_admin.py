"""Exercise authoring in the CMS admin: upload a JSON document, see a scenario drawn as a
diagram beside its validation state, download it, replace it with a new version.

Documents change only through `assessments.services.exercise_import`, the service behind
the API import and the `import_exercise` command: these views read the file, pick the
academy and show what the service says. A refused document stores nothing, and every
problem is listed by its JSON path, as the API lists them.

Who may use them: staff of the exercise's academy with the `change` (upload, replace) or
`view` permission of the exercise policy in `wagtail_hooks.py`; anyone else's exercise
answers 404, as every other exercise view of the admin does.
"""
import json

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.views.generic import FormView, TemplateView, View
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets.button import HeaderButton

from accounts.models import Academy
from assessments import grading, negotiation
from assessments.diagram import edges_of, render_svg
from assessments.errors import ServiceError
from assessments.models import Exercise, ExerciseVersion
from assessments.selectors import exercise_download_filename
from assessments.services import exercise_import
from assessments.version_diff import version_diff

from .admin_tenancy import editor_academy_ids
from .models import LessonExercise


def upload_max_bytes() -> int:
    """settings.EXERCISE_UPLOAD_MAX_BYTES, read per call so a test's override applies."""
    return settings.EXERCISE_UPLOAD_MAX_BYTES


def _no_constants(name):
    raise ValueError(f"{name} is not JSON")


class ExerciseUploadForm(forms.Form):
    """A scenario or quiz document as a JSON file; `document_data` holds it once clean."""

    document = forms.FileField(
        label="JSON document",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )
    visibility = forms.TypedChoiceField(
        label="Visibility",
        choices=[("", "As the document says"), *Exercise.Visibility.choices],
        required=False,
        empty_value=None,
        help_text="“As the document says” reads its top-level visibility field; without one an exercise "
                  "keeps its visibility, and a new exercise is for courses.",
    )
    academy = forms.ModelChoiceField(queryset=Academy.objects.none(), empty_label=None, label="Academy")

    def __init__(self, *args, academies=(), replacing: Exercise | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.replacing = replacing
        self.fields["document"].help_text = (
            f"A scenario/1 or quiz/1 document, at most {filesizeformat(upload_max_bytes())}. "
            + (f'Its slug must be "{replacing.slug}".' if replacing else
               "A slug your academy already has makes a new version of that exercise.")
        )
        # The academy is a choice only for staff of several academies; a replacement keeps its own.
        if replacing is not None or len(academies) < 2:
            del self.fields["academy"]
            self.fixed_academy = replacing.academy if replacing is not None else next(iter(academies), None)
        else:
            self.fields["academy"].queryset = Academy.objects.filter(pk__in=[a.pk for a in academies])
            self.fixed_academy = None

    def clean_document(self):
        upload = self.cleaned_data["document"]
        limit = upload_max_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; the limit is {filesizeformat(limit)}.", code="too_large")
        raw = upload.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("The file is not UTF-8 text: upload the JSON document itself.",
                                        code="encoding")
        try:
            data = json.loads(text, parse_constant=_no_constants)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                f"The file is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}).", code="json")
        except ValueError as exc:  # NaN or Infinity, which JSON does not have
            raise forms.ValidationError(f"The file is not valid JSON: {exc}.", code="json")
        except RecursionError:
            raise forms.ValidationError("The file is not valid JSON: it is nested too deeply.", code="json")
        if not isinstance(data, dict):
            raise forms.ValidationError(
                f"The document must be a JSON object ({{...}}), not {_json_kind(data)}.", code="not_object")
        self.document_data = data
        return upload

    def importing_academy(self):
        return self.fixed_academy if self.fixed_academy is not None else self.cleaned_data["academy"]


class DebriefForm(forms.Form):
    """The debrief texts of a scenario (scenario spec, "The document": `debrief` on the document and on
    any node, `debrief_after`), edited on the authoring screen; saving makes a new version."""

    debrief = forms.CharField(label="Debrief of the whole scenario", required=False, widget=forms.Textarea(
        attrs={"rows": 3}), help_text="Shown to learners in the debrief only, after grading.")
    debrief_after = forms.ChoiceField(label="The debrief opens", choices=[
        ("passed", "once the learner has passed or used every attempt (default)"),
        ("graded", "after any graded attempt")])

    def __init__(self, *args, document: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.document = document
        self.fields["debrief"].initial = document.get("debrief") or ""
        self.fields["debrief_after"].initial = document.get("debrief_after") or "passed"
        for i, node in enumerate(document.get("nodes", [])):
            if not isinstance(node, dict):
                continue
            text = " ".join(str(node.get("text", "")).split())
            self.fields[f"node_{i}"] = forms.CharField(
                label=f"Node {node.get('id')} ({node.get('type')}): {text[:80]}{'…' if len(text) > 80 else ''}",
                required=False, initial=node.get("debrief") or "", widget=forms.Textarea(attrs={"rows": 2}))

    def node_fields(self):
        return [self[name] for name in self.fields if name.startswith("node_")]

    def changed_document(self) -> dict:
        """The document with the texts as edited; a field left empty that the document never had stays out,
        so saving an untouched form changes nothing (and makes no version)."""
        doc = json.loads(json.dumps(self.document))
        data = self.cleaned_data

        def put(obj: dict, key: str, value: str, default: str) -> None:
            if key in obj or value != default:
                obj[key] = value

        put(doc, "debrief", data["debrief"], "")
        put(doc, "debrief_after", data["debrief_after"], "passed")
        for i, node in enumerate(doc.get("nodes", [])):
            if isinstance(node, dict) and f"node_{i}" in data:
                put(node, "debrief", data[f"node_{i}"], "")
        return doc


def _json_kind(value) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"


def problems_of(errors: list[dict]) -> list[dict]:
    """The service's error items as rows: the JSON path ("" for the whole document) and
    the message without the path it starts with."""
    rows = []
    for error in errors:
        path = error.get("attr") or ""
        detail = error["detail"]
        if path and detail.startswith(f"{path}: "):
            detail = detail[len(path) + 2:]
        rows.append({"path": path, "message": detail, "code": error.get("code", "")})
    return rows


# --- views -----------------------------------------------------------------------------------


class ExerciseAdminViewMixin(PermissionCheckedMixin, WagtailAdminTemplateMixin):
    """Wagtail's permission check (the exercise policy) and page furniture; the viewset
    passes the URL names."""

    model = Exercise
    header_icon = "tick-inverse"
    index_url_name = None
    edit_url_name = None
    upload_url_name = None
    authoring_url_name = None
    download_url_name = None

    def exercises(self):
        return Exercise.objects.filter(academy_id__in=editor_academy_ids(self.request.user))

    def get_exercise(self) -> Exercise:
        """The exercise of the URL, if it belongs to one of the user's academies (404 otherwise)."""
        return get_object_or_404(self.exercises().select_related("academy", "current_version"), pk=self.kwargs["pk"])

    def index_breadcrumbs(self):
        items = list(self.breadcrumbs_items)
        if self.index_url_name:
            items.append({"url": reverse(self.index_url_name), "label": "Exercises"})
        return items

    def upload_result(self, form, exercise_before=None):
        """Run the import; on success a message and the redirect, else None with
        `self.problems` set (nothing was stored)."""
        try:
            exercise, version, created = exercise_import(
                academy=form.importing_academy(), document=form.document_data,
                visibility=form.cleaned_data.get("visibility"), actor=self.request.user,
            )
        except ServiceError as exc:
            self.problems = problems_of(exc.errors)
            return None
        if not created:
            messages.info(self.request, f"“{exercise.title}” is unchanged: the document is the same as "
                                        f"version {version.number}, so no new version was made.")
        elif version.number == 1:
            messages.success(self.request, f"“{exercise.title}” imported as version 1.")
        else:
            messages.success(self.request, f"“{exercise.title}”: version {version.number} made. Attempts "
                                           "already taken keep the version they were taken on.")
        # "#main" replaces the "#replace-section" of the form's action, which a redirect would otherwise
        # keep: the page opens at its top, where the message is, not at the form below it.
        return redirect(reverse(self.authoring_url_name, args=[exercise.pk]) + "#main")


class ExerciseUploadView(ExerciseAdminViewMixin, FormView):
    """Upload a document: a new exercise, or a new version of one with the same slug."""

    template_name = "cms/exercises/upload.html"
    form_class = ExerciseUploadForm
    permission_required = "change"
    page_title = "Upload exercise"
    problems: list[dict] = []

    def dispatch(self, request, *args, **kwargs):
        # Learners and teachers never reach here (no admin access); staff need an academy.
        if request.user.is_authenticated and not editor_academy_ids(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def academies(self):
        return list(Academy.objects.filter(pk__in=editor_academy_ids(self.request.user)).order_by("name"))

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "academies": self.academies}

    def get_breadcrumbs_items(self):
        return [*self.index_breadcrumbs(), {"url": "", "label": self.page_title}]

    def form_valid(self, form):
        return self.upload_result(form) or self.form_invalid(form)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs, problems=self.problems, action_url=reverse(self.upload_url_name),
            max_bytes=upload_max_bytes(), submit_button_label="Upload",
            submit_button_active_label="Uploading…",
        )


class ExerciseAuthoringView(ExerciseAdminViewMixin, TemplateView):
    """One exercise: the current version drawn (scenario) or summarised (quiz) beside its
    validation state, competencies and bounds, the versions, a download link, and an
    upload that replaces the document with a new version (POST)."""

    template_name = "cms/exercises/authoring.html"
    any_permission_required = ["view", "change"]
    problems: list[dict] = []

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.form = None
        self.debrief_form = None

    def get(self, request, *args, **kwargs):
        self.object = self.get_exercise()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_exercise()
        if not self.permission_policy.user_has_permission_for_instance(request.user, "change", self.object):
            raise PermissionDenied
        if request.POST.get("action") == "debrief" and self.object.kind == Exercise.Kind.SCENARIO:
            return self.post_debrief(request)
        self.form = ExerciseUploadForm(request.POST, request.FILES, replacing=self.object)
        if self.form.is_valid():
            slug = self.form.document_data.get("slug")
            if slug != self.object.slug:
                # Another slug would import a different exercise: say so instead.
                self.problems = [{"path": "slug", "code": "other_exercise", "message":
                                  f'must be "{self.object.slug}" to replace this exercise, not {json.dumps(slug)}; '
                                  "upload a document with another slug as a new exercise"}]
            else:
                response = self.upload_result(self.form)
                if response is not None:
                    return response
        return self.render_to_response(self.get_context_data(), status=200)

    def post_debrief(self, request):
        """Save the debrief texts as a new version, through the same import as an upload."""
        self.debrief_form = DebriefForm(request.POST, document=self.object.current_version.document)
        if self.debrief_form.is_valid():
            try:
                _exercise, version, created = exercise_import(
                    academy=self.object.academy, document=self.debrief_form.changed_document(), actor=request.user)
            except ServiceError as exc:
                self.problems = problems_of(exc.errors)
            else:
                if created:
                    messages.success(request, f"“{self.object.title}”: debrief texts saved as version "
                                              f"{version.number}. Attempts already taken keep their version.")
                else:
                    messages.info(request, "The debrief texts are unchanged: no new version was made.")
                return redirect(reverse(self.authoring_url_name, args=[self.object.pk]) + "#main")
        return self.render_to_response(self.get_context_data(), status=200)

    def get_page_title(self):
        return self.object.title

    def get_page_subtitle(self):
        return "Authoring"

    def get_breadcrumbs_items(self):
        return [*self.index_breadcrumbs(), {"url": "", "label": self.object.title}]

    def get_header_buttons(self):
        buttons = [HeaderButton("Download JSON", url=reverse(self.download_url_name, args=[self.object.pk]),
                                icon_name="download", priority=10)]
        # The statistics page is the site's (frontend/statistics.py): the same numbers as the API.
        buttons.append(HeaderButton("Statistics", url=reverse("frontend:exercise-statistics", args=[self.object.pk]),
                                    icon_name="table", priority=15))
        if self.edit_url_name and self.user_has_permission_for_instance("change", self.object):
            buttons.append(HeaderButton("Settings", url=reverse(self.edit_url_name, args=[self.object.pk]),
                                        icon_name="cog", priority=20))
        return buttons

    @staticmethod
    def version_rows(exercise) -> list:
        """Newest first, each with what changed from the version before it (`diff`) and how many learners'
        attempts are still on it (`n_attempts`, staff previews left out). One query."""
        versions = list(ExerciseVersion.objects.filter(exercise=exercise).select_related("created_by")
                        .annotate(n_attempts=Count("attempts",
                                                   filter=Q(attempts__preview=False, attempts__practice=False)))
                        .order_by("number").only("id", "number", "created_at", "created_by__username",
                                                 "content_hash", "exercise_id", "document"))
        before = None
        for v in versions:
            v.diff = version_diff(before, v.document)
            before = v.document
        return versions[::-1]

    def get_context_data(self, **kwargs):
        exercise = self.object
        version = exercise.current_version
        document = version.document if version else {}
        can_change = self.user_has_permission_for_instance("change", exercise)
        context = super().get_context_data(
            **kwargs,
            exercise=exercise,
            version=version,
            versions=self.version_rows(exercise),
            validity=self.validity(exercise, document) if version else [],
            competencies=self.competency_rows(document, version),
            lessons=list(LessonExercise.objects.filter(exercise=exercise).select_related("lesson", "course")
                         .order_by("course__title", "lesson__path")),
            download_url=reverse(self.download_url_name, args=[exercise.pk]),
            form=(self.form or ExerciseUploadForm(replacing=exercise)) if can_change else None,
            problems=self.problems,
            action_url=reverse(self.authoring_url_name, args=[exercise.pk]),
            max_bytes=upload_max_bytes(),
        )
        if version and exercise.kind == Exercise.Kind.SCENARIO:
            # render_svg escapes every text of the document: its output is markup we wrote.
            context["svg"] = mark_safe(render_svg(document, title=exercise.title,  # noqa: S308
                                                  svg_id=f"exercise-{exercise.pk}-diagram"))
            ids = {n.get("id") for n in document.get("nodes", [])}
            context["nodes"] = document.get("nodes", [])
            context["edges"] = [e for e in edges_of(document) if e["target"] in ids]
            if can_change:
                context["debrief_form"] = self.debrief_form or DebriefForm(document=document)
        elif version and exercise.kind == Exercise.Kind.NEGOTIATION and not context["validity"]:
            # frontier_svg escapes every text of the document: its output is markup we wrote.
            neg = negotiation.prepare(document)
            context["frontier_svg"] = mark_safe(negotiation.frontier_svg(neg, title=exercise.title))  # noqa: S308
            context["roles"] = [{"id": r.id, "label": r.label, "reservation": float(r.reservation),
                                 "strategy": r.strategy.name} for r in neg.roles]
            context["frontier"] = [
                {"package": neg.as_package(o.options), "utilities": [round(float(u), 1) for u in o.utilities]}
                for o in negotiation.pareto_frontier(neg)]
            nash = negotiation.nash_point(neg)
            context["nash"] = {"package": neg.as_package(nash.options),
                               "utilities": [round(float(u), 1) for u in nash.utilities]}
        elif version and exercise.kind != Exercise.Kind.NEGOTIATION:
            context["questions"] = [
                {"id": q.get("id"), "type": q.get("type"), "text": q.get("text", ""), "points": q.get("points", 1),
                 "options": len(q.get("options") or []),
                 "answers": len(q.get("correct") or q.get("accept") or [])}
                for q in document.get("questions", [])
            ]
            context["total_points"] = sum(float(q["points"]) for q in context["questions"])
        return context

    @staticmethod
    def validity(exercise, document) -> list:
        """The current version's problems under the current rules of its engine."""
        if exercise.kind == Exercise.Kind.NEGOTIATION:
            return negotiation.validate(document)
        return grading.validate_document(document)

    @staticmethod
    def competency_rows(document, version) -> list[dict]:
        bounds = version.bounds if version else {}
        return [
            {"key": c.get("key"), "label": c.get("label", ""), "weight": c.get("weight", 1),
             "best": bounds.get(c.get("key"), {}).get("best"), "worst": bounds.get(c.get("key"), {}).get("worst")}
            for c in document.get("competencies", [])
        ]


class ExerciseDownloadView(ExerciseAdminViewMixin, View):
    """The current version's document (or `?version=N`) as a JSON file: the same body as
    the API export, ready to edit and upload again."""

    any_permission_required = ["view", "change"]

    def get(self, request, *args, **kwargs):
        exercise = self.get_exercise()
        wanted = request.GET.get("version")
        if wanted is None:
            version = exercise.current_version
        else:
            # ASCII digits only, and few: "²" passes isdigit() but not int(), and 2^63 overflows the column.
            number = int(wanted) if wanted.isascii() and wanted.isdigit() and len(wanted) <= 9 else -1
            version = ExerciseVersion.objects.filter(exercise=exercise, number=number).first()
        if version is None:
            raise Http404("No such version.")
        body = json.dumps(version.document, indent=2, ensure_ascii=False) + "\n"
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(
            True, exercise_download_filename(exercise=exercise, version=version))
        return response
