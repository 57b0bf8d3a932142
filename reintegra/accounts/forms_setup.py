"""Forms of the set-up pages (offices, programmes). They check the shape of input; services decide."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from reintegra.accounts.models import Office, Programme
from reintegra.accounts.services import ProgrammeInput

CODE_HELP = _("2 to 10 capital letters or digits, used in new case numbers, e.g. DKR.")
CODE_CHANGE_HELP = _(
    "Used in new case numbers. Case numbers already given keep the old code; a code that already appears "
    "in case numbers of this country cannot be used again."
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def office_label(office: Office) -> str:
    return f"{office.name} ({office.country}-{office.code})"


class OfficeForm(forms.Form):
    """Creating a sub-office (parent required), or editing an office (kind and parent for sub-offices only)."""

    name = forms.CharField(label=_("Name"), max_length=120)
    code = forms.CharField(label=_("Code"), max_length=10, help_text=CODE_HELP)
    country = forms.CharField(
        label=_("Country code"), min_length=2, max_length=2, help_text=_("ISO 3166 alpha-2, e.g. SN.")
    )
    language = forms.ChoiceField(label=_("Default language"), choices=settings.LANGUAGES)
    kind = forms.ChoiceField(label=_("Kind"), choices=Office.Kind.choices)
    parent = forms.TypedChoiceField(label=_("Parent office"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, parents: list[Office], office: Office | None = None, **kwargs):
        if office is not None:
            kwargs["initial"] = {
                "name": office.name,
                "code": office.code,
                "country": office.country,
                "language": office.language,
                "kind": office.kind,
                "parent": office.parent_id,
            }
        super().__init__(*args, **kwargs)
        self.office = office
        if office is None:  # administrators create sub-offices only
            del self.fields["kind"]
            self.fields["parent"].required = True
        elif office.kind == Office.Kind.COUNTRY:
            del self.fields["kind"], self.fields["parent"]
        else:
            below = office.descendant_ids()
            parents = [p for p in parents if p.pk not in below]
            if office.parent_id not in {p.pk for p in parents}:  # staying put is always allowed
                parents.insert(0, office.parent)
            self.fields["kind"].help_text = _(
                "Only an administrator of this office itself may make it a country office."
            )
        if office is not None:
            self.fields["code"].help_text = CODE_CHANGE_HELP
        if "parent" in self.fields:
            self.fields["parent"].choices = [("", "—"), *((p.pk, office_label(p)) for p in parents)]
        self.parents = {p.pk: p for p in parents}

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()

    def clean_country(self) -> str:
        return self.cleaned_data["country"].strip().upper()

    def clean(self):
        data = super().clean()
        needs_parent = "parent" in self.fields and data.get("kind", Office.Kind.SUB) == Office.Kind.SUB
        if needs_parent and not data.get("parent") and "parent" not in self.errors:
            self.add_error("parent", _("A sub-office needs a parent office."))
        return data

    def chosen_parent(self) -> Office | None:
        return self.parents.get(self.cleaned_data.get("parent"))


class OfficeMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Office) -> str:
        return office_label(obj)


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    code = forms.SlugField(
        label=_("Code"), max_length=40, help_text=_("Lower-case letters, digits and hyphens, unique, e.g. sn-2026.")
    )
    currency = forms.CharField(
        label=_("Currency"), min_length=3, max_length=3, help_text=_("ISO 4217 code, e.g. EUR or XOF.")
    )
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    end_date = forms.DateField(label=_("End date"), required=False, widget=DateInput())
    per_returnee_cap = forms.DecimalField(
        label=_("Budget cap per returnee"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    cash_approval_threshold = forms.DecimalField(
        label=_("Cash approval threshold"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=_("Plans with more cash than this (programme currency) need a supervisor's approval."),
    )
    plan_due_days = forms.IntegerField(
        label=_("Plan due (days after arrival)"),
        min_value=1,
        max_value=365,
        initial=30,
        help_text=_("The handbook prefers about one month."),
    )
    offices = OfficeMultipleChoiceField(
        label=_("Offices"),
        queryset=Office.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The offices that run this programme; only offices you administer are listed."),
    )

    def __init__(self, *args, offices, programme: Programme | None = None, **kwargs):
        if programme is not None:
            kwargs["initial"] = {
                **{name: getattr(programme, name) for name in ProgrammeInput.__dataclass_fields__},
                "offices": [o.pk for o in programme.offices.all()],
            }
        super().__init__(*args, **kwargs)
        self.fields["offices"].queryset = offices

    def clean_currency(self) -> str:
        return self.cleaned_data["currency"].strip().upper()

    def programme_input(self) -> ProgrammeInput:
        data = self.cleaned_data
        return ProgrammeInput(**{name: data[name] for name in ProgrammeInput.__dataclass_fields__})
