"""Forms of the case pages. They validate at the edge and turn cleaned data into service inputs.

Services stay the judges of rights and business rules; their ValidationErrors are mapped back
onto these forms with `add_service_errors`, so the user sees each message next to its field.
"""

from datetime import date

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reintegra.accounts.models import Office, Programme, Role, User
from reintegra.cases.models import (
    CLOSURE_REASON_GROUPS,
    CaseNote,
    ClosureGroup,
    ClosureReason,
    ConsentMethod,
    ConsentPurpose,
    ConsentStatus,
    IdentityDocument,
    Relationship,
    ReturnType,
    Sex,
    Stage,
    Task,
)
from reintegra.cases.services import DocumentInput, PersonInput, ReturnInput

PHONE_SLOTS = 3
DOCUMENT_SLOTS = 2
MAX_AGE = 110
# The first bytes of each allowed upload type: the extension alone proves nothing.
FILE_SIGNATURES = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}
YES_NO_UNKNOWN = [("", _("Not asked or unknown")), ("yes", _("Yes")), ("no", _("No"))]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def add_service_errors(form: forms.Form, error: ValidationError, aliases: dict[str, str] | None = None) -> None:
    """Put a service's ValidationError onto the form: per field when the field exists, else on top."""
    aliases = aliases or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, errors in error.error_dict.items():
        target = aliases.get(name, name)
        messages = [message for e in errors for message in e.messages]
        form.add_error(target if target in form.fields else None, messages)


def country_code_field(label, required=False, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        min_length=2,
        max_length=2,
        help_text=_("Two-letter code, e.g. SN, ML, GN."),
        widget=forms.TextInput(attrs={"size": 3, "autocapitalize": "characters"}),
        **kwargs,
    )


def clean_country(value: str) -> str:
    value = (value or "").strip().upper()
    if value and not (len(value) == 2 and value.isascii() and value.isalpha()):
        raise ValidationError(gettext("Enter a two-letter country code, e.g. SN."))
    return value


