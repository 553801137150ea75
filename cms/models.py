"""The course structure as Wagtail pages: academy > curriculum > course > module > lesson.

Academies author, review, publish, translate and schedule in one page tree;
learning records (in `courses/`) key on these pages' ids.
"""
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from .blocks import LESSON_BLOCKS
from .forms import CoursePageForm, LessonPageForm


class ContentPageQuerySet(PageQuerySet):
    """`live()` means published *and reachable*: every ancestor below the root is live too.

    Wagtail lets a page stay live under an unpublished parent (a lesson
    published under a draft module, or a module unpublished without its
    children). Learners must never see such a page, so `live()`, `not_live()`
    and searches over these models treat it as a draft. Like Wagtail's own
    `public()`, this costs one query (the unpublished pages that have
    children) and stays usable before `.search()`.
    """

    def live_q(self):
        hidden = Q()
        for path in Page.objects.filter(live=False, depth__gt=1, numchild__gt=0).values_list("path", flat=True):
            hidden |= Q(path__startswith=path)
        return Q(live=True) & ~hidden if hidden else Q(live=True)


ContentPageManager = PageManager.from_queryset(ContentPageQuerySet)


class PreviewMixin:
    """One template for all page types: what editors see in the admin preview (the
    learner-facing pages are the frontend's). Lessons show their blocks exactly as the
    API serialises them (rich text sanitised)."""

    def get_template(self, request, *args, **kwargs):
        return "cms/page.html"

    def learner_path(self) -> str | None:
        """Where learners read this page on the site (frontend/urls.py), or None to keep Wagtail's own."""
        return None

    def get_url_parts(self, request=None):
        # The site serves these pages at its own addresses; "View live" and the admin should point there.
        parts = super().get_url_parts(request)
        path = self.learner_path() if self.pk else None
        if parts is None or path is None:
            return parts
        return parts[0], parts[1], path

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        children = self.get_children() if self.pk else Page.objects.none()
        if not getattr(request, "is_preview", False):
            children = children.live().public()  # a published page never names draft children
        context["children"] = children.specific()
        return context


class HomePage(PreviewMixin, Page):
    """The site root; academies hang below it."""

    subpage_types = ["cms.AcademyPage"]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    def learner_path(self):
        return reverse("frontend:home")

    def route(self, request, path_components):
        # Wagtail's page serving (/pages/) shows the home page only: learners read the academies' pages
        # on the site, which checks enrolments and drafts; nothing below is served here.
        if path_components:
            raise Http404
        return super().route(request, path_components)


class AcademyPage(PreviewMixin, Page):
    """An academy's home and its editors' root in the admin."""

    # A ForeignKey, not one-to-one: each translation of the page belongs to the same academy.
    academy = models.ForeignKey("accounts.Academy", on_delete=models.PROTECT, related_name="pages", null=True)
    intro = models.TextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.CurriculumPage"]

    def learner_path(self):
        return reverse("frontend:catalogue")

    @classmethod
    def of(cls, academy) -> "AcademyPage | None":
        """The academy's page in the default locale (its editors' root)."""
        from wagtail.models import Locale

        return cls.objects.filter(academy=academy, locale=Locale.get_default()).first()


class CurriculumPage(PreviewMixin, Page):
    objects = ContentPageManager()

    intro = models.TextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.AcademyPage"]
    subpage_types = ["cms.CoursePage"]

    def learner_path(self):
        return reverse("frontend:catalogue")


class CoursePage(PreviewMixin, Page):
    objects = ContentPageManager()

    class Level(models.TextChoices):
        BEGINNER = "beginner", "Beginner"
        INTERMEDIATE = "intermediate", "Intermediate"
        ADVANCED = "advanced", "Advanced"

    summary = models.TextField()
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.BEGINNER)
    language = models.CharField(max_length=10, default="en")
    estimated_hours = models.PositiveSmallIntegerField(default=4)
    cover_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cover_alt = models.CharField(max_length=255, blank=True)
    competencies = models.JSONField(default=list, blank=True, help_text="Competency keys this course trains.")

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("level"),
        FieldPanel("language"),
        FieldPanel("estimated_hours"),
        FieldPanel("cover_image"),
        FieldPanel("cover_alt"),
        FieldPanel("competencies"),
    ]
    base_form_class = CoursePageForm  # the cover is one of the academy's images
    search_fields = Page.search_fields + [index.SearchField("summary")]
    parent_page_types = ["cms.CurriculumPage"]
    subpage_types = ["cms.ModulePage"]

    def learner_path(self):
        return reverse("frontend:course", args=[self.pk])


class ModulePage(PreviewMixin, Page):
    objects = ContentPageManager()

    summary = models.TextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("summary")]
    parent_page_types = ["cms.CoursePage"]
    subpage_types = ["cms.LessonPage"]

    def learner_path(self):
        # A module is a part of its course's page.
        return reverse("frontend:course", args=[self.get_parent().pk]) + f"#module-{self.pk}"


class LessonPage(PreviewMixin, Page):
    objects = ContentPageManager()

    summary = models.TextField(blank=True)
    body = StreamField(LESSON_BLOCKS, blank=True)

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("body")]
    base_form_class = LessonPageForm
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["cms.ModulePage"]
    subpage_types = []

    def learner_path(self):
        return reverse("frontend:lesson", args=[self.pk])

    def get_context(self, request, *args, **kwargs):
        from .blocks import block_json

        context = super().get_context(request, *args, **kwargs)
        context["blocks"] = [block_json(block) for block in self.body]
        return context

    def exercise_ids(self) -> list[int]:
        return [b.value["exercise"].pk for b in self.body if b.block_type == "exercise" and b.value["exercise"]]


class LessonExercise(models.Model):
    """Which exercises the live version of a lesson embeds, with the lesson's course.

    Kept in step by the publishing signals, so progress and access checks read
    one indexed table instead of parsing StreamFields per request.
    """

    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="exercise_links")
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="+")
    exercise = models.ForeignKey("assessments.Exercise", on_delete=models.CASCADE, related_name="lesson_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["lesson", "exercise"], name="lesson_exercise_once")]

    def __str__(self) -> str:
        return f"lesson {self.lesson_id} embeds exercise {self.exercise_id}"
