from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User


class SignUpForm(UserCreationForm):
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(
        label=_("I am a"), choices=[(Role.STUDENT, _("Student")), (Role.TEACHER, _("Teacher"))], initial=Role.STUDENT
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email", "role")
