"""Forms of the weights-calibration page: which responses to analyse, and the new profile's identity."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reintegra.instruments.models import Occasion
from reintegra.scoring.profile import SLUG

ALL_OCCASIONS = "all"


class AnalysisForm(forms.Form):
    programme = forms.TypedChoiceField(label=_("Programme"), required=False, coerce=int, empty_value=None)
    start = forms.DateField(label=_("Interviews from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Interviews to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    occasion = forms.ChoiceField(
        label=_("Responses"),
        required=False,
        choices=[(Occasion.BASELINE, _("Baselines only (one per returnee)")), (ALL_OCCASIONS, _("All occasions"))],
        help_text=_("Baselines avoid counting the same returnee several times."),
    )

    def __init__(self, data=None, *, programmes, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["programme"].choices = [("", _("All programmes"))] + [(p.pk, p.name) for p in programmes]

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end date is before the start date."))
        return data

    def filters(self) -> dict:
        data = self.cleaned_data
        occasion = data.get("occasion") or Occasion.BASELINE
        return {
            "programme_id": data.get("programme"),
            "start": data.get("start"),
            "end": data.get("end"),
            "occasion": "" if occasion == ALL_OCCASIONS else occasion,
        }


class SaveForm(forms.Form):
    code = forms.CharField(label=_("Code of the new profile"), max_length=60)
    version = forms.CharField(label=_("Version"), max_length=40)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    name_fr = forms.CharField(label=_("Name (French)"), max_length=200)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("draft", _("Draft")), ("active", _("Active (can be made the default later)"))],
        help_text=_("The new profile never becomes the default by itself."),
    )
    composite = forms.ChoiceField(
        label=_("Composite weights"),
        choices=[
            ("pca", _("From the analysis of all indicators (weights over indicators)")),
            ("keep", _("Keep the active profile's composite weights")),
        ],
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not SLUG.match(code):
            raise forms.ValidationError(_("Use letters, digits, - and _ only."))
        return code
