from django import forms
from django.utils.translation import gettext_lazy as _


class RegistrationForm(forms.Form):
    academy = forms.TypedChoiceField(label=_("Academy whose content the LMS offers"), coerce=int)
    school = forms.CharField(label=_("School the LMS serves"), max_length=200)
    vouches_for_teachers = forms.BooleanField(
        label=_("Its instructors are this school's teachers: verify them on launch"), required=False)
    competencies_in_comment = forms.BooleanField(
        label=_("Send the competency scores in each score's comment"), required=False)


class ManualRegistrationForm(RegistrationForm):
    issuer = forms.CharField(label=_("Issuer (platform id)"), max_length=255)
    client_id = forms.CharField(label=_("Client id"), max_length=255)
    deployment_ids = forms.CharField(label=_("Deployment ids, one a line"), widget=forms.Textarea(attrs={"rows": 3}),
                                     required=False)
    auth_login_url = forms.URLField(label=_("Authentication request URL"), max_length=500, assume_scheme="https")
    token_url = forms.URLField(label=_("Access token URL"), max_length=500, assume_scheme="https")
    jwks_url = forms.URLField(label=_("Public keyset (JWKS) URL"), max_length=500, assume_scheme="https")


class DynamicRegistrationForm(RegistrationForm):
    openid_configuration = forms.URLField(widget=forms.HiddenInput, max_length=2000, assume_scheme="https")
    registration_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=4000)


def with_academies(form, academies):
    form.fields["academy"].choices = [(a.pk, a.name) for a in academies]
    return form
