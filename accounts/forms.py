"""Sign-in forms of the two admin doors: staff only, and a refusal that tells nothing.

Both refuse an account that may not use their door with the very error a
wrong password gets, so neither is an oracle for learners' passwords; the
error points everyone else to the site's sign-in. The throttles are in the
views (frontend/auth.py).
"""
from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy
from wagtail.admin.forms.auth import LoginForm

STAFF_ONLY = gettext_lazy(
    "Your username and password didn't match a staff account. Learners and teachers sign in on the site, "
    "at /sign-in/.")


def may_use_cms(user) -> bool:
    return user.is_active and user.has_perm("wagtailadmin.access_admin")


def may_use_django_admin(user) -> bool:
    return user.is_active and user.is_staff


class CmsLoginForm(LoginForm):
    """WAGTAILADMIN_USER_LOGIN_FORM: Wagtail's own form would sign in any account, students too."""

    error_messages = {**LoginForm.error_messages, "invalid_login": STAFF_ONLY}

    def get_invalid_login_error(self):
        return forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not may_use_cms(user):
            raise self.get_invalid_login_error()


class AdminLoginForm(AdminAuthenticationForm):
    """The Django admin's form already refuses non-staff like a wrong password; this one says where
    everyone else signs in."""

    error_messages = {**AdminAuthenticationForm.error_messages, "invalid_login": STAFF_ONLY}

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not may_use_django_admin(user):
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
