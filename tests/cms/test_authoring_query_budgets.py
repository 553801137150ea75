"""Query budgets of the CMS authoring screens, in the style of Wagtail's admin tests: each count is a
number, with where its queries come from beside it.

An editor of the academy reads each screen at two sizes (2 and 12 of what the screen lists or
holds) and the count must be the same at both, so a query per block, version, lesson or exercise
fails, and so does a fixed cost that creeps up. A first request warms what outlives a request;
the measured request is the second. Wagtail's own screens (the page editor, the explorer, the
snippet listing) spend most of their queries on Wagtail's furniture (menus, permissions, locks,
workflow, comments); those numbers are given as totals with the parts that are ours named. The one
count that grows, the page explorer's, grows in Wagtail's and wagtail-localize's row hooks: its test
pins the cost per row.
"""
import copy

from django.urls import reverse

from assessments.models import Exercise
from assessments.services import exercise_import
from cms.models import LessonExercise

from ..conftest import signed_in
from ..factories import SPEC_SCENARIO, course_lessons, course_modules, import_exercise, make_course

SMALL, LARGE = 2, 12

# Every admin screen an editor opens starts with Wagtail's furniture: the user, their permissions (own
# and their groups'), their admin profile, and for the menu the locales, the group page permissions,
# the academies' names with the collection permissions (cms/admin_tenancy.py) and the explorer's root
# page. Nine queries. The editor's academies (accounts.selectors.academy_ids_of) are one more query,
# read once a request (cms.admin_tenancy.editor_academy_ids) for the permission policies, the view and
# the menu alike: counted with each screen below as "the editor's academies". Before, each of those
# asked again, 3 to 5 queries a screen.
FURNITURE = 9


def url(name, *args):
    return reverse(Exercise.snippet_viewset.get_url_name(name), args=args)


def new_version(exercise, n) -> None:
    document = copy.deepcopy(SPEC_SCENARIO)
    document["summary"] = f"Version {n} of the summary."
    exercise_import(academy=exercise.academy, document=document)


# --- the exercise authoring screens (cms/exercise_admin.py) ------------------------------------------


def test_the_authoring_screen_is_a_fixed_number_of_queries_for_2_or_12_versions_and_lessons(academy_a, editor_a,
                                                                                          budget):
    exercise = import_exercise(academy_a)
    client = signed_in(editor_a)
    for size in (SMALL, LARGE):
        while exercise.versions.count() < size:
            new_version(exercise, exercise.versions.count() + 1)
        missing = size - LessonExercise.objects.filter(exercise=exercise).count()
        make_course(academy_a, modules=1, lessons=missing, exercises_in={(0, n): [exercise.pk] for n in range(missing)})
        page = budget(client, url("authoring", exercise.pk), AUTHORING)
        assert page.count('class="parley-version"') == size


# The furniture; the exercise with its academy and current version; its versions with their authors;
# the lessons that embed it with their courses; the editor's academies (once: it was five, the permission
# policy, the view's own exercise look-up and the menu each asking again).
AUTHORING = FURNITURE + 3 + 1


def test_the_upload_screen_is_a_fixed_number_of_queries_for_2_or_12_exercises(academy_a, editor_a, budget):
    client = signed_in(editor_a)
    for size in (SMALL, LARGE):
        while academy_a.exercises.count() < size:
            import_exercise(academy_a, slug=f"scenario-{academy_a.exercises.count()}")
        budget(client, url("upload"), UPLOAD)


# The furniture; the academies the editor may upload to (the form's choice); the editor's academies
# (once: it was four, the view, the permission policy and the menu each asking).
UPLOAD = FURNITURE + 1 + 1


def test_the_exercise_listing_is_a_fixed_number_of_queries_for_2_or_12_exercises(academy_a, editor_a, budget):
    client = signed_in(editor_a)
    for size in (SMALL, LARGE):
        while academy_a.exercises.count() < size:
            import_exercise(academy_a, slug=f"scenario-{academy_a.exercises.count()}")
        page = budget(client, url("list"), LISTING)
        assert page.count("Diagram and versions of") == size


# The furniture; the count and the page of the academy's exercises (with their academies, one query);
# the editor's academies (once: it was four). The per-row buttons ("Diagram and versions", download)
# cost nothing.
LISTING = FURNITURE + 2 + 1


def test_an_exercise_s_settings_form_is_a_fixed_number_of_queries_for_2_or_12_versions(academy_a, editor_a, budget):
    exercise = import_exercise(academy_a)
    client = signed_in(editor_a)
    for size in (SMALL, LARGE):
        while exercise.versions.count() < size:
            new_version(exercise, exercise.versions.count() + 1)
        budget(client, url("edit", exercise.pk), SETTINGS)


# The furniture; the exercise, twice (Wagtail's get_object, then the academy check of
# wagtail_hooks.OwnAcademyExerciseMixin); its log entries; Wagtail's editing session (the stale ones
# deleted, this one inserted); the count of the places that use it (reference index); the editor's
# academies (once: it was four).
SETTINGS = FURNITURE + 2 + 1 + 2 + 1 + 1


# --- Wagtail's page editor and explorer, for lessons ------------------------------------------------


def test_the_lesson_editor_is_a_fixed_number_of_queries_for_2_or_12_exercise_blocks(academy_a, editor_a, budget):
    client = signed_in(editor_a)
    for size in (SMALL, LARGE):
        exercises = [import_exercise(academy_a, slug=f"block-{size}-{n}").pk for n in range(size)]
        course = make_course(academy_a, modules=1, lessons=1, exercises_in={(0, 0): exercises})
        lesson = course_lessons(course)[0]
        budget(client, f"/cms/pages/{lesson.pk}/edit/", LESSON_EDITOR)


# Wagtail's page editor, 46 whatever the number of exercise blocks: Wagtail's own (the page and its
# ancestors, revisions, workflow, locks, comments, subscriptions, editing session, reference index,
# wagtail-localize's translation state) and ours: the exercises the blocks name (one query for all the
# blocks, Wagtail's bulk_to_python), the academy page above it and the editor's academies (tenancy; once:
# it was three). How many learners a publish would affect is read at publish now, not on opening (49 before).
LESSON_EDITOR = 46


def test_a_module_s_explorer_listing_costs_four_queries_a_lesson_in_wagtail_s_and_wagtail_localize_s_hooks(
        academy_a, editor_a, budget):
    client = signed_in(editor_a)
    for size in (SMALL, LARGE):
        course = make_course(academy_a, modules=1, lessons=size)
        module = course_modules(course)[0]
        budget(client, f"/cms/pages/{module.pk}/", EXPLORER_BASE + EXPLORER_PER_LESSON * size)


# Not ours to fix without patching Wagtail: each row of the explorer asks, for an editor without
# publish permission, twice whether the page or a descendant is live (PagePermissionTester.can_delete),
# and wagtail-localize's row buttons ask whether a locale lacks a translation of it and for its
# translation source. These four per row are pinned so that nothing of ours adds a fifth; the rest
# (43) is the furniture, the editor's academies (once: it was five) and the listing.
EXPLORER_BASE, EXPLORER_PER_LESSON = 43, 4
