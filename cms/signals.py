"""Keeps the lesson index in step with publishing, including scheduled and workflow publishes."""
from wagtail.signals import page_published, page_unpublished

from .models import LessonPage
from .services import lesson_index_sync


def _sync(sender, instance, **kwargs):
    lesson_index_sync(lesson=instance)


page_published.connect(_sync, sender=LessonPage)
page_unpublished.connect(_sync, sender=LessonPage)
