import json

from django.core.management.base import BaseCommand, CommandError

from assessments.models import Exercise


class Command(BaseCommand):
    help = "Print the current version's JSON document of an exercise."

    def add_arguments(self, parser):
        parser.add_argument("exercise_id", type=int)

    def handle(self, exercise_id, **options):
        exercise = Exercise.objects.select_related("current_version").filter(pk=exercise_id).first()
        if exercise is None:
            raise CommandError(f"No exercise {exercise_id}.")
        self.stdout.write(json.dumps(exercise.current_version.document, indent=2, ensure_ascii=False))
