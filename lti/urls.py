from django.urls import path

from . import views

app_name = "lti"

urlpatterns = [
    path("jwks.json", views.jwks, name="jwks"),
    path("canvas.json", views.canvas_config, name="canvas-config"),
    path("login/", views.login, name="login"),
    path("launch/", views.launch, name="launch"),
    path("register/", views.register, name="register"),
    path("registrations/", views.registration_list, name="registrations"),
    path("link/", views.link, name="link"),
    path("deep-link/", views.deep_link, name="deep-link"),
    path("classes/<str:class_id>/scores/", views.class_scores, name="class-scores"),
    path("classes/<str:class_id>/scores/<str:delivery_id>/retry/", views.score_retry, name="score-retry"),
]
