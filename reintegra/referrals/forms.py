"""Forms of the referral pages. They validate input; services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reintegra.cases.forms import add_service_errors
from reintegra.directory.selectors import services_for
from reintegra.referrals import package as pkg
from reintegra.referrals.models import OverrideReason, Status
from reintegra.referrals.services import ExceptionInput, ReferralInput

__all__ = ["add_service_errors"]


class ReferralForm(forms.Form):
    """What to send, to whom, on which basis. `service` and `activity` are ids resolved in scope."""

    activity = forms.TypedChoiceField(label=_("Plan activity"), required=False, coerce=int, empty_value=None)
    service = forms.IntegerField(
        label=_("Service"), min_value=1, error_messages={"required": _("Choose a service from the directory.")}
    )
    need_summary = forms.CharField(
        label=_("Need summary"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the provider should address; the provider reads this."),
    )
    shared_fields = forms.MultipleChoiceField(
        label=_("Information to share"),
        choices=pkg.choices,
        initial=pkg.MINIMAL,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Share only what the provider needs for this service."),
        error_messages={"required": _("Choose at least one field to share.")},
    )
    override_reason = forms.ChoiceField(
        label=_("Emergency exception"),
        required=False,
        choices=[("", _("No exception: the sharing consent applies")), *OverrideReason.choices],
    )
    override_justification = forms.CharField(
        label=_("Justification"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why the exception applies now; recorded with your name and qualification."),
    )
    digest = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, user, activities, may_override: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.activities = {a.pk: a for a in activities}
        self.fields["activity"].choices = [
            ("", _("None: an ad hoc referral")),
            *((a.pk, f"{a.type} — {a.provider_label or a.description[:60]}") for a in activities),
        ]
        if not may_override:
            del self.fields["override_reason"]
            del self.fields["override_justification"]

    def clean_service(self):
        pk = self.cleaned_data["service"]
        service = services_for(self.user).select_related("organisation").filter(pk=pk).first()
        if service is None:
            raise forms.ValidationError(_("Choose a service from the directory."))
        return service

    def clean_activity(self):
        pk = self.cleaned_data.get("activity")
        return self.activities.get(pk) if pk else None

    def referral_input(self) -> ReferralInput:
        data = self.cleaned_data
        return ReferralInput(
            service=data["service"],
            need_summary=data["need_summary"],
            shared_fields=list(data["shared_fields"]),
            activity=data.get("activity"),
        )

    def exception_input(self) -> ExceptionInput | None:
        reason = self.cleaned_data.get("override_reason") or ""
        if not reason:
            return None
        return ExceptionInput(reason=reason, justification=self.cleaned_data.get("override_justification") or "")


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class OfficeMoveForm(NoteForm):
    status = forms.ChoiceField(
        label=_("Action"),
        choices=[(Status.NO_RESPONSE, _("Mark as no response")), (Status.CANCELLED, _("Cancel the referral"))],
    )


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *Status.choices])
