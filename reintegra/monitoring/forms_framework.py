"""Forms of the results-framework pages. They check the shape; `monitoring.framework` holds the rules."""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from reintegra.cases.forms import DateInput
from reintegra.cases.models import ClosureGroup, ClosureReason, ReturnType, Sex
from reintegra.community.models import AgeGroup as ParticipantAge
from reintegra.community.models import Approach, CommunityProject
from reintegra.directory.models import Dimension, Level
from reintegra.monitoring import indicators
from reintegra.monitoring.framework import ManualFigure
from reintegra.monitoring.models import ComputedKey, Disaggregation, Indicator, ResultLevel
from reintegra.plans.models import ActivityType, Delivery
from reintegra.structural.models import Agreement

TEXT = {"rows": 4}
SMALL = {"size": 8}


class FrameworkForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    theory_of_change = forms.CharField(
        label=_("Theory of change"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs=TEXT),
        help_text=_("How the activities lead to the results: if … then …, because …"),
    )
    assumptions = forms.CharField(
        label=_("Assumptions"), required=False, max_length=5000, widget=forms.Textarea(attrs=TEXT)
    )
    risks = forms.CharField(
        label=_("Risks and mitigation"), required=False, max_length=5000, widget=forms.Textarea(attrs=TEXT)
    )


class ResultForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=ResultLevel.choices)
    parent = forms.TypedChoiceField(label=_("Contributes to"), coerce=int, required=False, empty_value=None)
    code = forms.CharField(label=_("Code"), max_length=20, widget=forms.TextInput(attrs=SMALL))
    statement = forms.CharField(label=_("Statement"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    statement_fr = forms.CharField(
        label=_("Statement in French (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, initial=0, required=False)

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.parents = {p.pk: p for p in parents}
        self.fields["parent"].choices = [("", "—")] + [
            (p.pk, f"{p.get_level_display()} {p.code}: {p.statement[:80]}") for p in parents
        ]

    def clean_parent(self):
        pk = self.cleaned_data.get("parent")
        return self.parents.get(pk) if pk else None


PARAMETER_HELP = _(
    "Optional, as JSON. basis: delivered | planned; type: an activity type code; dimension: economic, social, "
    "psychosocial (scores: also composite); level; delivery: direct | referral; occasion: baseline | follow_up; "
    "threshold: 0..1; band: a band name of the scoring profile; item: a satisfaction item or overall; "
    "group and reason: closure group and reason; approach: a community approach; participant: returnee | "
    'resident; kind: lta | mou | other. Example: {"dimension": "economic", "occasion": "follow_up"}'
)


class IndicatorForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20, widget=forms.TextInput(attrs=SMALL))
    name = forms.CharField(label=_("Name"), max_length=300)
    definition = forms.CharField(
        label=_("Definition"), required=False, max_length=4000, widget=forms.Textarea(attrs=TEXT)
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Indicator.Kind.choices)
    computed_key = forms.ChoiceField(label=_("Computed as"), required=False, choices=[("", "—"), *ComputedKey.choices])
    parameters = forms.CharField(
        label=_("Parameters"), required=False, max_length=2000, help_text=PARAMETER_HELP, widget=forms.TextInput()
    )
    cumulative = forms.BooleanField(
        label=_("Cumulative (from the programme's start to the end of each period)"), required=False
    )
    unit = forms.ChoiceField(label=_("Unit"), choices=Indicator.Unit.choices)
    direction = forms.ChoiceField(label=_("Direction"), choices=Indicator.Direction.choices)
    baseline_value = forms.DecimalField(label=_("Baseline"), required=False, max_digits=14, decimal_places=4)
    baseline_date = forms.DateField(label=_("Baseline date"), required=False, widget=DateInput)
    target_value = forms.DecimalField(label=_("Target"), required=False, max_digits=14, decimal_places=4)
    target_date = forms.DateField(label=_("Target date"), required=False, widget=DateInput)
    disaggregations = forms.MultipleChoiceField(
        label=_("Disaggregated by"),
        required=False,
        choices=Disaggregation.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    frequency = forms.ChoiceField(label=_("Frequency"), choices=Indicator.Frequency.choices)
    means_of_verification = forms.CharField(
        label=_("Means of verification"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    responsible = forms.CharField(label=_("Responsible"), required=False, max_length=200)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, initial=0, required=False)

    def clean_parameters(self):
        text = (self.cleaned_data.get("parameters") or "").strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except ValueError as error:
            raise ValidationError(_('Write the parameters as JSON, e.g. {"dimension": "economic"}.')) from error
        if not isinstance(value, dict):
            raise ValidationError(_('Write the parameters as a JSON object, e.g. {"dimension": "economic"}.'))
        return value

    def clean(self):
        data = super().clean()
        if data.get("kind") == Indicator.Kind.COMPUTED and not data.get("computed_key"):
            self.add_error("computed_key", _("Choose what the indicator is computed from."))
        return data

    @staticmethod
    def initial_from(indicator: Indicator) -> dict:
        initial = {name: getattr(indicator, name) for name in IndicatorForm.base_fields if name != "parameters"}
        initial["parameters"] = json.dumps(indicator.parameters) if indicator.parameters else ""
        return initial


class PeriodForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=60, help_text=_("E.g. 2026-Q1."))
    start = forms.DateField(label=_("First day"), widget=DateInput)
    end = forms.DateField(label=_("Last day"), widget=DateInput)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The last day comes before the first day."))
        return data


class NarrativeForm(forms.Form):
    summary = forms.CharField(label=_("Summary"), required=False, max_length=5000, widget=forms.Textarea(attrs=TEXT))
    challenges = forms.CharField(
        label=_("Challenges and lessons"), required=False, max_length=5000, widget=forms.Textarea(attrs=TEXT)
    )
    next_steps = forms.CharField(
        label=_("Next steps"), required=False, max_length=5000, widget=forms.Textarea(attrs=TEXT)
    )


def manual_categories(by: str, programme) -> list[tuple[str, str]]:
    """The categories a hand-entered breakdown offers."""
    fixed = {
        Disaggregation.SEX: Sex.choices,
        Disaggregation.AGE_GROUP: [(code, label) for code, label, _limit in indicators.AGE_GROUPS],
        Disaggregation.RETURN_TYPE: ReturnType.choices,
        Disaggregation.DELIVERY: Delivery.choices,
        Disaggregation.LEVEL: Level.choices,
        Disaggregation.DIMENSION: Dimension.choices,
        Disaggregation.CLOSURE_GROUP: ClosureGroup.choices,
        Disaggregation.CLOSURE_REASON: ClosureReason.choices,
        Disaggregation.PROJECT_STATUS: CommunityProject.Status.choices,
        Disaggregation.APPROACH: Approach.choices,
        Disaggregation.PARTICIPANT_TYPE: list(indicators.PARTICIPANT_TYPES.items()),
        Disaggregation.PARTICIPANT_AGE: ParticipantAge.choices,
        Disaggregation.AGREEMENT_KIND: Agreement.Kind.choices,
    }
    if by in fixed:
        return [(str(code), str(label)) for code, label in fixed[by]]
    if by == Disaggregation.OFFICE:
        return [(str(o.pk), o.name) for o in programme.offices.order_by("name")]
    return [(t.code, t.name) for t in ActivityType.objects.filter(active=True)]


class ManualValuesForm(forms.Form):
    """The total (with an optional numerator and denominator) and one field per category of each breakdown."""

    value = forms.DecimalField(label=_("Value"), required=False, max_digits=16, decimal_places=4)
    numerator = forms.DecimalField(label=_("Numerator"), required=False, max_digits=16, decimal_places=4)
    denominator = forms.DecimalField(label=_("Denominator"), required=False, max_digits=16, decimal_places=4)
    note = forms.CharField(
        label=_("Note (source, remarks)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, indicator, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = []
        labels = dict(Disaggregation.choices)
        self.category_labels: dict[tuple[str, str], str] = {}
        for by in indicator.disaggregations:
            names = []
            for code, label in manual_categories(by, programme):
                name = f"d__{by}__{code}"
                self.fields[name] = forms.DecimalField(
                    label=label,
                    required=False,
                    max_digits=16,
                    decimal_places=4,
                    widget=forms.NumberInput(attrs={"step": "any"}),
                )
                self.category_labels[(by, code)] = label
                names.append(name)
            self.groups.append((labels.get(by, by), names))

    def grouped(self):
        return [(label, [self[name] for name in names]) for label, names in self.groups]

    def clean(self):
        data = super().clean()
        if data.get("denominator") == 0:
            self.add_error("denominator", _("The denominator cannot be zero."))
        return data

    def figures(self) -> dict[tuple[str, str], ManualFigure]:
        data = self.cleaned_data
        figures = {("", ""): ManualFigure(data.get("value"), data.get("numerator"), data.get("denominator"))}
        for name, value in data.items():
            if name.startswith("d__"):
                _prefix, by, code = name.split("__", 2)
                figures[(by, code)] = ManualFigure(value)
        return figures

    @staticmethod
    def initial_from(values) -> dict:
        initial = {}
        for v in values:
            if not v.disaggregation:
                initial |= {"value": v.value, "numerator": v.numerator, "denominator": v.denominator, "note": v.note}
            else:
                initial[f"d__{v.disaggregation}__{v.category}"] = v.value
        return initial
