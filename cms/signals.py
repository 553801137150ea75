"""Keeps derived CMS state in step.

- The lesson-exercise index follows publishing, including scheduled and workflow publishes,
  of a lesson or of any page above it (unpublishing a module un-indexes its lessons), and moves.
- Any change to the page tree, its view restrictions or a deleted exercise forgets the cached
  published courses and course structures (cms.selectors).
- Staff join or leave their academy's editor/reviewer group when their membership changes.
- A new translation of an academy page gets the academy's permissions and workflow, so
  its editors can work on the translated tree (wagtail-localize or copy_for_translation).
"""
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from accounts.models import AcademyMembership
from accounts.signals import staff_groups_stale

from .models import AcademyPage, CoursePage, CurriculumPage, HomePage, LessonPage, ModulePage
from .selectors import structure_changed
from .services import lesson_index_sync_under

INDEXED_TREE = (HomePage, AcademyPage, CurriculumPage, CoursePage, ModulePage, LessonPage)


def _sync(sender, instance, **kwargs):
    lesson_index_sync_under(page=instance)


def _membership_changed(sender, instance, **kwargs):
    from .tenancy import academy_sync_staff_groups

    academy_sync_staff_groups(academy=instance.academy)


def _staff_groups_stale(sender, user, **kwargs):
    from .tenancy import user_sync_staff_groups

    user_sync_staff_groups(user=user)


def _academy_page_created(sender, instance, created, raw=False, **kwargs):
    if created and not raw and instance.academy_id is not None:
        from .tenancy import academy_page_grant

        academy_page_grant(academy=instance.academy, page=instance)


for _model in INDEXED_TREE:
    page_published.connect(_sync, sender=_model)
    page_unpublished.connect(_sync, sender=_model)
post_page_move.connect(_sync)
# After the index (receivers run in connection order): forget the cached course structures.
for _model in (*INDEXED_TREE, Page):
    for _signal in (page_published, page_unpublished, post_save, post_delete):
        _signal.connect(structure_changed, sender=_model)
post_page_move.connect(structure_changed)
post_delete.connect(structure_changed, sender="assessments.Exercise")  # cascades to its lesson links
post_save.connect(structure_changed, sender=PageViewRestriction)  # a course can stop being public
post_delete.connect(structure_changed, sender=PageViewRestriction)
post_save.connect(_membership_changed, sender=AcademyMembership)
post_delete.connect(_membership_changed, sender=AcademyMembership)
post_save.connect(_academy_page_created, sender=AcademyPage)
staff_groups_stale.connect(_staff_groups_stale, dispatch_uid="cms.staff_groups_stale")
