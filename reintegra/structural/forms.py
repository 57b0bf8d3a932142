"""Forms of the structural pages: they validate at the edge and turn cleaned data into service inputs."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reintegra.accounts.models import Office
from reintegra.cases.forms import DateInput
from reintegra.structural import selectors, services
from reintegra.structural.models import Agreement, CapacityActivity, CoordinationBody, Stakeholder

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class FilterForm(forms.Form):
    office = forms.ModelChoiceField(label=_("Office"), queryset=Office.objects.none(), required=False)
    q = forms.CharField(label=_("Search"), max_length=200, required=False)

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = Office.objects.filter(pk__in=offices).order_by("name")
        self.fields["office"].empty_label = _("All my offices")


class OfficeRecordForm(forms.ModelForm):
    """A create form asks for the office (among those the user edits); an edit form keeps it.

    Stakeholder choices (parties, institution, chair, members) come from the record's office; on a create
    form from all the offices the user edits (the service refuses stakeholders of another office).
    """

    office = forms.ModelChoiceField(label=_("Office"), queryset=Office.objects.none())
    stakeholder_fields: tuple[str, ...] = ()
    input_class = None
    input_fields: list[str] = []

    def __init__(self, *args, offices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk or offices is None:
            del self.fields["office"]
            offices = {self.instance.office_id}
        else:
            self.fields["office"].queryset = Office.objects.filter(pk__in=offices).order_by("name")
            self.order_fields(["office"])
        for name in self.stakeholder_fields:
            field = self.fields[name]
            field.queryset = selectors.stakeholders_of_offices(offices)
            if len(offices) > 1:
                field.label_from_instance = lambda s: f"{s.name} ({s.office.name})"

    def _post_clean(self):
        # The service validates the model (after setting the office); the form only checks its fields.
        pass

    def to_input(self):
        data = {name: self.cleaned_data[name] for name in self.input_fields}
        for name in self.stakeholder_fields:
            if name in data and hasattr(data[name], "model"):
                data[name] = list(data[name])
        return self.input_class(**data)


def _dates_in_order(form, start: str, end: str, message) -> None:
    first, last = form.cleaned_data.get(start), form.cleaned_data.get(end)
    if first and last and last < first:
        form.add_error(end, message)


class StakeholderForm(OfficeRecordForm):
    input_class = services.StakeholderInput
    input_fields = services.STAKEHOLDER_FIELDS

    class Meta:
        model = Stakeholder
        fields = services.STAKEHOLDER_FIELDS
        widgets = {"concerns": TEXTAREA, "expectations": TEXTAREA, "next_review": DateInput()}


class DiscussionForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    summary = forms.CharField(label=_("Summary"), max_length=5000, widget=TEXTAREA)
    outputs = forms.CharField(
        label=_("Agreed outputs"),
        max_length=5000,
        required=False,
        widget=TEXTAREA,
        help_text=_("Decisions, actions, proposals or recommendations agreed."),
    )
    outputs_due = forms.DateField(label=_("Outputs due"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"held_on": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def clean_held_on(self):
        day = self.cleaned_data["held_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date of the discussion cannot be in the future."))
        return day


class AgreementForm(OfficeRecordForm):
    stakeholder_fields = ("parties",)
    input_class = services.AgreementInput
    input_fields = ["parties", *services.AGREEMENT_FIELDS]

    class Meta:
        model = Agreement
        fields = ["kind", "title", "parties", *services.AGREEMENT_FIELDS[2:]]
        widgets = {
            "parties": forms.CheckboxSelectMultiple,
            "scope": TEXTAREA,
            "cost_terms": TEXTAREA,
            "data_access": TEXTAREA,
            "valid_from": DateInput(),
            "valid_to": DateInput(),
        }
        help_texts = {"parties": _("Stakeholders of the office, from the register.")}

    def clean(self):
        data = super().clean()
        _dates_in_order(self, "valid_from", "valid_to", _("The end of validity cannot be before its start."))
        return data


class CapacityForm(OfficeRecordForm):
    stakeholder_fields = ("institution",)
    input_class = services.CapacityInput
    input_fields = services.CAPACITY_FIELDS

    class Meta:
        model = CapacityActivity
        fields = services.CAPACITY_FIELDS
        widgets = {"results": TEXTAREA, "start_date": DateInput(), "end_date": DateInput()}

    def clean(self):
        data = super().clean()
        _dates_in_order(self, "start_date", "end_date", _("The end date cannot be before the start date."))
        return data


class BodyForm(OfficeRecordForm):
    stakeholder_fields = ("chair", "members")
    input_class = services.BodyInput
    input_fields = ["members", *services.BODY_FIELDS]

    class Meta:
        model = CoordinationBody
        fields = ["name", "kind", "chair", "members", "purpose"]
        widgets = {"members": forms.CheckboxSelectMultiple, "purpose": TEXTAREA}
        help_texts = {"chair": _("For example the responsible ministry or local authority.")}


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    attendees = forms.CharField(label=_("Attendees"), max_length=5000, required=False, widget=TEXTAREA)
    decisions = forms.CharField(label=_("Decisions"), max_length=5000, widget=TEXTAREA)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"held_on": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def clean_held_on(self):
        day = self.cleaned_data["held_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date of the meeting cannot be in the future."))
        return day
