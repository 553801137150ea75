"""Periodic CMS work for the Celery beat: scheduled publishing and expiry."""
from celery import shared_task
from django.core.management import call_command


@shared_task(name="cms.tasks.publish_scheduled")
def publish_scheduled():
    """Publish revisions whose go-live time has passed and unpublish expired pages (Wagtail)."""
    call_command("publish_scheduled")
