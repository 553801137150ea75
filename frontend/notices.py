"""Notification preferences on the account page, and the one-click unsubscribe link of every notice.

The unsubscribe link needs no sign-in: its signed token names one person (or, in an invitation to
someone without an account, one address) and one kind (notices.services). GET shows what it would
switch off and a button; POST switches it off. A mail
client's RFC 8058 one-click POST (`List-Unsubscribe=One-Click`, no cookie, no CSRF token) lands on
the same URL, so the view is exempt from CSRF: the token, not the session, is the authority, and all
it can do is switch one kind of mail off for the person it names.
"""
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from notices import services
from notices.models import Kind

KIND_LABELS = {
    Kind.DUE_REMINDER: gettext_lazy("Reminders of my class assignments' due dates"),
    Kind.TEACHER_DIGEST: gettext_lazy("A weekly digest of my classes (teachers)"),
    Kind.CLASS_INVITATION: gettext_lazy("Invitations to join a class"),
    Kind.VERIFICATION_DECISION: gettext_lazy("The decision on my teacher verification request"),
}


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Language of my mails"), required=False)
    due_reminder = forms.BooleanField(label=KIND_LABELS[Kind.DUE_REMINDER], required=False)
    teacher_digest = forms.BooleanField(label=KIND_LABELS[Kind.TEACHER_DIGEST], required=False)
    class_invitation = forms.BooleanField(label=KIND_LABELS[Kind.CLASS_INVITATION], required=False)
    verification_decision = forms.BooleanField(label=KIND_LABELS[Kind.VERIFICATION_DECISION], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("The site's default")), *settings.LANGUAGES]


def preferences_form(user) -> PreferencesForm:
    return PreferencesForm(initial=services.preferences_read(user=user))


@require_POST
@login_required
def preferences(request):
    form = PreferencesForm(request.POST)
    if form.is_valid():
        services.preferences_update(user=request.user, changes=form.cleaned_data)
        messages.success(request, _("Your mail preferences are saved."))
    else:
        messages.error(request, _("Choose one of the languages offered."))
    return redirect("frontend:account")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    found = services.unsubscribe_read(token=token)
    if found is None:
        return render(request, "frontend/unsubscribe.html", {"invalid": True}, status=404)
    user, kind = found
    context = {"kind_label": KIND_LABELS[kind], "no_account": user is None}
    if request.method == "POST":
        services.unsubscribe(token=token)
        context["done"] = True
    return render(request, "frontend/unsubscribe.html", context)
