from django.contrib.auth import views as auth_views
from django.urls import path

from . import academy, account, auth, classes, learn, teach, views

app_name = "frontend"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-up/", views.sign_up, name="sign-up"),
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="sign-out"),
    path("account/", account.account, name="account"),
    path("account/data.json", account.account_export, name="account-export"),
    path("account/delete/", account.account_delete, name="account-delete"),
    path("account/password/", account.password_change, name="password-change"),
    path("account/sign-out-everywhere/", account.sign_out_everywhere, name="sign-out-everywhere"),
    path("account/verify-email/send/", account.resend_verification, name="account-verify-resend"),
    path("account/verify-email/", auth.verify_email_resend, name="verify-email-resend"),
    path("account/verify-email/<str:token>/", auth.verify_email, name="verify-email"),
    path("account/password-reset/", auth.PasswordResetView.as_view(), name="password-reset"),
    path("account/password-reset/done/", auth.PasswordResetDoneView.as_view(), name="password-reset-done"),
    path("account/password-reset/<uidb64>/<token>/", auth.PasswordResetConfirmView.as_view(),
         name="password-reset-confirm"),
    path("account/password-reset/complete/", auth.PasswordResetCompleteView.as_view(),
         name="password-reset-complete"),
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
    path("me/classes/", classes.my_classes, name="my-classes"),
    path("me/classes/<str:class_id>/leave/", classes.leave, name="class-leave"),
    path("invitations/<str:invitation_id>/accept/", classes.accept, name="invitation-accept"),
    path("invitations/<str:invitation_id>/decline/", classes.decline, name="invitation-decline"),
    # teachers
    path("teach/", teach.teach_home, name="teach"),
    path("teach/classes/<str:class_id>/", teach.class_detail, name="class"),
    path("teach/classes/<str:class_id>/rotate-code/", teach.class_rotate, name="class-rotate"),
    path("teach/classes/<str:class_id>/invitations/", teach.invite, name="invite"),
    path("teach/classes/<str:class_id>/invitations/<str:invitation_id>/withdraw/", teach.invitation_withdraw,
         name="invitation-withdraw"),
    path("teach/verification/", teach.verification, name="verification"),
    path("teach/classes/<str:class_id>/students/<int:student_id>/remove/", teach.roster_remove,
         name="roster-remove"),
    path("teach/classes/<str:class_id>/assignments/", teach.assign, name="assign"),
    path("teach/classes/<str:class_id>/assignments/<str:assignment_id>/extensions/", teach.extend, name="extend"),
    path("teach/classes/<str:class_id>/progress/", teach.class_progress, name="class-progress"),
    path("teach/classes/<str:class_id>/replies/", teach.class_replies, name="class-replies"),
    path("teach/classes/<str:class_id>/replies/<str:attempt_id>/override/", teach.override, name="override"),
    # academy staff
    path("academy/", academy.academy_home, name="academy"),
    path("academy/verifications/", academy.verifications, name="verifications"),
    path("academy/verifications/<str:verification_id>/<str:decision>/", academy.decide, name="verification-decide"),
    path("attempts/<str:attempt_id>/reviews/<str:grading_id>/reverse/", learn.reverse_override,
         name="override-reverse"),
]
