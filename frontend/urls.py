from django.contrib.auth import views as auth_views
from django.urls import path

from . import academy, account, learn, teach, views

app_name = "frontend"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-up/", views.sign_up, name="sign-up"),
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="sign-out"),
    path("account/", account.account, name="account"),
    path("account/data.json", account.account_export, name="account-export"),
    path("account/delete/", account.account_delete, name="account-delete"),
    # learners
    path("courses/", learn.catalogue, name="catalogue"),
    path("courses/<str:course_id>/", learn.course_detail, name="course"),
    path("courses/<str:course_id>/enrol/", learn.enrol, name="enrol"),
    path("lessons/<str:lesson_id>/", learn.lesson_detail, name="lesson"),
    path("lessons/<str:lesson_id>/read/", learn.lesson_read, name="lesson-read"),
    path("exercises/<str:exercise_id>/", learn.exercise_play, name="exercise"),
    path("exercises/<str:exercise_id>/submit/", learn.quiz_submit, name="quiz-submit"),
    path("attempts/<str:attempt_id>/", learn.attempt_detail, name="attempt"),
    path("me/progress/", learn.my_progress, name="progress"),
    path("me/competencies/", learn.my_competencies, name="competencies"),
    path("classes/join/", learn.join_class, name="join"),
    # teachers
    path("teach/", teach.teach_home, name="teach"),
    path("teach/classes/<str:class_id>/", teach.class_detail, name="class"),
    path("teach/classes/<str:class_id>/rotate-code/", teach.class_rotate, name="class-rotate"),
    path("teach/classes/<str:class_id>/students/", teach.roster_add, name="roster-add"),
    path("teach/classes/<str:class_id>/students/<int:student_id>/remove/", teach.roster_remove,
         name="roster-remove"),
    path("teach/classes/<str:class_id>/assignments/", teach.assign, name="assign"),
    path("teach/classes/<str:class_id>/assignments/<str:assignment_id>/extensions/", teach.extend, name="extend"),
    path("teach/classes/<str:class_id>/progress/", teach.class_progress, name="class-progress"),
    path("teach/classes/<str:class_id>/replies/", teach.class_replies, name="class-replies"),
    path("teach/classes/<str:class_id>/replies/<str:attempt_id>/override/", teach.override, name="override"),
    # academy staff
    path("academy/", academy.academy_home, name="academy"),
]
