"""The export datasets: their columns, which export each column belongs to, and their rows.

A column is `BOTH` (pseudonymised and identifiable exports), `IDENTIFIABLE` (names, phones,
documents, case numbers, exact dates of birth and arrival, locality, free text, staff names) or
`PSEUDONYMISED` (the coarse stand-in of an identifying column, e.g. the arrival month). A
pseudonymised export never even reads the identifying fields: the values fetched are those of
the columns it shows. Values are codes; the codebook gives their labels in the user's language.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from operator import itemgetter
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reintegra.accounts.access import Access
from reintegra.cases.models import ClosureGroup, ClosureReason, IdentityDocument, ReturnType, Sex, Stage
from reintegra.directory.models import Dimension, Level, ServiceCategory
from reintegra.exports import selectors
from reintegra.instruments.engine import FormModel, Question, coded
from reintegra.instruments.models import InstrumentVersion, InterviewMode, Occasion
from reintegra.plans.budget import MissingRate, RateTable, cents
from reintegra.plans.models import Activity, ActivityType, Delivery, Modality, Plan
from reintegra.referrals.models import Status as ReferralStatus

BOTH, IDENTIFIABLE, PSEUDONYMISED = "both", "identifiable", "pseudonymised"
# Column kinds, as written in the codebook.
TEXT, CODE, DATE, MONTH, NUMBER, YES_NO, CODES = "text", "code", "date", "month", "number", "yes_no", "codes"
AGE_GROUPS = (("0-17", 0, 17), ("18-24", 18, 24), ("25-34", 25, 34), ("35-49", 35, 49), ("50+", 50, 200))
YES_NO_CHOICES = (("1", _("Yes")), ("0", _("No")))


@dataclass(frozen=True)
class Column:
    code: str
    label: Any  # a lazy translation or a plain string
    get: Callable[[dict], Any]
    fields: tuple[str, ...] = ()
    only: str = BOTH
    kind: str = TEXT
    choices: tuple = ()  # (code, label) pairs for the codebook

    def shown(self, identifiable: bool) -> bool:
        return self.only == BOTH or (self.only == IDENTIFIABLE) == identifiable


def col(code, label, source: str | None = None, **options) -> Column:
    """A column read straight from one field (`source`, by default the code)."""
    source = source or code
    return Column(code, label, itemgetter(source), (source,), **options)


@dataclass
class Table:
    """One sheet of a workbook, or one CSV file: columns, lazily produced rows, and the codebook rows."""

    name: str
    columns: list[Column]
    rows: Iterator[list]

    @property
    def codes(self) -> list[str]:
        return [c.code for c in self.columns]

    @property
    def labels(self) -> list[str]:
        return [str(c.label) for c in self.columns]

    def codebook(self) -> Iterator[list]:
        for column in self.columns:
            yield [self.name, column.code, str(column.label), column.kind, None, None]
            for value, label in column.choices:
                yield [self.name, column.code, None, None, value, str(label)]


CODEBOOK_COLUMNS = ["sheet", "column", "label", "kind", "value", "value_label"]


def codebook_labels() -> list[str]:
    return [gettext("Sheet"), gettext("Column"), gettext("Label"), gettext("Kind"), gettext("Value"), gettext("Label")]


@dataclass
class Context:
    """What a dataset needs to build its tables: who exports, what, and the scoped, filtered cases."""

    user: Any
    access: Access
    cases: QuerySet
    filters: selectors.Filters
    identifiable: bool
    language: str
    extra: dict = field(default_factory=dict)


def _rows(qs: QuerySet, columns: list[Column], *, key: str = "pk", enrich=None) -> Iterator[list]:
    """Rows of values for `columns`, reading only their fields, chunk by chunk, in key order."""
    fields = {key}
    for column in columns:
        fields.update(column.fields)
    getters = [column.get for column in columns]
    values = qs.order_by(key).values(*sorted(fields)).iterator(chunk_size=selectors.CHUNK)
    for chunk in selectors.chunked(values):
        if enrich is not None:
            enrich(chunk)
        for row in chunk:
            yield [get(row) for get in getters]


def _shown(columns: list[Column], identifiable: bool) -> list[Column]:
    return [c for c in columns if c.shown(identifiable)]


def _local_date(value: datetime | None) -> date | None:
    return timezone.localdate(value) if value else None


def _month(value: date | None) -> str:
    return value.strftime("%Y-%m") if value else ""


def _age_group(birth: date | None, on: date | None) -> str:
    if not birth or not on:
        return ""
    age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    return next((code for code, low, high in AGE_GROUPS if low <= age <= high), "")


def _choices(text_choices) -> tuple:
    return tuple(text_choices.choices)


def _case_key_columns(prefix: str = "") -> list[Column]:
    """The columns that say which case a row belongs to; `prefix` is the path to the case."""
    return [
        col("case_id", _("Case id"), f"{prefix}id", kind=NUMBER),
        col("case_number", _("Case number"), f"{prefix}number", only=IDENTIFIABLE),
        col("pseudonym", _("Pseudonym"), f"{prefix}person__pseudonym"),
    ]


def _office_column(ctx: Context, source: str) -> Column:
    offices = tuple((o.code, o.name) for o in selectors.offices_of(ctx.access))
    return col("office", _("Office"), source, kind=CODE, choices=offices)


def _programme_column(ctx: Context, source: str) -> Column:
    programmes = tuple((p.code, p.name) for p in selectors.programmes_of(ctx.access))
    return col("programme", _("Programme"), source, kind=CODE, choices=programmes)


# ------------------------------------------------------------------ cases


def _birth_year(row: dict) -> int | None:
    return row["person__birth_date"].year if row["person__birth_date"] else None


def case_columns(ctx: Context) -> list[Column]:
    return [
        *_case_key_columns(),
        col("given_names", _("Given names"), "person__given_names", only=IDENTIFIABLE),
        col("family_name", _("Family name"), "person__family_name", only=IDENTIFIABLE),
        col("other_names", _("Other spellings"), "person__alternative_names", only=IDENTIFIABLE),
        Column("phones", _("Phone numbers"), itemgetter("phones"), ("person_id",), only=IDENTIFIABLE),
        Column(
            "documents",
            _("Identity documents"),
            itemgetter("documents"),
            ("person_id",),
            only=IDENTIFIABLE,
            choices=_choices(IdentityDocument.Kind),
        ),
        _office_column(ctx, "office__code"),
        _programme_column(ctx, "programme__code"),
        col("stage", _("Stage"), kind=CODE, choices=_choices(Stage)),
        Column("child_case", _("Child case"), lambda r: int(r["is_child"]), ("is_child",), kind=YES_NO),
        col("return_type", _("Type of return"), kind=CODE, choices=_choices(ReturnType)),
        col("host_country", _("Host country"), kind=CODE),
        col("return_country", _("Country of return"), kind=CODE),
        col("arrival_date", _("Arrival date"), only=IDENTIFIABLE, kind=DATE),
        Column(
            "arrival_month",
            _("Arrival month"),
            lambda r: _month(r["arrival_date"]),
            ("arrival_date",),
            only=PSEUDONYMISED,
            kind=MONTH,
        ),
        col("region", _("Region"), "return_region"),
        col("district", _("District / commune"), "return_district"),
        col("locality", _("Locality / exact address"), "return_locality", only=IDENTIFIABLE),
        col("sex", _("Sex"), "person__sex", kind=CODE, choices=_choices(Sex)),
        col("birth_date", _("Date of birth"), "person__birth_date", only=IDENTIFIABLE, kind=DATE),
        Column("birth_year", _("Year of birth"), _birth_year, ("person__birth_date",), kind=NUMBER),
        Column(
            "age_group",
            _("Age group when the case opened"),
            lambda r: _age_group(r["person__birth_date"], _local_date(r["opened_at"])),
            ("person__birth_date", "opened_at"),
            kind=CODE,
            choices=tuple((code, code) for code, _low, _high in AGE_GROUPS),
        ),
        Column("opened_on", _("Opened on"), lambda r: _local_date(r["opened_at"]), ("opened_at",), kind=DATE),
        Column("closed_on", _("Closed on"), lambda r: _local_date(r["closed_at"]), ("closed_at",), kind=DATE),
        col("closure_group", _("Closure group"), kind=CODE, choices=_choices(ClosureGroup)),
        col("closure_reason", _("Closure reason"), kind=CODE, choices=_choices(ClosureReason)),
        col("case_manager", _("Case manager"), "assigned_to__username", only=IDENTIFIABLE),
    ]


def _add_identities(chunk: list[dict]) -> None:
    person_ids = [row["person_id"] for row in chunk]
    phones = selectors.phones_by_person(person_ids)
    documents = selectors.documents_by_person(person_ids)
    for row in chunk:
        row["phones"] = "; ".join(phones.get(row["person_id"], ()))
        row["documents"] = "; ".join(f"{kind}:{number}" for kind, number in documents.get(row["person_id"], ()))


def case_tables(ctx: Context) -> list[Table]:
    columns = _shown(case_columns(ctx), ctx.identifiable)
    enrich = _add_identities if ctx.identifiable else None
    return [Table("cases", columns, _rows(ctx.cases, columns, enrich=enrich))]


def case_count(ctx: Context) -> int:
    return ctx.cases.count()


# ------------------------------------------------------------------ assessments


def _answer(name: str, question: Question):
    if question.type == "select_multiple":
        return lambda r: " ".join(r["answers"].get(name) or ()) or None
    return lambda r: r["answers"].get(name)


def _repeat_count(name: str):
    return lambda r: len(r["answers"].get(name) or ()) or None


def question_columns(form: FormModel, identifiable: bool, language: str) -> list[Column]:
    """The questions in form order; pseudonymised exports keep choices and numbers only.

    Free text, dates (date of birth…) and calculations are dropped from pseudonymised exports,
    as on the pages (`instruments.selectors.visible_answers`). A repeat gives its number of
    entries: a flat file cannot carry the entries themselves.
    """
    columns = []
    for question in form.walk():
        if question.repeat is not None or question.type in ("group", "note"):
            continue
        label = question.label(language) or question.name
        if question.type == "repeat":
            text = gettext("%(question)s: number of entries") % {"question": label}
            columns.append(Column(f"{question.name}_count", text, _repeat_count(question.name), kind=NUMBER))
            continue
        if not identifiable and not coded(question):
            continue
        choices = tuple((c.name, c.label(language)) for c in question.choices)
        columns.append(
            Column(question.name, label, _answer(question.name, question), kind=question.type, choices=choices)
        )
    return columns


def response_columns(ctx: Context) -> list[Column]:
    return [
        *_case_key_columns("case__"),
        _office_column(ctx, "case__office__code"),
        col("response_id", _("Response id"), "id", kind=NUMBER),
        col("occasion", _("Occasion"), kind=CODE, choices=_choices(Occasion)),
        col("follow_up_number", _("Follow-up number"), "occasion_number", kind=NUMBER),
        col("interview_date", _("Interview date"), kind=DATE),
        col("mode", _("Mode"), kind=CODE, choices=_choices(InterviewMode)),
        Column(
            "interviewer",
            _("Interviewer"),
            lambda r: r["interviewer_name"] or r["interviewer__username"] or "",
            ("interviewer_name", "interviewer__username"),
            only=IDENTIFIABLE,
        ),
    ]


def sheet_name(version: InstrumentVersion) -> str:
    return f"{version.instrument.code} {version.version}"


def _version_table(ctx: Context, version: InstrumentVersion, responses: QuerySet) -> Table:
    form = FormModel.from_definition(version.definition)
    meta = _shown(response_columns(ctx), ctx.identifiable)
    columns = meta + question_columns(form, ctx.identifiable, ctx.language)
    answers = Column("answers", "", itemgetter("answers"), ("answers",))
    rows = _rows(responses.filter(instrument_version=version), [*meta, answers], key="id")
    getters = [c.get for c in columns[len(meta) :]]

    def full_rows() -> Iterator[list]:
        for row in rows:
            source = {"answers": row[-1] or {}}
            yield row[:-1] + [get(source) for get in getters]

    return Table(sheet_name(version), columns, full_rows())


def assessment_tables(ctx: Context) -> list[Table]:
    responses = selectors.visible_responses(ctx.access, ctx.cases)
    versions = selectors.export_versions(responses, ctx.filters.instrument_version_id)
    if not versions:
        meta = _shown(response_columns(ctx), ctx.identifiable)
        return [Table("assessments", meta, iter(()))]
    return [_version_table(ctx, version, responses) for version in versions]


def assessment_count(ctx: Context) -> int:
    responses = selectors.visible_responses(ctx.access, ctx.cases)
    if ctx.filters.instrument_version_id:
        responses = responses.filter(instrument_version_id=ctx.filters.instrument_version_id)
    return responses.count()


# ------------------------------------------------------------------ plans and activities


class _Money:
    """Conversion to each programme's currency, with one rate table per programme (loaded once)."""

    def __init__(self):
        self.programmes = selectors.programmes_by_id()
        self.tables: dict[int, RateTable] = {}

    def rates(self, programme_id: int | None) -> RateTable | None:
        if programme_id is None or programme_id not in self.programmes:
            return None
        if programme_id not in self.tables:
            self.tables[programme_id] = RateTable(self.programmes[programme_id])
        return self.tables[programme_id]

    def convert(self, programme_id, amount: Decimal, currency: str, on: date) -> Decimal | None:
        rates = self.rates(programme_id)
        if rates is None:
            return None
        try:
            return cents(rates.convert(amount, currency, on))
        except MissingRate:
            return None


