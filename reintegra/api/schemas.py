"""Request and response shapes of the API.

Inputs forbid unknown fields and bound every string and list. Outputs come in two flavours for
cases and persons, told apart by `identified`: the identified one (names, phones, documents,
locality) and the pseudonymised one for M&E roles, which simply has no such fields.
"""

from datetime import date, datetime
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict

from reintegra.cases.models import (
    CaseNote,
    ClosureReason,
    ConsentMethod,
    ConsentPurpose,
    ConsentStatus,
    IdentityDocument,
    ReturnType,
    Sex,
    Stage,
    Task,
)


def _iso_date_only(value):
    """Dates travel as ISO strings; numbers (epoch seconds) are refused rather than guessed."""
    if isinstance(value, date) or value is None:
        return value
    if not isinstance(value, str):
        raise ValueError(_("Enter a valid date (YYYY-MM-DD)."))
    return value


def _printable(value: str) -> str:
    """NUL characters are refused: PostgreSQL cannot store them (and nobody types them)."""
    if "\x00" in value:
        raise ValueError(_("Remove the control characters from this text."))
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date_only)]
Printable = AfterValidator(_printable)
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]  # larger numbers would overflow the database integer

Country = Annotated[str, Field(max_length=2), Printable]
CountryRequired = Annotated[str, Field(min_length=2, max_length=2), Printable]
Name = Annotated[str, Field(max_length=120), Printable]
OtherNames = Annotated[str, Field(max_length=300), Printable]
Languages = Annotated[str, Field(max_length=200), Printable]
PhoneNumber = Annotated[str, Field(max_length=32), Printable]
DocumentNumber = Annotated[str, Field(max_length=60), Printable]
RequiredDocumentNumber = Annotated[str, Field(min_length=1, max_length=60), Printable]
Place = Annotated[str, Field(max_length=120), Printable]
Locality = Annotated[str, Field(max_length=200), Printable]
Username = Annotated[str, Field(max_length=150), Printable]
Pseudonym = Annotated[str, Field(max_length=12), Printable]
CaseNumber = Annotated[str, Field(max_length=40), Printable]
Title = Annotated[str, Field(min_length=1, max_length=200), Printable]
SearchText = Annotated[str, Field(max_length=200), Printable]
Remark = Annotated[str, Field(max_length=5000), Printable]
LongText = Annotated[str, Field(max_length=20_000), Printable]


class In(Schema):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- inputs


class DocumentIn(In):
    kind: IdentityDocument.Kind
    number: RequiredDocumentNumber
    issuing_country: Country = ""


class PersonIn(In):
    given_names: Name
    family_name: Name
    sex: Sex
    alternative_names: OtherNames = ""
    birth_date: IsoDate | None = None
    birth_date_estimated: bool = False
    nationality: Country = ""
    languages: Languages = ""
    phones: list[PhoneNumber] = Field(default_factory=list, max_length=10)
    documents: list[DocumentIn] = Field(default_factory=list, max_length=10)


class PersonPatchIn(In):
    """Only the fields sent change; `phones` and `documents`, when sent, replace the lists."""

    given_names: Name = None
    family_name: Name = None
    sex: Sex = None
    alternative_names: OtherNames = None
    birth_date: IsoDate | None = None
    birth_date_estimated: bool = None
    nationality: Country = None
    languages: Languages = None
    phones: list[PhoneNumber] = Field(None, max_length=10)
    documents: list[DocumentIn] = Field(None, max_length=10)


class ReturnIn(In):
    return_type: ReturnType
    return_country: CountryRequired
    programme: Id | None = Field(None, description="Programme id; it must run in the case's office.")
    host_country: Country = ""
    arrival_date: IsoDate | None = None
    arrival_point: Place = ""
    return_region: Place = ""
    return_district: Place = ""
    return_locality: Locality = ""
    pre_departure: bool = False


class ReturnPatchIn(In):
    """Only the fields sent change."""

    return_type: ReturnType = None
    return_country: CountryRequired = None
    programme: Id | None = None
    host_country: Country = None
    arrival_date: IsoDate | None = None
    arrival_point: Place = None
    return_region: Place = None
    return_district: Place = None
    return_locality: Locality = None
    pre_departure: bool = None


class CaseCreateIn(In):
    office: Id = Field(description="Id of the office opening the case.")
    person: PersonIn
    return_details: ReturnIn
    assigned_to: Username | None = Field(None, description="Username of a case manager of the office.")
    link_to_person: Pseudonym | None = Field(
        None, description="Pseudonym of an existing person this returnee is (a new case for a returnee who came back)."
    )
    confirm_different: bool = Field(
        False, description="True when the duplicate candidates returned by a 409 are different people."
    )


class DuplicateCheckIn(In):
    given_names: Name = ""
    family_name: Name = ""
    alternative_names: OtherNames = ""
    birth_date: IsoDate | None = None
    phones: list[PhoneNumber] = Field(default_factory=list, max_length=10)
    documents: list[DocumentNumber] = Field(default_factory=list, max_length=10, description="Document numbers.")


class StageIn(In):
    to: Stage
    note: Remark = ""


class AssignIn(In):
    assigned_to: Username | None = Field(description="Username of the new case manager, or null to unassign.")


class CloseIn(In):
    reason: ClosureReason
    note: Remark = ""
    remigration_intention: bool | None = None


class ReopenIn(In):
    reason: Remark


class NoteIn(In):
    text: LongText
    session_date: IsoDate
    kind: CaseNote.Kind = CaseNote.Kind.COUNSELLING


class TaskIn(In):
    title: Title
    due_date: IsoDate
    assignee: Username | None = None
    kind: Task.Kind = Task.Kind.GENERAL


