"""Admin integration: exercises as choosable snippets, limited to the editor's academies."""
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from accounts.selectors import academy_ids_of
from assessments.models import Exercise


class ExerciseViewSet(SnippetViewSet):
    model = Exercise
    icon = "tick-inverse"
    menu_label = "Exercises"
    list_display = ["title", "slug", "kind", "visibility"]
    # Documents change only through import (a new immutable version each time).
    inspect_view_enabled = True

    def get_queryset(self, request):
        return Exercise.objects.filter(academy_id__in=academy_ids_of(request.user)).select_related("academy")


register_snippet(ExerciseViewSet)