def case_managers_of(office_ids) -> "forms.models.QuerySet[User]":
    return (
        User.objects.filter(is_active=True, memberships__office_id__in=office_ids, memberships__role=Role.CASE_MANAGER)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def programmes_of(office_ids) -> "forms.models.QuerySet[Programme]":
    parents = Office.objects.filter(pk__in=office_ids, parent__isnull=False).values("parent_id")
    return Programme.objects.filter(Q(offices__in=office_ids) | Q(offices__in=parents)).distinct().order_by("name")


class PersonForm(forms.Form):
    """The returnee's identity: names, sex, age, nationality, languages, phones, documents."""

    given_names = forms.CharField(label=_("Given names"), max_length=120)
    family_name = forms.CharField(label=_("Family name"), max_length=120)
    alternative_names = forms.CharField(
        label=_("Other spellings"),
        max_length=300,
        required=False,
        help_text=_("Other spellings or names, separated by commas."),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "---------"), *Sex.choices])
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput)
    birth_date_estimated = forms.BooleanField(label=_("The date of birth is estimated"), required=False)
    age_years = forms.IntegerField(
        label=_("Or estimated age in years"),
        required=False,
        min_value=0,
        max_value=MAX_AGE,
        help_text=_("When the date of birth is not known; 1 July of the estimated year is used."),
    )
    nationality = country_code_field(_("Nationality"))
    languages = forms.CharField(label=_("Languages spoken"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for slot in range(1, PHONE_SLOTS + 1):
            self.fields[f"phone_{slot}"] = forms.CharField(
                label=_("Phone %(slot)s") % {"slot": slot},
                max_length=32,
                required=False,
                widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            )
        for slot in range(1, DOCUMENT_SLOTS + 1):
            self.fields[f"document_{slot}_kind"] = forms.ChoiceField(
                label=_("Document %(slot)s: type") % {"slot": slot},
                choices=[("", "---------"), *IdentityDocument.Kind.choices],
                required=False,
            )
            self.fields[f"document_{slot}_number"] = forms.CharField(
                label=_("Document %(slot)s: number") % {"slot": slot}, max_length=60, required=False
            )
            self.fields[f"document_{slot}_country"] = country_code_field(
                _("Document %(slot)s: issuing country") % {"slot": slot}
            )

    PERSON_FIELDS = (
        "given_names",
        "family_name",
        "alternative_names",
        "sex",
        "birth_date",
        "birth_date_estimated",
        "age_years",
        "nationality",
        "languages",
    )

    def person_sections(self) -> list:
        documents = [field for row in self.document_rows for field in row]
        return [
            (_("Person"), [self[name] for name in self.PERSON_FIELDS]),
            (_("Phones"), self.phone_fields),
            (_("Identity documents"), documents),
        ]

    def sections(self) -> list:
        """(title, bound fields) groups, in the order of the page."""
        return self.person_sections()

    @property
    def phone_fields(self):
        return [self[f"phone_{slot}"] for slot in range(1, PHONE_SLOTS + 1)]

    @property
    def document_rows(self):
        return [
            [self[f"document_{slot}_{part}"] for part in ("kind", "number", "country")]
            for slot in range(1, DOCUMENT_SLOTS + 1)
        ]

    def clean_nationality(self):
        return clean_country(self.cleaned_data["nationality"])

    def clean(self):
        data = super().clean()
        for slot in range(1, DOCUMENT_SLOTS + 1):
            name = f"document_{slot}_country"
            try:
                data[name] = clean_country(data.get(name, ""))
            except ValidationError as error:
                self.add_error(name, error)
            kind, number = data.get(f"document_{slot}_kind"), (data.get(f"document_{slot}_number") or "").strip()
            if number and not kind:
                self.add_error(f"document_{slot}_kind", gettext("Choose the type of this document."))
            if kind and not number:
                self.add_error(f"document_{slot}_number", gettext("Enter the number of this document."))
        birth_date, age = data.get("birth_date"), data.get("age_years")
        if birth_date and age is not None:
            self.add_error("age_years", gettext("Give either a date of birth or an estimated age, not both."))
        elif age is not None:
            data["birth_date"] = date(timezone.localdate().year - age, 7, 1)
            data["birth_date_estimated"] = True
        return data

    def phones(self) -> list[str]:
        return [
            self.cleaned_data[f"phone_{slot}"].strip()
            for slot in range(1, PHONE_SLOTS + 1)
            if self.cleaned_data.get(f"phone_{slot}", "").strip()
        ]

    def documents(self) -> list[DocumentInput]:
        documents = []
        for slot in range(1, DOCUMENT_SLOTS + 1):
            number = (self.cleaned_data.get(f"document_{slot}_number") or "").strip()
            if number:
                documents.append(
                    DocumentInput(
                        kind=self.cleaned_data[f"document_{slot}_kind"],
                        number=number,
                        issuing_country=self.cleaned_data.get(f"document_{slot}_country", ""),
                    )
                )
        return documents

    def person_input(self) -> PersonInput:
        data = self.cleaned_data
        return PersonInput(
            given_names=data["given_names"],
            family_name=data["family_name"],
            alternative_names=data["alternative_names"],
            sex=data["sex"],
            birth_date=data["birth_date"],
            birth_date_estimated=bool(data["birth_date_estimated"]),
            nationality=data["nationality"],
            languages=data["languages"],
            phones=self.phones(),
            documents=self.documents(),
        )

    @staticmethod
    def initial_for(person) -> dict:
        """Form values from a saved person (for the edit page)."""
        initial = {
            name: getattr(person, name)
            for name in (
                "given_names",
                "family_name",
                "alternative_names",
                "sex",
                "birth_date",
                "birth_date_estimated",
                "nationality",
                "languages",
            )
        }
        for slot, phone in enumerate(person.phones.all()[:PHONE_SLOTS], start=1):
            initial[f"phone_{slot}"] = phone.number
        for slot, document in enumerate(person.documents.all()[:DOCUMENT_SLOTS], start=1):
            initial[f"document_{slot}_kind"] = document.kind
            initial[f"document_{slot}_number"] = document.number
            initial[f"document_{slot}_country"] = document.issuing_country
        return initial


class ReturnForm(forms.Form):
    """Return details of a case: how, from where, when and to which place."""

    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none(), required=False)
    return_type = forms.ChoiceField(label=_("Type of return"), choices=[("", "---------"), *ReturnType.choices])
    host_country = country_code_field(_("Host country"))
    arrival_date = forms.DateField(label=_("Arrival date"), required=False, widget=DateInput)
    arrival_point = forms.CharField(label=_("Point of arrival"), max_length=120, required=False)
    return_country = country_code_field(_("Country of return"), required=True)
    return_region = forms.CharField(label=_("Region"), max_length=120, required=False)
    return_district = forms.CharField(label=_("District / commune"), max_length=120, required=False)
    return_locality = forms.CharField(label=_("Locality / exact address"), max_length=200, required=False)
    pre_departure = forms.BooleanField(
        label=_("Opened before departure"),
        required=False,
        help_text=_("Tick when a host-country office opens the case before the return."),
    )

    def __init__(self, *args, programme_offices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes_of(programme_offices)

    def sections(self) -> list:
        return [(_("Return"), [self[name] for name in ReturnForm.base_fields])]

    def clean_host_country(self):
        return clean_country(self.cleaned_data["host_country"])

    def clean_return_country(self):
        return clean_country(self.cleaned_data["return_country"])

    def return_input(self) -> ReturnInput:
        data = self.cleaned_data
        return ReturnInput(
            return_type=data["return_type"],
            return_country=data["return_country"],
            programme=data["programme"],
            host_country=data["host_country"],
            arrival_date=data["arrival_date"],
            arrival_point=data["arrival_point"],
            return_region=data["return_region"],
            return_district=data["return_district"],
            return_locality=data["return_locality"],
            pre_departure=data["pre_departure"],
        )

    @staticmethod
    def initial_for(case) -> dict:
        names = [name for name in ReturnForm.base_fields if name != "programme"]
        return {"programme": case.programme_id, **{name: getattr(case, name) for name in names}}


class RegistrationForm(PersonForm, ReturnForm):
    """Register a returnee: where the case is opened, who handles it, the person and the return."""

    office = forms.ModelChoiceField(label=_("Office"), queryset=Office.objects.none())
    assigned_to = forms.ModelChoiceField(
        label=_("Case manager"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Leave empty to let any case manager of the office take the case."),
    )

    field_order = ["office", "programme", "assigned_to"]

    def __init__(self, *args, user, access, **kwargs):
        offices = sorted(access.identifying)
        super().__init__(*args, programme_offices=offices, **kwargs)
        self.fields["office"].queryset = Office.objects.filter(pk__in=offices).order_by("name")
        self.fields["assigned_to"].queryset = case_managers_of(offices)
        if not self.is_bound:
            self._set_defaults(user, access, offices)

    def sections(self) -> list:
        case = (_("Case"), [self["office"], self["programme"], self["assigned_to"]])
        return_fields = [self[name] for name in ReturnForm.base_fields if name != "programme"]
        return [case, *self.person_sections(), (_("Return"), return_fields)]

    def _set_defaults(self, user, access, offices) -> None:
        office_list = list(self.fields["office"].queryset)
        if len(office_list) == 1:
            self.initial.setdefault("office", office_list[0].pk)
        countries = {office.country for office in office_list}
        if len(countries) == 1:
            self.initial.setdefault("return_country", countries.pop())
        if access.casework:
            self.initial.setdefault("assigned_to", user.pk)

    def clean(self):
        data = super().clean()
        office, programme, assignee = data.get("office"), data.get("programme"), data.get("assigned_to")
        if office and programme and not programmes_of([office.pk]).filter(pk=programme.pk).exists():
            self.add_error("programme", gettext("This programme does not run in this office."))
        if office and assignee and not case_managers_of([office.pk]).filter(pk=assignee.pk).exists():
            self.add_error("assigned_to", gettext("The assignee must be a case manager of this office."))
        return data

    def duplicate_query(self) -> dict:
        data = self.cleaned_data
        return {
            "given_names": data["given_names"],
            "family_name": data["family_name"],
            "alternative_names": data["alternative_names"],
            "birth_date": data["birth_date"],
            "phones": self.phones(),
            "documents": [d.number for d in self.documents()],
        }


class DuplicateDecisionForm(forms.Form):
    """After the duplicate warning: the same person as one candidate, or a different person."""

    DIFFERENT = "different"

    decision = forms.ChoiceField(label=_("Your decision"), widget=forms.RadioSelect)
    shown = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        self.by_pk = {str(c.person.pk): c for c in candidates}
        self.fields["decision"].choices = [*((pk, pk) for pk in self.by_pk), (self.DIFFERENT, self.DIFFERENT)]
        self.initial["shown"] = ",".join(self.by_pk)

    def decided(self) -> bool:
        """True when the user answered the warning about exactly the candidates found now."""
        if not self.is_valid():
            return False
        shown = set((self.data.get("shown") or "").split(","))
        if not set(self.by_pk) <= shown:
            self.add_error(None, gettext("New possible matches were found. Check them before you decide."))
            return False
        return True

    def outcome(self) -> dict:
        """Keyword arguments for services.returnee_register."""
        choice = self.cleaned_data["decision"]
        if choice == self.DIFFERENT:
            return {"dismissed": [c.person for c in self.candidates]}
        return {"link_to": self.by_pk[choice].person}


class CaseloadFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, case number, phone or pseudonym")}),
    )
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=[("", _("All open stages")), *Stage.choices])
    office = forms.ModelChoiceField(
        label=_("Office"), queryset=Office.objects.none(), required=False, empty_label=_("All my offices")
    )
    overdue = forms.BooleanField(label=_("Overdue tasks only"), required=False)
    mine = forms.BooleanField(label=_("Assigned to me only"), required=False)

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = Office.objects.filter(pk__in=access.case_offices).order_by("name")

    def filters(self) -> dict:
        """Keyword arguments for selectors.caseload; invalid filters are ignored."""
        data = self.cleaned_data if self.is_valid() else {}
        office = data.get("office")
        return {
            "stage": data.get("stage", ""),
            "office_id": office.pk if office else None,
            "overdue": bool(data.get("overdue")),
            "text": data.get("q", ""),
            "mine": bool(data.get("mine")),
        }


class StageMoveForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("Move to"), choices=Stage.choices)
    note = forms.CharField(label=_("Why does the case go back?"), required=False, widget=forms.Textarea)


