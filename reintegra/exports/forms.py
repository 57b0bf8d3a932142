"""The export form: dataset, format, filters and the identifiable option (page, API and command)."""

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from reintegra.accounts.access import access_for
from reintegra.cases.models import Stage
from reintegra.exports import access as export_access
from reintegra.exports import selectors
from reintegra.exports.datasets import DATASETS
from reintegra.exports.services import CSV, XLSX, ExportSpec
from reintegra.instruments.models import InstrumentVersion

DATE_FIELDS = ((selectors.OPENED, _("Case opened")), (selectors.ARRIVAL, _("Arrival")))
FORMAT_CHOICES = ((XLSX, _("Excel workbook (XLSX) with labels and codebook")), (CSV, _("CSV (codes)")))


def version_choices(language: str) -> list[tuple[str, str]]:
    versions = InstrumentVersion.objects.select_related("instrument").defer("source", "definition", "xform")
    versions = versions.order_by("instrument__ordering", "instrument__code", "-created_at")
    return [("", _("All instruments (XLSX: one sheet each)"))] + [
        (str(v.pk), f"{v.instrument.title(language)} · v{v.version}") for v in versions
    ]


class ExportForm(forms.Form):
    dataset = forms.ChoiceField(label=_("Data"), choices=[(d.code, d.label) for d in DATASETS.values()])
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, initial=XLSX)
    instrument_version = forms.TypedChoiceField(
        label=_("Questionnaire"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Assessments only. A CSV holds one questionnaire version."),
    )
    office = forms.ModelChoiceField(
        label=_("Office"),
        queryset=None,
        required=False,
        empty_label=_("All my offices"),
        help_text=_("Sub-offices included."),
    )
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None, required=False, empty_label=_("All"))
    stage = forms.ChoiceField(label=_("Stage"), choices=[("", _("All"))] + list(Stage.choices), required=False)
    date_field = forms.ChoiceField(
        label=_("Dates refer to"), choices=DATE_FIELDS, initial=selectors.OPENED, required=False
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    identifiable = forms.BooleanField(
        label=_("Include identities (names, phones, documents, exact dates and address)"),
        required=False,
        help_text=_("Only for cases of offices where you may see identities. Keep the file safe."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.access = access_for(user)
        self.fields["office"].queryset = selectors.offices_of(self.access)
        self.fields["programme"].queryset = selectors.programmes_of(self.access)
        self.fields["instrument_version"].choices = version_choices(get_language() or "en")
        # The option is shown only to users who may have it; ticked by anyone else, the export is refused.
        self.offers_identities = export_access.may_ask_identifiable(self.access)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        if data.get("format") == CSV and data.get("dataset") == "assessments" and not data.get("instrument_version"):
            self.add_error("instrument_version", _("A CSV holds one questionnaire: choose its version."))
        return data

    def spec(self) -> ExportSpec:
        data = self.cleaned_data
        filters = selectors.Filters(
            office_id=data["office"].pk if data.get("office") else None,
            programme_id=data["programme"].pk if data.get("programme") else None,
            stage=data.get("stage") or "",
            date_field=data.get("date_field") or selectors.OPENED,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            instrument_version_id=data.get("instrument_version") if data.get("dataset") == "assessments" else None,
        )
        return ExportSpec(
            dataset=data["dataset"],
            format=data["format"],
            filters=filters,
            identifiable=bool(data.get("identifiable")),
            language=(get_language() or "en")[:2],
        )