def plan_columns(ctx: Context) -> list[Column]:
    types = tuple((t.code, t.name) for t in ActivityType.objects.order_by("position", "code"))
    return [
        *_case_key_columns("plan__case__"),
        _office_column(ctx, "plan__case__office__code"),
        _programme_column(ctx, "plan__case__programme__code"),
        col("plan_version", _("Plan version"), "plan__version", kind=NUMBER),
        col("plan_status", _("Plan status"), "plan__status", kind=CODE, choices=_choices(Plan.Status)),
        col("plan_date", _("Plan date"), "plan__plan_date", kind=DATE),
        col("activity_id", _("Activity id"), "id", kind=NUMBER),
        col("activity_type", _("Type"), "type__code", kind=CODE, choices=types),
        col("dimension", _("Dimension"), kind=CODE, choices=_choices(Dimension)),
        col("level", _("Level"), kind=CODE, choices=_choices(Level)),
        col("modality", _("Modality"), kind=CODE, choices=_choices(Modality)),
        col("delivery", _("Delivery"), kind=CODE, choices=_choices(Delivery)),
        col("provider_organisation", _("Provider organisation"), "provider_service__organisation__name"),
        col("provider_service", _("Provider service"), "provider_service__name"),
        col("provider_name", _("Provider (as typed)"), "provider_name", only=IDENTIFIABLE),
        col("description", _("Description"), only=IDENTIFIABLE),
        col("status", _("Status"), kind=CODE, choices=_choices(Activity.Status)),
        col("target_start", _("Target start"), kind=DATE),
        col("target_end", _("Target end"), kind=DATE),
        col("estimated_cost", _("Estimated cost"), kind=NUMBER),
        col("currency", _("Currency"), kind=CODE),
        Column(
            "converted_cost", _("Estimated cost in the programme currency"), itemgetter("converted_cost"), kind=NUMBER
        ),
        Column("programme_currency", _("Programme currency"), itemgetter("programme_currency"), kind=CODE),
        Column("disbursed", _("Disbursed, in the programme currency"), itemgetter("disbursed"), kind=NUMBER),
        Column("disbursements", _("Number of disbursements"), itemgetter("disbursements"), kind=NUMBER),
    ]


