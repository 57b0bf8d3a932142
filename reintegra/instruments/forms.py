"""Forms of the assessment and instrument pages (the questionnaire itself is rendered by webform.py)."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from reintegra.cases.forms import DateInput, add_service_errors
from reintegra.instruments.models import Flag, InterviewMode, Occasion
from reintegra.instruments.selectors import current_versions

XLSX_SIGNATURE = b"PK\x03\x04"
MAX_FLAGS_BYTES = 200_000

__all__ = ["FlagDecisionForm", "StartForm", "UploadForm", "add_service_errors"]


class StartForm(forms.Form):
    version = forms.TypedChoiceField(label=_("Instrument"), coerce=int)
    occasion = forms.ChoiceField(label=_("Occasion"), choices=Occasion.choices, initial=Occasion.BASELINE)
    occasion_number = forms.IntegerField(
        label=_("Follow-up number"),
        min_value=0,
        max_value=99,
        required=False,
        help_text=_("1 for the first follow-up, 2 for the second; leave empty otherwise."),
    )
    interview_date = forms.DateField(label=_("Interview date"), widget=DateInput())
    mode = forms.ChoiceField(label=_("Mode"), choices=InterviewMode.choices, initial=InterviewMode.IN_PERSON)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        language = get_language() or "en"
        self.versions = {v.pk: v for v in current_versions()}
        self.fields["version"].choices = [
            (pk, f"{v.instrument.title(language)} ({v.version})") for pk, v in self.versions.items()
        ]
        self.fields["interview_date"].initial = timezone.localdate()

    def clean_occasion_number(self):
        return self.cleaned_data.get("occasion_number") or 0

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "version": self.versions[data["version"]],
            "occasion": data["occasion"],
            "occasion_number": data["occasion_number"],
            "interview_date": data["interview_date"],
            "mode": data["mode"],
        }


class UploadForm(forms.Form):
    source = forms.FileField(label=_("XLSForm (.xlsx)"))
    flags = forms.FileField(
        label=_("Flag rules (.yaml, optional)"),
        required=False,
        help_text=_("Without a file, the current version's flag rules are kept if they fit the new form."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    make_current = forms.BooleanField(label=_("Use it for new assessments now"), required=False, initial=True)

    def clean_source(self):
        upload = self.cleaned_data["source"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(_("The file is too large."))
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload an XLSForm as an .xlsx workbook."))
        content = upload.read()
        if not content.startswith(XLSX_SIGNATURE):
            raise forms.ValidationError(_("This file is not an .xlsx workbook."))
        return content

    def clean_flags(self):
        upload = self.cleaned_data.get("flags")
        if not upload:
            return None
        if upload.size > MAX_FLAGS_BYTES or not upload.name.lower().endswith((".yaml", ".yml")):
            raise forms.ValidationError(_("Upload the flag rules as a small .yaml file."))
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("The flag rules file is not UTF-8 text.")) from exc


class FlagDecisionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Decision"), choices=[(Flag.Status.CONFIRMED, _("Confirm")), (Flag.Status.DISMISSED, _("Dismiss"))]
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=1000, help_text=_("Required to dismiss a flag.")
    )

    def clean(self):
        data = super().clean()
        if data.get("status") == Flag.Status.DISMISSED and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the flag is dismissed."))
        return data
