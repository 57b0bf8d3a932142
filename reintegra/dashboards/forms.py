"""The dashboards' filter form (GET): programme, office, period (months), basis, return type, sex."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from reintegra.cases.models import ReturnType, Sex
from reintegra.dashboards.selectors import ARRIVAL, INTERVIEW, Filters

BREAKDOWNS = [
    ("type", _("Assistance type")),
    ("level", _("Individual or community activities")),
    ("acts", _("Number of activities")),
    ("delivery", _("Direct assistance or referral")),
    ("office", _("Office")),
    ("return_type", _("Type of return")),
    ("sex", _("Sex")),
    ("age", _("Age group")),
]


class MonthField(forms.CharField):
    """A month typed as YYYY-MM (the browser's month picker), cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-01", "pattern": r"\d{4}-\d{2}"})

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            year, month = (int(part) for part in value.split("-"))
            return date(year, month, 1)
        except (ValueError, TypeError):
            raise forms.ValidationError(_("Enter a month as YYYY-MM, for example 2026-03.")) from None


class FilterForm(forms.Form):
    programme = forms.TypedChoiceField(label=_("Programme"), required=False, coerce=int, empty_value=None)
    office = forms.TypedChoiceField(label=_("Office"), required=False, coerce=int, empty_value=None)
    start = MonthField(label=_("From (month)"), required=False)
    end = MonthField(label=_("To (month)"), required=False)
    basis = forms.ChoiceField(
        label=_("Period by"),
        required=False,
        choices=[(ARRIVAL, _("Arrival date")), (INTERVIEW, _("RSS interview date"))],
        help_text=_("Cases, caseload and plans are always counted by arrival date."),
    )
    return_type = forms.ChoiceField(label=_("Type of return"), required=False)
    sex = forms.ChoiceField(label=_("Sex"), required=False)
    by = forms.ChoiceField(label=_("Break down by"), required=False, choices=BREAKDOWNS)

    def __init__(self, data, *, offices, programmes):
        super().__init__(data)
        everything = [("", _("All"))]
        self.fields["programme"].choices = everything + [(p.pk, p.name) for p in programmes]
        self.fields["office"].choices = everything + [(o.pk, o.name) for o in offices]
        self.fields["return_type"].choices = everything + list(ReturnType.choices)
        self.fields["sex"].choices = everything + list(Sex.choices)
        self.scope = frozenset(o.pk for o in offices)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end month is before the start month."))
        return data

    def filters(self, *, suppress: bool) -> Filters:
        data = self.cleaned_data
        office = data.get("office")
        return Filters(
            offices=frozenset([office]) if office else self.scope,
            programme_id=data.get("programme"),
            month_from=data.get("start"),
            month_to=data.get("end"),
            basis=data.get("basis") or ARRIVAL,
            return_type=data.get("return_type") or "",
            sex=data.get("sex") or "",
            suppress=suppress,
        )

    @property
    def breakdown(self) -> str:
        return (self.cleaned_data.get("by") if self.is_valid() else "") or "type"