# Read for the money columns whatever the export shows.
MONEY_FIELDS = ("plan__case__programme_id", "plan__plan_date", "estimated_cost", "currency")


def _money_enricher():
    money = _Money()

    def enrich(chunk: list[dict]) -> None:
        paid = selectors.disbursements_by_activity(row["id"] for row in chunk)
        for row in chunk:
            programme_id = row["plan__case__programme_id"]
            rates = money.rates(programme_id)
            row["programme_currency"] = rates.currency if rates else ""
            row["converted_cost"] = money.convert(
                programme_id, row["estimated_cost"], row["currency"], row["plan__plan_date"]
            )
            payments = paid.get(row["id"], ())
            converted = [money.convert(programme_id, amount, currency, on) for amount, currency, on in payments]
            row["disbursed"] = None if None in converted else sum(converted, Decimal(0))
            row["disbursements"] = len(payments)

    return enrich


def plan_tables(ctx: Context) -> list[Table]:
    columns = _shown(plan_columns(ctx), ctx.identifiable)
    money = Column("", "", lambda r: None, MONEY_FIELDS)
    rows = _rows(selectors.current_activities(ctx.cases), [*columns, money], key="id", enrich=_money_enricher())
    return [Table("activities", columns, (row[:-1] for row in rows))]


def plan_count(ctx: Context) -> int:
    return selectors.current_activities(ctx.cases).count()


