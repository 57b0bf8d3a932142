"""Forms of the community pages: they validate at the edge and turn cleaned data into service inputs."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reintegra.accounts.models import Office, Programme
from reintegra.cases.forms import DateInput, clean_country
from reintegra.cases.models import Sex
from reintegra.community import services
from reintegra.community.models import (
    AgeGroup,
    Community,
    CommunityProfile,
    CommunityProject,
    Criterion,
    Rating,
)

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class FilterForm(forms.Form):
    office = forms.ModelChoiceField(label=_("Office"), queryset=Office.objects.none(), required=False)
    q = forms.CharField(label=_("Name, place or social group"), max_length=200, required=False)

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = Office.objects.filter(pk__in=offices).order_by("name")
        self.fields["office"].empty_label = _("All my offices")


class CommunityForm(forms.ModelForm):
    office = forms.ModelChoiceField(label=_("Office"), queryset=Office.objects.none())

    class Meta:
        model = Community
        fields = ["name", "country", "region", "district", "locality", "social_group", "description"]
        widgets = {"description": TEXTAREA, "country": forms.TextInput(attrs={"size": 3})}

    def __init__(self, *args, offices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk or offices is None:
            del self.fields["office"]
        else:
            self.fields["office"].queryset = Office.objects.filter(pk__in=offices).order_by("name")
            self.order_fields(["office"])

    def clean_country(self):
        return clean_country(self.cleaned_data["country"])

    def _post_clean(self):
        # The service validates the model (after setting the office); the form only checks its fields.
        pass

    def to_input(self) -> services.CommunityInput:
        return services.CommunityInput(**{name: self.cleaned_data[name] for name in services.COMMUNITY_FIELDS})


class ProfileForm(forms.ModelForm):
    class Meta:
        model = CommunityProfile
        fields = ["profiled_on", *services.PROFILE_TEXTS]
        widgets = {"profiled_on": DateInput(), **dict.fromkeys(services.PROFILE_TEXTS, TEXTAREA)}

    def __init__(self, *args, previous: CommunityProfile | None = None, **kwargs):
        initial = kwargs.pop("initial", {}) or {}
        if previous is not None:
            initial.update({name: getattr(previous, name) for name in services.PROFILE_TEXTS})
            for rating in previous.ratings.all():
                initial[f"rating_{rating.criterion}"] = rating.rating
                initial[f"note_{rating.criterion}"] = rating.note
        initial.setdefault("profiled_on", timezone.localdate())
        super().__init__(*args, initial=initial, **kwargs)
        for criterion in Criterion:
            self.fields[f"rating_{criterion.value}"] = forms.ChoiceField(
                label=criterion.label, choices=Rating.choices, widget=forms.RadioSelect
            )
            self.fields[f"note_{criterion.value}"] = forms.CharField(
                label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def clean_profiled_on(self):
        day = self.cleaned_data["profiled_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date of the profile cannot be in the future."))
        return day

    def criteria(self) -> list[tuple]:
        """(number, rating field, note field) per criterion, for the template."""
        return [(c.value, self[f"rating_{c.value}"], self[f"note_{c.value}"]) for c in Criterion]

    def text_fields(self) -> list:
        return [self[name] for name in ["profiled_on", *services.PROFILE_TEXTS]]

    def to_input(self) -> services.ProfileInput:
        data = self.cleaned_data
        return services.ProfileInput(
            profiled_on=data["profiled_on"],
            ratings={c.value: (data[f"rating_{c.value}"], data[f"note_{c.value}"]) for c in Criterion},
            **{name: data[name] for name in services.PROFILE_TEXTS},
        )


class ProjectForm(forms.ModelForm):
    class Meta:
        model = CommunityProject
        fields = services.PROJECT_FIELDS
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "partners": TEXTAREA,
            "local_ownership": TEXTAREA,
            "description": TEXTAREA,
        }

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.filter(offices=community.office_id).order_by("name")

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        return data

    def _post_clean(self):
        # The service validates the model; the form checks its own fields only.
        pass

    def to_input(self) -> services.ProjectInput:
        return services.ProjectInput(**{name: self.cleaned_data[name] for name in services.PROJECT_FIELDS})


class ReturneeForm(forms.Form):
    case_number = forms.CharField(
        label=_("Case number"),
        max_length=32,
        help_text=_("A case in your caseload, e.g. SN-DKR-2026-000012."),
    )


class ResidentForm(forms.Form):
    label = forms.CharField(label=_("Name or initials"), max_length=120)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Sex.choices], required=False)
    age_group = forms.ChoiceField(
        label=_("Age group"), choices=[("", "—"), *(c for c in AgeGroup.choices if c[0])], required=False
    )
