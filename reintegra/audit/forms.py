"""The audit trail's filter form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reintegra.audit.models import AuditEvent


class AuditFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    event_type = forms.ChoiceField(
        label=_("Event"), required=False, choices=[("", _("All events")), *AuditEvent.Type.choices]
    )
    actor = forms.CharField(
        label=_("Actor"), required=False, max_length=150, help_text=_("Username, or part of the name.")
    )
    case = forms.CharField(label=_("Case number"), required=False, max_length=40)
    office = forms.TypedChoiceField(label=_("Office"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = [("", _("All my offices")), *((o.pk, o.name) for o in offices)]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return data
