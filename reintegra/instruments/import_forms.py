"""The form of the import page: instrument version, occasion, file and options."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from reintegra.instruments import importer
from reintegra.instruments.models import InterviewMode, Occasion
from reintegra.instruments.selectors import instruments


class ImportForm(forms.Form):
    version = forms.TypedChoiceField(
        label=_("Instrument and version"),
        coerce=int,
        help_text=_("The version the field team collected with; the current version is chosen by default."),
    )
    occasion = forms.ChoiceField(label=_("Occasion"), choices=Occasion.choices, initial=Occasion.BASELINE)
    occasion_number = forms.IntegerField(
        label=_("Follow-up number"),
        min_value=0,
        max_value=99,
        required=False,
        help_text=_("1 for the first follow-up, 2 for the second; leave empty otherwise."),
    )
    mode = forms.ChoiceField(label=_("Mode"), choices=InterviewMode.choices, initial=InterviewMode.IN_PERSON)
    file = forms.FileField(
        label=_("Export file (.csv or .xlsx)"),
        help_text=_("A KoboToolbox, ODK Central or ODK Briefcase export with XML values and headers."),
    )
    case_column = forms.CharField(
        label=_("Case-number column"),
        required=False,
        max_length=200,
        help_text=_("Leave empty when the column is called case_number, case_no or numero_dossier."),
    )
    check_only = forms.BooleanField(label=_("Check only: report what would happen, save nothing"), required=False)

    def __init__(self, *args, instrument: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        language = get_language() or "en"
        self.versions = {}
        groups = []
        for item in instruments():
            options = []
            for version in item.versions.all():
                self.versions[version.pk] = version
                label = _("%(version)s (current)") if version.is_current else "%(version)s"
                options.append((version.pk, label % {"version": version.version}))
                if version.is_current and (item.code == instrument or not self.fields["version"].initial):
                    self.fields["version"].initial = version.pk
            if options:
                groups.append((item.title(language), options))
        self.fields["version"].choices = groups

    def clean_occasion_number(self):
        return self.cleaned_data.get("occasion_number") or 0

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            importer.check_upload(upload)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error
        return upload

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "version": self.versions[data["version"]],
            "occasion": data["occasion"],
            "occasion_number": data["occasion_number"],
            "mode": data["mode"],
            "case_column": data["case_column"].strip(),
            "check_only": data["check_only"],
        }
