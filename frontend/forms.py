import datetime

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm, UserCreationForm
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from accounts import identity, services
from accounts.mail import mail_queue, site_url
from accounts.models import Role, User, email_taken, username_problem
from courses.bulk_invitations import MAX_BYTES as BULK_INVITATION_MAX_BYTES


class SignUpForm(UserCreationForm):
    """The site's sign-up: the same rules as the API's (accounts.services.user_register makes the account)."""

    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(
        label=_("I am a"), choices=[(Role.STUDENT, _("Student")), (Role.TEACHER, _("Teacher"))], initial=Role.STUDENT
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email", "role")

    def clean_username(self):
        username = identity.normal_username(self.cleaned_data.get("username"))
        if problem := username_problem(username):
            raise forms.ValidationError(problem[1], code=problem[0])
        return username

    def clean_email(self):
        email = identity.normal_email(self.cleaned_data.get("email"))
        if email_taken(email):
            raise forms.ValidationError(_("An account with that email exists."), code="unique")
        return email

    def save(self, commit=True):
        """Raises AccountError when a racing sign-up took the name or address first."""
        return services.user_register(username=self.cleaned_data["username"], email=self.cleaned_data["email"],
                                      password=self.cleaned_data["password1"], role=self.cleaned_data["role"],
                                      language=translation.get_language())


class SitePasswordResetForm(PasswordResetForm):
    """Django's reset form, mailing through accounts.mail (a worker, on commit) with a link built from
    the configured site address rather than the request's Host header."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        path = reverse("frontend:password-reset-confirm", kwargs={"uidb64": context["uid"], "token": context["token"]})
        mail_queue(to=to_email, subject=gettext_noop("Reset your Parley password"),
                   template="accounts/mail/password_reset",
                   context={"username": context["user"].username, "url": site_url(path),
                            "hours": settings.PASSWORD_RESET_TIMEOUT // 3600},
                   language=translation.get_language())


class ResendVerificationForm(forms.Form):
    email = forms.EmailField(label=_("Your email address"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class JoinForm(forms.Form):
    join_code = forms.CharField(label=_("Join code"), max_length=32,
                                help_text=_("Your teacher gives you this code, for example K7PM2QXA9D."),
                                widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                                              "spellcheck": "false"}))


class ClassForm(forms.Form):
    name = forms.CharField(label=_("Class name"), max_length=200)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Student's email address"), max_length=254)


class BulkInviteForm(forms.Form):
    """A CSV file of addresses, or the addresses pasted; courses.bulk_invitations reads either."""

    file = forms.FileField(label=_("A CSV file of addresses"), required=False, allow_empty_file=True,
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,text/plain"}))
    text = forms.CharField(label=_("Or paste the addresses, one per line"), required=False, strip=False,
                           widget=forms.Textarea(attrs={"rows": 4}))

    def clean(self):
        data = super().clean()
        if not data.get("file") and not (data.get("text") or "").strip():
            raise forms.ValidationError(_("Choose a file, or paste the addresses."))
        return data

    def content(self) -> bytes | str:
        upload = self.cleaned_data.get("file")
        if upload:
            return upload.read(BULK_INVITATION_MAX_BYTES + 1)  # the service refuses anything longer
        return self.cleaned_data["text"]


class VerificationForm(forms.Form):
    school = forms.CharField(label=_("Your school or organisation"), max_length=200)
    note = forms.CharField(label=_("Anything that helps staff check (optional)"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note to the teacher (optional)"), max_length=2000, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=2000)


def end_of_day(day: datetime.date) -> datetime.datetime:
    """A due date is the end of that day in the site's time zone."""
    return datetime.datetime.combine(day, datetime.time(23, 59), tzinfo=timezone.get_current_timezone())


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ContentSelect(forms.Select):
    """A select whose options are content (module titles): each option names its language (`langs`, by
    value), so a reader, and a check for untranslated interface text, tell it from the interface."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.langs = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        if value in self.langs:
            option["attrs"] = {**option["attrs"], "lang": self.langs[value]}
        return option


class AssignForm(forms.Form):
    module = forms.TypedChoiceField(label=_("Module"), coerce=int, widget=ContentSelect())
    due = forms.DateField(label=_("Due date"), widget=DateInput())

    def __init__(self, *args, module_groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].choices = [
            (group["course"].title, [(m.pk, m.title) for m in group["modules"]]) for group in module_groups
        ]
        self.fields["module"].widget.langs = {
            m.pk: group["course"].language for group in module_groups for m in group["modules"]}
        if not self.is_bound:
            self.initial.setdefault("due", (timezone.localdate() + datetime.timedelta(days=14)))


class DueForm(forms.Form):
    due = forms.DateField(label=_("Due date"), widget=DateInput())


class ExtensionForm(forms.Form):
    student = forms.TypedChoiceField(label=_("Student"), coerce=int)
    due = forms.DateField(label=_("New due date"), widget=DateInput())

    def __init__(self, *args, students=(), prefix=None, **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)
        self.fields["student"].choices = [(s["id"], s["name"]) for s in students]
