"""Forms of the account pages and office user management. They validate input; services decide."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from reintegra.accounts.models import Office, Role, User
from reintegra.accounts.services import MembershipInput

ACCOUNT_FIELDS = [
    "first_name",
    "last_name",
    "email",
    "language",
    "organisation",
    "is_mental_health_professional",
    "professional_qualification",
]
ACTIVE_CHOICES = [("", _("Active and inactive")), ("yes", _("Active")), ("no", _("Inactive"))]


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)


def _language_field(**kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Interface language"),
        choices=[("", _("The office's language")), *settings.LANGUAGES],
        required=False,
        **kwargs,
    )


def _professional_field() -> forms.BooleanField:
    """Who may decide the emergency exception to referral consent (handbook referrals §5)."""
    return forms.BooleanField(
        label=_("Mental-health professional"),
        required=False,
        help_text=_("Only a mental-health professional may decide that a referral can be sent without consent."),
    )


def _qualification_field() -> forms.CharField:
    return forms.CharField(
        label=_("Professional qualification"),
        max_length=200,
        required=False,
        help_text=_("E.g. clinical psychologist, psychiatrist."),
    )


class LanguageForm(forms.Form):
    language = _language_field()


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"), max_length=100, help_text=_('What will use it, e.g. "KoboToolbox sync".')
    )


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or username"), required=False, max_length=100)
    office = forms.TypedChoiceField(label=_("Office"), required=False, coerce=int, empty_value=None)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices])
    active = forms.ChoiceField(label=_("Status"), required=False, choices=ACTIVE_CHOICES)

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = [("", _("All my offices")), *((o.pk, o.name) for o in offices)]

    def active_value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("active") or "")


class MembershipGridMixin:
    """Roles as a grid of checkboxes: one row per office the actor administers, one column per role."""

    role_choices = Role.choices

    def _add_memberships(self, offices: list[Office]) -> None:
        self.offices = offices
        self.fields["memberships"] = forms.MultipleChoiceField(
            label=_("Roles"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            choices=[(f"{o.pk}:{role}", f"{o.name} · {label}") for o in offices for role, label in Role.choices],
        )

    def grid(self) -> list[tuple[Office, list[tuple[str, str, bool]]]]:
        chosen = set(self["memberships"].value() or [])
        return [
            (office, [(f"{office.pk}:{role}", label, f"{office.pk}:{role}" in chosen) for role, label in Role.choices])
            for office in self.offices
        ]

    def membership_inputs(self) -> set[MembershipInput]:
        items = set()
        for key in self.cleaned_data.get("memberships", []):
            office_id, role = key.split(":", 1)
            items.add(MembershipInput(office_id=int(office_id), role=role))
        return items


class UserCreateForm(MembershipGridMixin, forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150, help_text=_("Letters, digits and @ . + - _ only."))
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    language = _language_field()
    organisation = forms.CharField(
        label=_("Organisation"), max_length=200, required=False, help_text=_("For partner staff: their organisation.")
    )
    is_mental_health_professional = _professional_field()
    professional_qualification = _qualification_field()
    password = forms.CharField(label=_("Initial password"), strip=False, widget=forms.PasswordInput)
    password_again = forms.CharField(label=_("Initial password again"), strip=False, widget=forms.PasswordInput)

    def __init__(self, *args, offices: list[Office], **kwargs):
        super().__init__(*args, **kwargs)
        self._add_memberships(offices)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password_again") and data["password"] != data["password_again"]:
            self.add_error("password_again", _("The two passwords differ."))
        return data


class UserEditForm(MembershipGridMixin, forms.Form):
    """Account fields are disabled (shown, not taken from the request) when the actor lacks full control."""

    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    language = _language_field()
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    is_mental_health_professional = _professional_field()
    professional_qualification = _qualification_field()
    is_active = forms.BooleanField(
        label=_("Active"), required=False, help_text=_("Untick to deactivate; accounts are never deleted.")
    )
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        required=False,
        widget=forms.PasswordInput,
        help_text=_("Leave empty to keep the current password."),
    )

    def __init__(self, *args, user: User, offices: list[Office], account_editable: bool, **kwargs):
        scope = {o.pk for o in offices}
        initial = {name: getattr(user, name) for name in [*ACCOUNT_FIELDS, "is_active"]}
        initial["memberships"] = [f"{m.office_id}:{m.role}" for m in user.memberships.all() if m.office_id in scope]
        super().__init__(*args, initial=initial, **kwargs)
        self._add_memberships(offices)
        self.account_editable = account_editable
        if not account_editable:
            for name in [*ACCOUNT_FIELDS, "is_active", "new_password"]:
                self.fields[name].disabled = True
