from django.contrib import admin

from .models import Attempt, Exercise, ExerciseVersion


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "kind", "academy", "visibility")


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ("id", "exercise", "learner", "status", "score", "last_error")
    list_filter = ("status",)


admin.site.register(ExerciseVersion)
