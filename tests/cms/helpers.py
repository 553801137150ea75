"""Building admin POST bodies and draft pages for the CMS tests."""
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.models import CoursePage, CurriculumPage, LessonPage, ModulePage


def module_form(page, **changes) -> dict:
    """The page edit form of a module, as the admin posts it."""
    data = {"title": page.title, "slug": page.slug, "summary": page.summary, "comments": inline_formset([])}
    data.update(changes)
    return nested_form_data(data)


def lesson_form(page, blocks, **changes) -> dict:
    """blocks: [(type, value)], rich text values as given (converted for the editor)."""
    stream = [(kind, rich_text(value) if kind == "text" else value) for kind, value in blocks]
    data = {"title": page.title, "slug": page.slug, "summary": page.summary, "body": streamfield(stream),
            "comments": inline_formset([])}
    data.update(changes)
    return nested_form_data(data)


def draft_child(parent, model, title, slug, **fields):
    """A page that was never published (live=False), with one saved revision."""
    page = parent.add_child(instance=model(title=title, slug=slug, live=False, **fields))
    page.save_revision()
    return page


def draft_course(curriculum: CurriculumPage, title="Unpublished course") -> CoursePage:
    return draft_child(curriculum, CoursePage, title, "draft-course", summary="Not ready.")


def draft_module(course: CoursePage, title="Unpublished module") -> ModulePage:
    return draft_child(course, ModulePage, title, "draft-module")


def lesson(module: ModulePage, title, slug, body=None, publish=True) -> LessonPage:
    page = module.add_child(instance=LessonPage(title=title, slug=slug, body=body or [], live=False))
    revision = page.save_revision()
    if publish:
        revision.publish()
    return LessonPage.objects.get(pk=page.pk)
