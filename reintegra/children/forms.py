"""Forms of the best-interests procedure. They validate input; the services hold the rules."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reintegra.children.models import Assessment, ClosingReason, Risk, Solution, Step
from reintegra.children.services import AssessmentInput, DeterminationInput, PanelMember, StepInput

PANEL_ROWS = 5  # decision-makers per determination; the panel's make-up is configurable (handbook §2)
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = {"rows": 3, "cols": 60}


def _notes(label) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=4000, widget=forms.Textarea(attrs=TEXT))


class AssessmentForm(forms.ModelForm):
    risks = forms.MultipleChoiceField(
        label=_("Risks"), choices=Risk.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Assessment
        fields = [
            "care_situation",
            "interviewer",
            "assessed_on",
            "acceptance",
            "acceptance_notes",
            "attends_school",
            "education_notes",
            "health_access",
            "mhpss_access",
            "health_notes",
            "has_disability",
            "characteristics_notes",
            "risks",
            "risks_notes",
            "child_views",
            "age_when_heard",
            "maturity_weighing",
        ]
        widgets = {
            "assessed_on": DATE,
            **{name: forms.Textarea(attrs=TEXT) for name in ("acceptance_notes", "education_notes", "health_notes")},
            **{name: forms.Textarea(attrs=TEXT) for name in ("characteristics_notes", "risks_notes")},
            "child_views": forms.Textarea(attrs={"rows": 5, "cols": 60}),
            "maturity_weighing": forms.Textarea(attrs=TEXT),
        }
        help_texts = {
            "acceptance": _("Watch for stigma or reprisals after a failed migration the family paid for."),
            "characteristics_notes": _(
                "Age, sex, gender identity, sexual orientation; older children need realistic economic options."
            ),
            "age_when_heard": _("Filled in from the date of birth when it is known; correct it if needed."),
            "maturity_weighing": _("Required when the child's views are recorded."),
        }

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            today = timezone.localdate()
            self.initial.setdefault("assessed_on", today)
            self.initial.setdefault("age_when_heard", case.person.age_on(today))

    @property
    def sections(self):
        groups = [
            (_("Situation and interview"), ["care_situation", "interviewer", "assessed_on"]),
            (_("Acceptance"), ["acceptance", "acceptance_notes"]),
            (_("Education and training"), ["attends_school", "education_notes"]),
            (_("Health"), ["health_access", "mhpss_access", "health_notes"]),
            (_("Characteristics"), ["has_disability", "characteristics_notes"]),
            (_("Risks"), ["risks", "risks_notes"]),
            (_("The child's views"), ["child_views", "age_when_heard", "maturity_weighing"]),
        ]
        return [(title, [self[name] for name in names]) for title, names in groups]

    def to_input(self) -> AssessmentInput:
        return AssessmentInput(**{name: self.cleaned_data[name] for name in self.Meta.fields})


class StepForm(forms.ModelForm):
    class Meta:
        model = Step
        fields = ["what", "who", "due_on"]
        widgets = {"due_on": DATE}

    def to_input(self) -> StepInput:
        return StepInput(**self.cleaned_data)


class StepStateForm(forms.Form):
    state = forms.ChoiceField(choices=[(Step.State.DONE, _("Done")), (Step.State.CANCELLED, _("Cancelled"))])
    done_on = forms.DateField(label=_("Done on"), required=False, widget=DATE)


class DeterminationForm(forms.Form):
    return_considered = forms.BooleanField(label=_("Return and reintegration considered"), required=False)
    return_notes = _notes(_("Notes on return and reintegration"))
    local_considered = forms.BooleanField(label=_("Local integration considered"), required=False)
    local_notes = _notes(_("Notes on local integration"))
    resettlement_considered = forms.BooleanField(label=_("Resettlement to a third country considered"), required=False)
    resettlement_notes = _notes(_("Notes on resettlement"))
    decision = forms.ChoiceField(label=_("Decision"), choices=Solution.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(label=_("Reasons"), max_length=8000, widget=forms.Textarea(attrs={"rows": 5, "cols": 60}))
    determined_on = forms.DateField(label=_("Date of the determination"), widget=DATE)

    def __init__(self, *args, review: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("determined_on", timezone.localdate())
        for row in range(1, PANEL_ROWS + 1):
            self.fields[f"panel_name_{row}"] = forms.CharField(
                label=_("Name (decision-maker %(number)s)") % {"number": row}, required=False, max_length=200
            )
            self.fields[f"panel_function_{row}"] = forms.CharField(
                label=_("Function (decision-maker %(number)s)") % {"number": row}, required=False, max_length=200
            )
        if review:
            self.fields["review_reason"] = forms.CharField(
                label=_("Reason for the review"), max_length=4000, widget=forms.Textarea(attrs=TEXT)
            )

    @property
    def sections(self):
        groups = [(_("Reason for the review"), ["review_reason"])] if "review_reason" in self.fields else []
        groups += [
            (
                _("Durable solutions considered (at least two)"),
                [n for f in ("return", "local", "resettlement") for n in (f"{f}_considered", f"{f}_notes")],
            ),
            (_("Decision"), ["decision", "reasons", "determined_on"]),
            (
                _("Decision-makers"),
                [n for r in range(1, PANEL_ROWS + 1) for n in (f"panel_name_{r}", f"panel_function_{r}")],
            ),
        ]
        return [(title, [self[name] for name in names]) for title, names in groups]

    def to_input(self) -> DeterminationInput:
        data = self.cleaned_data
        panel = [
            PanelMember(name=data[f"panel_name_{r}"], function=data[f"panel_function_{r}"])
            for r in range(1, PANEL_ROWS + 1)
        ]
        plain = {name: data[name] for name in self.fields if not name.startswith("panel_") and name != "review_reason"}
        return DeterminationInput(panel=panel, **plain)


class ProcedureCloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason for closing"), choices=ClosingReason.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs=TEXT),
        help_text=_("Required when the reason is “Other reason”; optional otherwise."),
    )

    @property
    def sections(self):
        return [(_("Closing the procedure"), [self["reason"], self["note"]])]

    def to_input(self) -> dict:
        return {"reason": self.cleaned_data["reason"], "note": self.cleaned_data["note"]}