class TaskPatchIn(In):
    status: Task.Status


class ConsentIn(In):
    purpose: ConsentPurpose
    status: ConsentStatus
    decided_on: IsoDate
    method: ConsentMethod = ConsentMethod.VERBAL_WITNESSED
    witness_name: Name = ""
    note: Remark = ""


class CaseFilters(Schema):
    stage: Stage | None = None
    office: Id | None = None
    overdue: bool = False
    mine: bool = False
    q: SearchText = ""
    limit: int = Field(50, ge=1, le=200)
    cursor: Id | None = Field(None, description="`next_cursor` of the previous page.")


class PersonFilters(Schema):
    q: SearchText = ""
    limit: int = Field(50, ge=1, le=200)
    cursor: Id | None = Field(None, description="`next_cursor` of the previous page.")


class ListFilters(Schema):
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=100_000)


# ---------------------------------------------------------------- outputs


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None


class OfficeOut(Schema):
    id: int
    code: str
    name: str


class ProgrammeOut(Schema):
    id: int
    code: str
    name: str


class StaffOut(Schema):
    username: str
    name: str


class DocumentOut(Schema):
    kind: str
    number: str
    issuing_country: str


class CaseRef(Schema):
    number: str
    office: OfficeOut
    stage: str


class PersonOut(Schema):
    identified: Literal[True] = True
    pseudonym: str
    given_names: str
    family_name: str
    alternative_names: str
    sex: str
    birth_date: date | None
    birth_date_estimated: bool
    nationality: str
    languages: str
    relationship: str
    phones: list[str]
    documents: list[DocumentOut]
    cases: list[CaseRef] = []


class PersonPseudoOut(Schema):
    identified: Literal[False] = False
    pseudonym: str
    sex: str
    birth_year: int | None
    nationality: str
    relationship: str
    cases: list[CaseRef] = []


class MemberOut(Schema):
    pseudonym: str
    relationship: str
    sex: str
    given_names: str | None = None
    family_name: str | None = None
    birth_date: date | None = None
    birth_year: int | None = None


class PersonDetailOut(PersonOut):
    household: list[MemberOut] = []


class PersonDetailPseudoOut(PersonPseudoOut):
    household: list[MemberOut] = []


class CaseItemBase(Schema):
    number: str
    pseudonym: str
    sex: str
    office: OfficeOut
    stage: str
    assigned_to: StaffOut | None
    is_child: bool
    has_overdue: bool
    arrival_date: date | None
    return_country: str
    return_region: str
    return_district: str
    opened_at: datetime


class CaseItemOut(CaseItemBase):
    identified: Literal[True] = True
    given_names: str
    family_name: str
    birth_date: date | None


class CaseItemPseudoOut(CaseItemBase):
    identified: Literal[False] = False
    birth_year: int | None


class ConsentSummary(Schema):
    status: str
    decided_on: date
    method: str


class CaseDetailBase(Schema):
    number: str
    office: OfficeOut
    programme: ProgrammeOut | None
    stage: str
    assigned_to: StaffOut | None
    is_child: bool
    pre_departure: bool
    return_type: str
    host_country: str
    arrival_date: date | None
    arrival_point: str
    return_country: str
    return_region: str
    return_district: str
    closed_at: datetime | None
    closure_group: str
    closure_reason: str
    remigration_intention: bool | None
    opened_at: datetime
    updated_at: datetime
    consents: dict[str, ConsentSummary | None]
    allowed_stage_moves: list[str]


class CaseDetailOut(CaseDetailBase):
    identified: Literal[True] = True
    person: PersonOut
    return_locality: str
    closure_note: str


class CaseDetailPseudoOut(CaseDetailBase):
    identified: Literal[False] = False
    person: PersonPseudoOut


CaseItem = Annotated[CaseItemOut | CaseItemPseudoOut, Field(discriminator="identified")]
CaseDetail = Annotated[CaseDetailOut | CaseDetailPseudoOut, Field(discriminator="identified")]
PersonItem = Annotated[PersonOut | PersonPseudoOut, Field(discriminator="identified")]
PersonDetail = Annotated[PersonDetailOut | PersonDetailPseudoOut, Field(discriminator="identified")]


class CasePage(Schema):
    items: list[CaseItem]
    next_cursor: int | None


class PersonPage(Schema):
    items: list[PersonItem]
    next_cursor: int | None


class CandidateOut(Schema):
    pseudonym: str
    score: int
    reasons: list[str]
    given_names: str | None = Field(None, description="Only when the user may see this person's identity.")
    family_name: str | None = None
    birth_date: date | None = None
    cases: list[CaseRef]


class CandidatesOut(Schema):
    candidates: list[CandidateOut]


class DuplicateConflictOut(Schema):
    detail: str
    candidates: list[CandidateOut]


class NoteOut(Schema):
    id: int
    kind: str
    session_date: date
    text: str | None = Field(description="Null for pseudonymised roles: notes may name people.")
    author: StaffOut
    created_at: datetime


class TaskOut(Schema):
    id: int
    title: str | None = Field(description="Null for pseudonymised roles: titles may name people.")
    kind: str
    due_date: date
    status: str
    overdue: bool
    assignee: StaffOut | None
    created_at: datetime
    completed_at: datetime | None


class ConsentOut(Schema):
    id: int
    purpose: str
    status: str
    decided_on: date
    method: str
    witness_name: str | None = Field(description="Null for pseudonymised roles.")
    note: str | None = Field(description="Null for pseudonymised roles.")
    has_document: bool
    in_force: bool
    recorded_by: StaffOut
    recorded_at: datetime
