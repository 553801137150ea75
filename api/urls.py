from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .errors import not_found
from .views import accounts, catalogue, classes, exercises, health

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: no inline script for the policy to allow.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("health/", health.HealthView.as_view(), name="health"),
    path("auth/register/", accounts.RegisterView.as_view(), name="register"),
    path("auth/token/", accounts.TokenView.as_view(), name="token"),
    path("auth/logout/", accounts.LogoutView.as_view(), name="logout"),
    path("me/", accounts.MeView.as_view(), name="me"),
    path("me/export/", accounts.ExportView.as_view(), name="my-export"),
    path("me/progress/", catalogue.MyProgressView.as_view(), name="my-progress"),
    path("me/competencies/", exercises.MyCompetenciesView.as_view(), name="my-competencies"),
    path("audit/", accounts.AuditListView.as_view(), name="audit"),
    path("courses/", catalogue.CourseListView.as_view(), name="courses"),
    path("courses/<str:course_id>/", catalogue.CourseDetailView.as_view(), name="course"),
    path("courses/<str:course_id>/enrol/", catalogue.EnrolView.as_view(), name="enrol"),
    path("courses/<str:course_id>/progress/", catalogue.CourseProgressView.as_view(), name="course-progress"),
    path("lessons/<str:lesson_id>/", catalogue.LessonDetailView.as_view(), name="lesson"),
    path("lessons/<str:lesson_id>/complete/", catalogue.LessonCompleteView.as_view(), name="lesson-complete"),
    path("search/", catalogue.SearchView.as_view(), name="search"),
    path("exercises/import/", exercises.ExerciseImportView.as_view(), name="exercise-import"),
    path("exercises/<str:exercise_id>/", exercises.ExerciseDetailView.as_view(), name="exercise"),
    path("exercises/<str:exercise_id>/export/", exercises.ExerciseExportView.as_view(), name="exercise-export"),
    path("exercises/<str:exercise_id>/attempts/", exercises.ExerciseAttemptsView.as_view(), name="attempts"),
    path("exercises/<str:exercise_id>/regrade/", exercises.RegradeView.as_view(), name="regrade"),
    path("regrades/<str:batch_id>/", exercises.RegradeProgressView.as_view(), name="regrade-progress"),
    path("attempts/<str:attempt_id>/", exercises.AttemptDetailView.as_view(), name="attempt"),
    path("attempts/<str:attempt_id>/steps/", exercises.AttemptStepView.as_view(), name="attempt-steps"),
    path("attempts/<str:attempt_id>/override/", exercises.AttemptOverrideView.as_view(), name="attempt-override"),
    path("attempts/<str:attempt_id>/history/", exercises.AttemptHistoryView.as_view(), name="attempt-history"),
    path("attempts/<str:attempt_id>/retry/", exercises.AttemptRetryView.as_view(), name="attempt-retry"),
    path("classes/", classes.ClassListView.as_view(), name="classes"),
    path("classes/join/", classes.JoinView.as_view(), name="class-join"),
    path("classes/<str:class_id>/", classes.ClassDetailView.as_view(), name="class"),
    path("classes/<str:class_id>/rotate-code/", classes.RotateCodeView.as_view(), name="class-rotate"),
    path("classes/<str:class_id>/students/", classes.RosterView.as_view(), name="roster"),
    path("classes/<str:class_id>/students/<int:student_id>/", classes.RosterMemberView.as_view(), name="roster-member"),
    path("classes/<str:class_id>/assignments/", classes.AssignmentListView.as_view(), name="assignments"),
    path("classes/<str:class_id>/assignments/<str:assignment_id>/", classes.AssignmentDetailView.as_view(),
         name="assignment"),
    path("classes/<str:class_id>/assignments/<str:assignment_id>/extensions/", classes.ExtensionView.as_view(),
         name="extensions"),
    path("classes/<str:class_id>/progress/", classes.ClassProgressView.as_view(), name="class-progress"),
    path("classes/<str:class_id>/progress.csv", classes.ClassProgressCsvView.as_view(), name="class-progress-csv"),
    path("classes/<str:class_id>/at-risk/", classes.AtRiskView.as_view(), name="at-risk"),
    path("classes/<str:class_id>/replies/", classes.ClassRepliesView.as_view(), name="class-replies"),
    # Anything else under /api/ is a JSON 404, in DEBUG too.
    re_path(r"^.*$", not_found),
]
