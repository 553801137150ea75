import datetime

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils import timezone
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


class JoinForm(forms.Form):
    join_code = forms.CharField(label=_("Join code"), max_length=32,
                                help_text=_("Your teacher gives you this code, for example K7PM2QXA9D."),
                                widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                                              "spellcheck": "false"}))


class ClassForm(forms.Form):
    name = forms.CharField(label=_("Class name"), max_length=200)


class RosterAddForm(forms.Form):
    student = forms.CharField(label=_("Student's username or email"), max_length=254)


def end_of_day(day: datetime.date) -> datetime.datetime:
    """A due date is the end of that day in the site's time zone."""
    return datetime.datetime.combine(day, datetime.time(23, 59), tzinfo=timezone.get_current_timezone())


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class AssignForm(forms.Form):
    module = forms.TypedChoiceField(label=_("Module"), coerce=int)
    due = forms.DateField(label=_("Due date"), widget=DateInput())

    def __init__(self, *args, module_groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].choices = [
            (group["course"].title, [(m.pk, m.title) for m in group["modules"]]) for group in module_groups
        ]
        if not self.is_bound:
            self.initial.setdefault("due", (timezone.localdate() + datetime.timedelta(days=14)))


class ExtensionForm(forms.Form):
    student = forms.TypedChoiceField(label=_("Student"), coerce=int)
    due = forms.DateField(label=_("New due date"), widget=DateInput())

    def __init__(self, *args, students=(), prefix=None, **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)
        self.fields["student"].choices = [(s["id"], s["username"]) for s in students]