# ------------------------------------------------------------------ referrals


def _days(start: datetime | None, end: datetime | None) -> int | None:
    if not start or not end:
        return None
    return (_local_date(end) - _local_date(start)).days


def _first_answer(row: dict) -> datetime | None:
    answers = [row["accepted_at"], row["declined_at"]]
    return min((a for a in answers if a), default=None)


def _add_categories(chunk: list[dict]) -> None:
    categories = selectors.categories_by_service(row["service_id"] for row in chunk)
    for row in chunk:
        row["categories"] = " ".join(categories.get(row["service_id"], ()))


def _date_of(source: str, code: str, label) -> Column:
    return Column(code, label, lambda r: _local_date(r[source]), (source,), kind=DATE)


def referral_columns(ctx: Context) -> list[Column]:
    categories = tuple((c.code, c.name) for c in ServiceCategory.objects.order_by("position", "code"))
    return [
        *_case_key_columns("case__"),
        _office_column(ctx, "case__office__code"),
        col("reference", _("Reference"), only=IDENTIFIABLE),
        Column(
            "service_categories",
            _("Service categories"),
            itemgetter("categories"),
            ("service_id",),
            kind=CODES,
            choices=categories,
        ),
        col("organisation", _("Organisation"), "organisation__name"),
        col("service", _("Service"), "service__name"),
        Column(
            "from_plan",
            _("From a plan activity"),
            lambda r: int(r["activity_id"] is not None),
            ("activity_id",),
            kind=YES_NO,
        ),
        col("status", _("Status"), kind=CODE, choices=_choices(ReferralStatus)),
        _date_of("sent_at", "sent_on", _("Sent on")),
        col("response_due", _("First response due"), kind=DATE),
        _date_of("accepted_at", "accepted_on", _("Accepted on")),
        _date_of("declined_at", "declined_on", _("Declined on")),
        _date_of("started_at", "in_progress_on", _("In progress since")),
        _date_of("completed_at", "completed_on", _("Completed on")),
        _date_of("no_response_at", "no_response_on", _("Marked without response on")),
        _date_of("cancelled_at", "cancelled_on", _("Cancelled on")),
        Column(
            "days_to_response",
            _("Days to the first response"),
            lambda r: _days(r["sent_at"], _first_answer(r)),
            ("sent_at", "accepted_at", "declined_at"),
            kind=NUMBER,
        ),
        Column(
            "days_to_completion",
            _("Days to completion"),
            lambda r: _days(r["sent_at"], r["completed_at"]),
            ("sent_at", "completed_at"),
            kind=NUMBER,
        ),
    ]