class AssignForm(forms.Form):
    assigned_to = forms.ModelChoiceField(
        label=_("Case manager"), queryset=User.objects.none(), required=False, empty_label=_("Nobody (unassigned)")
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = (
            User.objects.filter(
                is_active=True,
                memberships__office_id=case.office_id,
                memberships__role__in=[Role.CASE_MANAGER, Role.CHILD_PROTECTION],
            )
            .distinct()
            .order_by("first_name", "last_name", "username")
        )
        self.initial.setdefault("assigned_to", case.assigned_to_id)


class TransferForm(forms.Form):
    to_office = forms.ModelChoiceField(label=_("Transfer to office"), queryset=Office.objects.none())
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        # Any office: a host-country office hands the case to the office of the country of return.
        self.fields["to_office"].queryset = Office.objects.exclude(pk=case.office_id).order_by("country", "name")


def grouped_closure_reasons() -> list:
    groups = []
    for group in ClosureGroup:
        reasons = [(reason.value, reason.label) for reason in ClosureReason if CLOSURE_REASON_GROUPS[reason] == group]
        groups.append((group.label, reasons))
    return [("", "---------"), *groups]


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Closure reason"), choices=grouped_closure_reasons)
    note = forms.CharField(
        label=_("Reasons explored"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For an early closure, write what was explored with the returnee first."),
    )
    remigration_intention = forms.ChoiceField(
        label=_("Intends to migrate again"), choices=YES_NO_UNKNOWN, required=False
    )

    def intention(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("remigration_intention", ""))


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why is the case reopened?"), widget=forms.Textarea(attrs={"rows": 2}))


class HouseholdMemberForm(forms.Form):
    given_names = forms.CharField(label=_("Given names"), max_length=120)
    family_name = forms.CharField(label=_("Family name"), max_length=120)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "---------"), *Sex.choices])
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput)
    relationship = forms.ChoiceField(
        label=_("Relationship to the returnee"),
        choices=[("", "---------"), *((v, label) for v, label in Relationship.choices if v != Relationship.RETURNEE)],
    )

    def person_input(self) -> PersonInput:
        data = self.cleaned_data
        return PersonInput(
            given_names=data["given_names"],
            family_name=data["family_name"],
            sex=data["sex"],
            birth_date=data["birth_date"],
        )


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    status = forms.ChoiceField(label=_("Decision"), choices=ConsentStatus.choices)
    decided_on = forms.DateField(label=_("Date"), widget=DateInput)
    method = forms.ChoiceField(label=_("Method"), choices=ConsentMethod.choices)
    witness_name = forms.CharField(label=_("Witness"), max_length=120, required=False)
    document = forms.FileField(
        label=_("Signed form"),
        required=False,
        help_text=_("PDF, JPEG or PNG file."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("decided_on", timezone.localdate())

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if not upload:
            return upload
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise ValidationError(
                gettext("The file is too large: the limit is %(size)s MB.")
                % {"size": round(settings.UPLOAD_MAX_BYTES / (1024 * 1024), 1)}
            )
        extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if extension not in settings.UPLOAD_ALLOWED_EXTENSIONS:
            raise ValidationError(
                gettext("This type of file is not accepted. Allowed: %(types)s.")
                % {"types": ", ".join(settings.UPLOAD_ALLOWED_EXTENSIONS)}
            )
        head = upload.read(16)
        upload.seek(0)
        if not head.startswith(FILE_SIGNATURES.get(extension, (b"",))):
            raise ValidationError(gettext("The file content does not match its type."))
        return upload


class NoteForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CaseNote.Kind.choices)
    session_date = forms.DateField(label=_("Date"), widget=DateInput)
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("session_date", timezone.localdate())


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Task.Kind.choices)
    due_date = forms.DateField(label=_("Due date"), widget=DateInput)
    assignee = forms.ModelChoiceField(
        label=_("Assigned to"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("The case manager of the case"),
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        office = case.office
        workers = Q(
            memberships__office_id=office.pk,
            memberships__role__in=[
                Role.CASE_MANAGER,
                Role.CHILD_PROTECTION,
                Role.SUPERVISOR,
                Role.PROGRAMME_MANAGER,
            ],
        )
        if office.parent_id:
            workers |= Q(
                memberships__office_id=office.parent_id,
                memberships__role__in=[
                    Role.CHILD_PROTECTION,
                    Role.SUPERVISOR,
                    Role.PROGRAMME_MANAGER,
                ],
            )
        self.fields["assignee"].queryset = (
            User.objects.filter(workers, is_active=True).distinct().order_by("first_name", "last_name", "username")
        )


class TaskStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Task.Status.choices)
