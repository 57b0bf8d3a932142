"""Forms of the monitoring pages. They validate the shape; the services hold the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reintegra.cases.forms import DateInput
from reintegra.cases.models import Stage
from reintegra.instruments.models import Instrument
from reintegra.monitoring.models import CertificateCheck, MonitoringRule, Outcome, RuleOccasion, Sample
from reintegra.monitoring.selectors import FrameFilter, default_instrument
from reintegra.monitoring.services import RuleInput, SampleInput

STATE_CHOICES = [
    ("", _("Due and overdue")),
    ("overdue", _("Overdue only")),
    ("due", _("Due now, not yet overdue")),
    ("upcoming", _("Upcoming")),
]
STRATA_CHOICES = [("office", _("Office")), ("sex", _("Sex")), ("return_type", _("Type of return"))]
OPTIONAL_OCCASIONS = [("", _("None")), *RuleOccasion.choices]
SMALL = {"min": "0", "size": 5}


def _instruments():
    return forms.ModelChoiceField(label=_("Instrument"), queryset=Instrument.objects.order_by("code"))


class DueFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("Show"), choices=STATE_CHOICES, required=False)
    programme = forms.TypedChoiceField(label=_("Programme"), coerce=int, required=False, empty_value=None)
    office = forms.TypedChoiceField(label=_("Office"), coerce=int, required=False, empty_value=None)

    def __init__(self, data=None, *, programmes, offices):
        super().__init__(data)
        self.fields["programme"].choices = [("", _("All programmes"))] + [(p.pk, p.name) for p in programmes]
        self.fields["office"].choices = [("", _("All offices"))] + [(o.pk, o.name) for o in offices]

    def states(self) -> tuple[str, ...]:
        state = self.cleaned_data.get("state") if self.is_valid() else ""
        return (state,) if state else ("overdue", "due")


class RuleForm(forms.Form):
    instrument = _instruments()
    occasion = forms.ChoiceField(label=_("Occasion"), choices=RuleOccasion.choices)
    occasion_number = forms.IntegerField(
        label=_("Follow-up number"), min_value=0, max_value=50, initial=1, widget=forms.NumberInput(attrs=SMALL)
    )
    kind = forms.ChoiceField(label=_("Kind of rule"), choices=MonitoringRule.Kind.choices)
    anchor = forms.ChoiceField(
        label=_("Counted from"), choices=[("", "—"), *MonitoringRule.Anchor.choices], required=False
    )
    offset = forms.IntegerField(label=_("After"), min_value=0, max_value=3650, initial=6)
    unit = forms.ChoiceField(label=_("Unit"), choices=MonitoringRule.Unit.choices)
    window_before = forms.IntegerField(
        label=_("Window before (days)"), min_value=0, max_value=365, initial=14, widget=forms.NumberInput(attrs=SMALL)
    )
    window_after = forms.IntegerField(
        label=_("Window after (days)"), min_value=0, max_value=365, initial=30, widget=forms.NumberInput(attrs=SMALL)
    )
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, initial=0)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].initial = default_instrument()

    def rule_input(self) -> RuleInput:
        return RuleInput(**self.cleaned_data)


class SampleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Sample.Purpose.choices)
    instrument = forms.ModelChoiceField(
        label=_("Survey instrument"),
        queryset=Instrument.objects.order_by("code"),
        required=False,
        help_text=_("The instrument of the survey round; RSS samples get baseline-to-follow-up attrition."),
    )
    occasion = forms.ChoiceField(label=_("Survey occasion"), choices=OPTIONAL_OCCASIONS, required=False)
    occasion_number = forms.IntegerField(
        label=_("Follow-up number"),
        min_value=0,
        max_value=50,
        initial=0,
        required=False,
        widget=forms.NumberInput(attrs=SMALL),
    )
    offices = forms.TypedMultipleChoiceField(
        label=_("Offices"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple, help_text=_("None: all.")
    )
    stages = forms.MultipleChoiceField(
        label=_("Stages"),
        choices=Stage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None: every stage but closed."),
    )
    arrival_from = forms.DateField(label=_("Arrived from"), required=False, widget=DateInput)
    arrival_to = forms.DateField(label=_("Arrived until"), required=False, widget=DateInput)
    done_occasion = forms.ChoiceField(
        label=_("With an interview done"),
        choices=OPTIONAL_OCCASIONS,
        required=False,
        help_text=_("Only cases with a submitted response of the survey instrument on this occasion."),
    )
    done_number = forms.IntegerField(
        label=_("Its follow-up number"),
        min_value=0,
        max_value=50,
        initial=0,
        required=False,
        widget=forms.NumberInput(attrs=SMALL),
    )
    in_kind = forms.BooleanField(
        label=_("Only cases that received in-kind assistance (handover certificates)"), required=False
    )
    strata = forms.MultipleChoiceField(
        label=_("Stratify by"), choices=STRATA_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    allocation = forms.ChoiceField(label=_("Allocation"), choices=Sample.Allocation.choices)
    size = forms.IntegerField(label=_("Sample size"), min_value=1, max_value=100000)
    minimum_per_stratum = forms.IntegerField(label=_("Minimum per stratum"), min_value=0, initial=0, required=False)
    seed = forms.IntegerField(
        label=_("Seed"),
        min_value=0,
        max_value=2**63 - 1,
        required=False,
        help_text=_("Recorded with the sample. Leave empty for a new random seed; enter a recorded one to re-draw it."),
    )

    def __init__(self, *args, offices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offices"].choices = [(o.pk, o.name) for o in offices]

    def sample_input(self) -> SampleInput:
        data = self.cleaned_data
        return SampleInput(
            name=data["name"],
            purpose=data["purpose"],
            frame=FrameFilter(
                offices=list(data["offices"]),
                stages=list(data["stages"]),
                arrival_from=data["arrival_from"],
                arrival_to=data["arrival_to"],
                done_occasion=data["done_occasion"],
                done_number=(data["done_number"] or 0) if data["done_occasion"] == "follow_up" else 0,
                in_kind=data["in_kind"],
            ),
            strata=list(data["strata"]),
            allocation=data["allocation"],
            size=data["size"],
            minimum_per_stratum=data["minimum_per_stratum"] or 0,
            instrument=data["instrument"],
            occasion=data["occasion"],
            occasion_number=data["occasion_number"] or 0,
        )

    @staticmethod
    def initial_of(sample: Sample) -> dict:
        frame = sample.frame or {}
        return {
            "name": sample.name,
            "purpose": sample.purpose,
            "instrument": sample.instrument_id,
            "occasion": sample.occasion,
            "occasion_number": sample.occasion_number,
            "offices": frame.get("offices", []),
            "stages": frame.get("stages", []),
            "arrival_from": frame.get("arrival_from"),
            "arrival_to": frame.get("arrival_to"),
            "done_occasion": frame.get("done_occasion", ""),
            "done_number": frame.get("done_number", 0),
            "in_kind": frame.get("in_kind", False),
            "strata": sample.strata,
            "allocation": sample.allocation,
            "size": sample.size,
            "minimum_per_stratum": sample.minimum_per_stratum,
            "seed": sample.seed,
        }


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    outcome_on = forms.DateField(label=_("Date"), required=False, widget=DateInput)
    certificate_check = forms.ChoiceField(
        label=_("Handover certificate"), choices=CertificateCheck.choices, required=False
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    certificate_note = forms.CharField(
        label=_("Certificate note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, identify: bool, spot_check: bool, prefix=None, **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)
        if not identify:  # free text may name people: pseudonymised roles neither read nor write it
            del self.fields["note"], self.fields["certificate_note"]
        if not spot_check:
            del self.fields["certificate_check"]
            self.fields.pop("certificate_note", None)

    @staticmethod
    def initial_of(member) -> dict:
        return {
            name: getattr(member, name)
            for name in ("outcome", "outcome_on", "certificate_check", "note", "certificate_note")
        }