def referral_tables(ctx: Context) -> list[Table]:
    columns = _shown(referral_columns(ctx), ctx.identifiable)
    rows = _rows(selectors.export_referrals(ctx.cases), columns, key="id", enrich=_add_categories)
    return [Table("referrals", columns, rows)]


def referral_count(ctx: Context) -> int:
    return selectors.export_referrals(ctx.cases).count()


# ------------------------------------------------------------------ RSS scores


def score_columns(ctx: Context) -> list[Column]:
    return [
        *_case_key_columns("case__"),
        _office_column(ctx, "case__office__code"),
        col("response_id", _("Response id"), "response_id", kind=NUMBER),
        col("instrument", _("Instrument"), "response__instrument_version__instrument__code", kind=CODE),
        col("instrument_version", _("Instrument version"), "response__instrument_version__version", kind=CODE),
        col("occasion", _("Occasion"), "response__occasion", kind=CODE, choices=_choices(Occasion)),
        col("follow_up_number", _("Follow-up number"), "response__occasion_number", kind=NUMBER),
        col("interview_date", _("Interview date"), "response__interview_date", kind=DATE),
        col("profile", _("Scoring profile"), "profile__code", kind=CODE),
        col("profile_version", _("Profile version"), "profile__version", kind=CODE),
        col("economic", _("Economic score"), kind=NUMBER),
        col("social", _("Social score"), kind=NUMBER),
        col("psychosocial", _("Psychosocial score"), kind=NUMBER),
        col("composite", _("Composite score"), kind=NUMBER),
        col("missing_count", _("Missing answers"), kind=NUMBER),
    ]


def score_tables(ctx: Context) -> list[Table]:
    columns = _shown(score_columns(ctx), ctx.identifiable)
    rows = _rows(selectors.export_scores(ctx.user, ctx.access, ctx.cases), columns, key="id")
    return [Table("rss_scores", columns, rows)]


def score_count(ctx: Context) -> int:
    return selectors.export_scores(ctx.user, ctx.access, ctx.cases).count()


# ------------------------------------------------------------------ the catalogue


@dataclass(frozen=True)
class Dataset:
    code: str
    label: Any
    tables: Callable[[Context], list[Table]]
    count: Callable[[Context], int]
    one_table: bool = True  # False: one sheet per instrument version (CSV needs a version chosen)


DATASETS = {
    d.code: d
    for d in (
        Dataset("cases", _("Cases"), case_tables, case_count),
        Dataset("assessments", _("Assessments (answers)"), assessment_tables, assessment_count, one_table=False),
        Dataset("plans", _("Plans and activities"), plan_tables, plan_count),
        Dataset("referrals", _("Referrals"), referral_tables, referral_count),
        Dataset("scores", _("RSS scores"), score_tables, score_count),
    )
}
