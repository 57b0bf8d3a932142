"""Forms of the directory pages: they validate at the edge and turn cleaned data into service inputs.

Edit forms work on a copy of the entry, so a failed save never alters the object the service
compares against; services stay the judges of rights and rules (`add_service_errors`).
"""

import copy

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reintegra.cases.forms import DateInput, add_service_errors, clean_country
from reintegra.directory import services
from reintegra.directory.access import directory_access
from reintegra.directory.models import Agreement, Dimension, Organisation, Service
from reintegra.directory.selectors import ServiceFilters, categories, manageable_offices
from reintegra.directory.xlsx import check_upload

__all__ = ["add_service_errors"]


def _category_choices():
    return [("", _("All categories")), *((c.code, c.name) for c in categories())]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Name or organisation"), max_length=200, required=False)
    country = forms.CharField(
        label=_("Country"), max_length=2, required=False, widget=forms.TextInput(attrs={"size": 3})
    )
    region = forms.CharField(label=_("Region"), max_length=120, required=False)
    district = forms.CharField(label=_("District"), max_length=120, required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    dimension = forms.ChoiceField(
        label=_("Dimension"), required=False, choices=[("", _("All dimensions")), *Dimension.choices]
    )
    inactive = forms.BooleanField(label=_("Include inactive entries"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _category_choices()

    def clean_country(self):
        return clean_country(self.cleaned_data["country"])

    def filters(self) -> ServiceFilters:
        if not self.is_bound or not self.is_valid():
            return ServiceFilters()
        data = self.cleaned_data
        return ServiceFilters(
            text=data["q"].strip(),
            country=data["country"],
            region=data["region"].strip(),
            district=data["district"].strip(),
            category=data["category"],
            dimension=data["dimension"],
            include_inactive=data["inactive"],
        )


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), max_length=300, required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = services.ORGANISATION_FIELDS
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, instance=None, **kwargs):
        super().__init__(*args, instance=copy.copy(instance) if instance else None, **kwargs)
        office = self.fields["office"]
        office.queryset = manageable_offices(user)
        office.required = not directory_access(user).administrator
        office.empty_label = _("No office (administrators only)") if not office.required else None
        self.fields["country"].help_text = _("Two-letter code, e.g. SN, ML, GN.")

    def clean_country(self):
        return clean_country(self.cleaned_data["country"])

    def to_input(self) -> services.OrganisationInput:
        return services.OrganisationInput(**{name: self.cleaned_data[name] for name in services.ORGANISATION_FIELDS})


class ServiceForm(forms.ModelForm):
    categories = forms.ModelMultipleChoiceField(
        label=_("Categories"), queryset=categories(), to_field_name="code", widget=forms.CheckboxSelectMultiple
    )
    areas = forms.CharField(
        label=_("Coverage areas"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One per line: a country code, then region and district if needed, e.g. SN, SN/Dakar, SN/Dakar/Pikine."
        ),
    )

    class Meta:
        model = Service
        fields = [*services.SERVICE_FIELDS, "categories"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ("description", "eligibility", "accessibility", "first_contact_data")
        }

    def __init__(self, *args, instance, **kwargs):
        super().__init__(*args, instance=copy.copy(instance), **kwargs)
        self.fields["categories"].queryset = categories()
        if instance.pk and not self.is_bound:
            self.initial["areas"] = "\n".join(a.as_line() for a in instance.areas.all())

    def clean_areas(self) -> list[services.AreaInput]:
        areas = []
        for line in self.cleaned_data["areas"].splitlines():
            parts = [part.strip() for part in line.split("/")]
            if not any(parts):
                continue
            if len(parts) > 3:
                raise ValidationError(
                    gettext("“%(area)s”: write country/region/district, no more.") % {"area": line.strip()}
                )
            areas.append(services.AreaInput(*parts))
        return areas

    def to_input(self) -> services.ServiceInput:
        data = self.cleaned_data
        return services.ServiceInput(
            **{name: data[name] for name in services.SERVICE_FIELDS},
            categories=list(data["categories"]),
            areas=data["areas"],
        )


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = [*services.AGREEMENT_FIELDS, "services", "document"]
        widgets = {
            "start_date": DateInput,
            "end_date": DateInput,
            "services": forms.CheckboxSelectMultiple,
            "document": forms.FileInput,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, organisation, instance=None, **kwargs):
        instance = copy.copy(instance) if instance else Agreement(organisation=organisation)
        super().__init__(*args, instance=instance, **kwargs)
        self.fields["services"].queryset = organisation.services.order_by("name")

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if upload and upload is not self.instance.document and hasattr(upload, "content_type"):
            services.check_document(upload)
            return upload
        return None

    def to_input(self) -> services.AgreementInput:
        data = self.cleaned_data
        return services.AgreementInput(
            **{name: data[name] for name in services.AGREEMENT_FIELDS},
            services=list(data["services"]),
            document=data.get("document"),
        )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx)"), widget=forms.FileInput(attrs={"accept": ".xlsx"}))
    office = forms.ModelChoiceField(
        label=_("Office managing new organisations"), queryset=None, required=False, empty_label=None
    )
    dry_run = forms.BooleanField(
        label=_("Check only"), required=False, help_text=_("Validate every row and show the report; save nothing.")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        office = self.fields["office"]
        office.queryset = manageable_offices(user)
        office.required = not directory_access(user).administrator
        if not office.required:
            office.empty_label = _("No office (administrators only)")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload(upload)
        return upload
