from django.contrib.auth import login
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from api.errors import error_body

from .forms import SignUpForm


def home(request):
    return render(request, "frontend/home.html")


def sign_up(request):
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("frontend:home")
    return render(request, "frontend/sign_up.html", {"form": form, "title": _("Create your account")})


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("client_error", "not_found", "Not found."), status=404)
    return render(request, "frontend/404.html", status=404)
