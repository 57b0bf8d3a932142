"""Forms of the plan pages. They validate the shape; the services hold the rules."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reintegra.accounts.models import Programme, User
from reintegra.cases.forms import DateInput
from reintegra.community.models import CommunityProject
from reintegra.community.selectors import projects_for_plan
from reintegra.directory.models import Dimension, Level, Service
from reintegra.plans.models import Activity, ActivityType, AgreementMethod, Delivery, Disbursement, Modality
from reintegra.plans.services import ActivityInput, DisbursementInput, PlanInput

ACCEPT = ",".join(f".{ext}" for ext in settings.UPLOAD_ALLOWED_EXTENSIONS)
FILE_HELP = _("PDF, JPEG or PNG file.")


def score_field(label):
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_value=1,
        max_digits=4,
        decimal_places=3,
        help_text=_("Target score between 0 and 1."),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "1"}),
    )


def currency_field():
    return forms.CharField(
        label=_("Currency"),
        min_length=3,
        max_length=3,
        help_text=_("ISO 4217 code, e.g. EUR or XOF."),
        widget=forms.TextInput(attrs={"size": 4, "autocapitalize": "characters"}),
    )


def money_field(label, min_value=Decimal("0")):
    return forms.DecimalField(label=label, min_value=min_value, max_digits=12, decimal_places=2)


def file_field(label, required=False):
    return forms.FileField(
        label=label, required=required, help_text=FILE_HELP, widget=forms.ClearableFileInput(attrs={"accept": ACCEPT})
    )


class PlanForm(forms.Form):
    plan_date = forms.DateField(label=_("Plan date"), widget=DateInput)
    goals = forms.CharField(
        label=_("Goals and motivations"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    summary_economic = forms.CharField(
        label=_("Economic summary"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    summary_social = forms.CharField(
        label=_("Social summary"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    summary_psychosocial = forms.CharField(
        label=_("Psychosocial summary"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    target_economic = score_field(_("Expected economic score"))
    target_social = score_field(_("Expected social score"))
    target_psychosocial = score_field(_("Expected psychosocial score"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("plan_date", timezone.localdate())

    def plan_input(self) -> PlanInput:
        return PlanInput(**self.cleaned_data)


class ActivityForm(forms.Form):
    type = forms.ModelChoiceField(label=_("Type"), queryset=ActivityType.objects.none())
    dimension = forms.ChoiceField(
        label=_("Dimension"),
        required=False,
        choices=[("", _("As the type")), *Dimension.choices],
    )
    level = forms.ChoiceField(label=_("Level"), required=False, choices=[("", _("As the type")), *Level.choices])
    description = forms.CharField(
        label=_("Description"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    modality = forms.ChoiceField(label=_("Modality"), choices=Modality.choices)
    delivery = forms.ChoiceField(label=_("Delivery"), choices=Delivery.choices)
    provider_service = forms.ModelChoiceField(
        label=_("Provider (service directory)"), required=False, queryset=Service.objects.none()
    )
    provider_name = forms.CharField(label=_("Provider or supplier (direct delivery)"), required=False, max_length=200)
    estimated_cost = money_field(_("Estimated cost"))
    currency = currency_field()
    target_start = forms.DateField(label=_("Target start"), required=False, widget=DateInput)
    target_end = forms.DateField(label=_("Target end"), required=False, widget=DateInput)
    responsible = forms.ModelChoiceField(
        label=_("Responsible person"), required=False, queryset=User.objects.none(), empty_label=_("Nobody yet")
    )
    community_project = forms.ModelChoiceField(
        label=_("Community project"),
        required=False,
        queryset=CommunityProject.objects.none(),
        empty_label=_("None"),
        help_text=_("Activities of level community only: the returnee joins the project's participants."),
    )

    def __init__(self, *args, case, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].queryset = ActivityType.objects.filter(active=True)
        self.fields["provider_service"].queryset = Service.objects.filter(active=True).select_related("organisation")
        self.fields["provider_service"].label_from_instance = lambda s: f"{s.organisation} — {s.name}"
        self.fields["responsible"].queryset = User.objects.filter(
            is_active=True, memberships__office_id=case.office_id
        ).distinct()
        if case.programme_id:
            self.initial.setdefault("currency", case.programme.currency)
        self.fields["community_project"].queryset = self._projects(user, case)
        self.fields["community_project"].label_from_instance = lambda p: f"{p.title} — {p.community.name}"

    def _projects(self, user, case):
        """Open projects the user may choose, plus the one already named (it may have been completed since)."""
        scope = Q(pk__in=projects_for_plan(user, case).values("pk"))
        current = self.initial.get("community_project")
        if current is not None:
            scope |= Q(pk=current.pk)
        return CommunityProject.objects.filter(scope).select_related("community").order_by("community__name", "title")

    def activity_input(self) -> ActivityInput:
        return ActivityInput(**self.cleaned_data)


def activity_initial(activity: Activity) -> dict:
    return {name: getattr(activity, name) for name in ActivityForm.base_fields}


class ActivityStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Activity.Status.choices)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ReviseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the revision"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AgreementForm(forms.Form):
    agreed_on = forms.DateField(label=_("Agreed on"), widget=DateInput)
    method = forms.ChoiceField(label=_("Method"), choices=AgreementMethod.choices)
    document = file_field(_("Signed plan"))
    witness = forms.CharField(label=_("Witness"), required=False, max_length=120)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("agreed_on", timezone.localdate())


class DisbursementForm(forms.Form):
    paid_on = forms.DateField(label=_("Date"), widget=DateInput)
    kind = forms.ChoiceField(label=_("Kind"), choices=Disbursement.Kind.choices)
    amount = money_field(_("Amount"), min_value=Decimal("0.01"))
    currency = currency_field()
    supplier = forms.CharField(label=_("Supplier"), required=False, max_length=200)
    description = forms.CharField(label=_("Items or purpose"), required=False, max_length=500)
    certificate = file_field(_("Handover certificate"))
    confirmed = forms.BooleanField(label=_("The returnee confirmed receipt"), required=False)
    confirmed_on = forms.DateField(label=_("Confirmed on"), required=False, widget=DateInput)

    def __init__(self, *args, activity=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("paid_on", timezone.localdate())
        if activity is not None:
            self.initial.setdefault("currency", activity.currency)

    def clean(self):
        data = super().clean()
        if data.get("confirmed") and not data.get("confirmed_on"):
            self.add_error("confirmed_on", _("Enter the date of the returnee's confirmation."))
        return data

    def disbursement_input(self) -> DisbursementInput:
        data = self.cleaned_data
        return DisbursementInput(
            paid_on=data["paid_on"],
            amount=data["amount"],
            currency=data["currency"],
            kind=data["kind"],
            supplier=data["supplier"],
            description=data["description"],
        )


class CertificateForm(forms.Form):
    certificate = file_field(_("Handover certificate"), required=True)


class ConfirmForm(forms.Form):
    confirmed_on = forms.DateField(label=_("Confirmed on"), widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("confirmed_on", timezone.localdate())


class DelayExceptionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the plan late?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    until = forms.DateField(label=_("New due date"), widget=DateInput)


class ExchangeRateForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None)
    currency = currency_field()
    rate = forms.DecimalField(
        label=_("Rate"),
        min_value=Decimal("0.000001"),
        max_digits=18,
        decimal_places=6,
        help_text=_("Value of one unit of this currency in the programme currency."),
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput)

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.filter(pk__in=[p.pk for p in programmes])
        self.initial.setdefault("valid_from", timezone.localdate())
