import json

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Academy
from assessments.errors import ServiceError
from assessments.services import exercise_import


class Command(BaseCommand):
    help = "Import a scenario or quiz JSON document for an academy (a new version if the slug exists)."

    def add_arguments(self, parser):
        parser.add_argument("academy", help="academy slug")
        parser.add_argument("path", help="the JSON document")
        parser.add_argument("--visibility", choices=["practice", "course"])

    def handle(self, academy, path, visibility=None, **options):
        try:
            owner = Academy.objects.get(slug=academy)
        except Academy.DoesNotExist:
            raise CommandError(f"No academy with slug {academy!r}.") from None
        try:
            with open(path, encoding="utf-8") as fh:
                document = json.load(fh)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from None
        try:
            exercise, version, created = exercise_import(academy=owner, document=document, visibility=visibility)
        except ServiceError as exc:
            raise CommandError("\n".join(e["detail"] for e in exc.errors)) from None
        state = "new version" if created else "unchanged"
        self.stdout.write(f"{exercise.slug}: version {version.number} ({state}), id {exercise.pk}")
