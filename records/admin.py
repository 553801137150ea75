"""The Django admin for records (platform admins): each academy's LRS, and the statement outbox.

The LRS's secret is written here and never shown back: the form's field is a password input that
renders empty, and a change that leaves it empty keeps the stored secret. Statements are read-only;
refused ones (an LRS's 4xx) are listed with the answer and sent again with "Send again".
"""
from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import LearningRecordStore, Statement


class LearningRecordStoreForm(forms.ModelForm):
    secret = forms.CharField(
        required=False, strip=False, widget=forms.PasswordInput(render_value=False),
        help_text=_("The HTTP Basic password. Never shown again; leave empty to keep the one saved."))

    class Meta:
        model = LearningRecordStore
        fields = ["academy", "endpoint", "key", "secret", "enabled"]

    def clean_secret(self):
        secret = self.cleaned_data.get("secret")
        if secret:
            return secret
        if self.instance.pk:
            return LearningRecordStore.objects.values_list("secret", flat=True).get(pk=self.instance.pk)
        raise forms.ValidationError(_("Give the secret the LRS issued."))


@admin.register(LearningRecordStore)
class LearningRecordStoreAdmin(admin.ModelAdmin):
    form = LearningRecordStoreForm
    list_display = ("academy", "endpoint", "key", "enabled", "updated_at")
    list_select_related = ("academy",)


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    list_display = ("statement_id", "academy", "verb", "status", "tries", "last_status", "created_at", "sent_at")
    list_filter = ("status", "academy")
    list_select_related = ("academy",)
    search_fields = ("statement_id",)
    readonly_fields = [f.name for f in Statement._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send again (refused statements)"), permissions=["view"])
    def send_again(self, request, queryset):
        count = services.statements_retry(statement_ids=queryset.values_list("pk", flat=True))
        messages.info(request, ngettext("%(count)d refused statement will be sent again.",
                                        "%(count)d refused statements will be sent again.", count) % {"count": count})
