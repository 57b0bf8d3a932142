"""Scoped reads for exports: every row starts from `cases_for(user)`, then the export's filters.

The datasets read rows as plain values (`.values(...).iterator(chunk_size=CHUNK)`), and what
belongs to many rows (phones, documents, disbursements, service categories) is fetched once per
chunk of rows, so the number of queries grows with rows / CHUNK, never with rows.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import islice

from django.db.models import Q, QuerySet
from django.utils import timezone

from reintegra.accounts.access import Access
from reintegra.accounts.models import Office, Programme
from reintegra.cases.models import Case, IdentityDocument, Phone
from reintegra.cases.selectors import cases_for
from reintegra.directory.models import Service
from reintegra.instruments.models import InstrumentVersion, Response
from reintegra.plans.models import Activity, Disbursement, Plan
from reintegra.referrals.models import Referral
from reintegra.scoring.selectors import scores_for

CHUNK = 2000
OPENED, ARRIVAL = "opened", "arrival"


@dataclass(frozen=True)
class Filters:
    """The filters of an export; all of them narrow the cases, and the other datasets follow the cases."""

    office_id: int | None = None
    programme_id: int | None = None
    stage: str = ""
    date_field: str = OPENED
    date_from: date | None = None
    date_to: date | None = None
    instrument_version_id: int | None = None  # assessments only

    def as_audit(self) -> dict:
        """The filters that were set, for the audit event."""
        values = {
            "office": self.office_id,
            "programme": self.programme_id,
            "stage": self.stage,
            "date_field": self.date_field if (self.date_from or self.date_to) else "",
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
            "instrument_version": self.instrument_version_id,
        }
        return {key: value for key, value in values.items() if value not in (None, "")}


def chunked(rows: Iterable, size: int = CHUNK) -> Iterator[list]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def export_cases(user, filters: Filters) -> QuerySet[Case]:
    """The cases of an export: the user's scope narrowed by the filters."""
    qs = cases_for(user)
    if filters.office_id:
        office = Office.objects.filter(pk=filters.office_id).first()
        qs = qs.filter(office_id__in=office.descendant_ids() if office else [])
    if filters.programme_id:
        qs = qs.filter(programme_id=filters.programme_id)
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    if filters.date_field == ARRIVAL:
        if filters.date_from:
            qs = qs.filter(arrival_date__gte=filters.date_from)
        if filters.date_to:
            qs = qs.filter(arrival_date__lte=filters.date_to)
    else:  # bounds on the timestamp (not __date) so that the database compares plain values
        if filters.date_from:
            qs = qs.filter(opened_at__gte=_day_start(filters.date_from))
        if filters.date_to:
            qs = qs.filter(opened_at__lt=_day_start(filters.date_to + timedelta(days=1)))
    return qs


def offices_of(access: Access) -> QuerySet[Office]:
    return Office.objects.filter(pk__in=access.case_offices).order_by("country", "name")


def programmes_of(access: Access) -> QuerySet[Programme]:
    return Programme.objects.filter(offices__in=access.case_offices).distinct().order_by("name")


# ------------------------------------------------------------------ cases


def phones_by_person(person_ids: Iterable[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    for person_id, number in (
        Phone.objects.filter(person_id__in=person_ids).order_by("id").values_list("person_id", "number")
    ):
        found[person_id].append(number)
    return found


def documents_by_person(person_ids: Iterable[int]) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    rows = IdentityDocument.objects.filter(person_id__in=person_ids).order_by("id")
    for person_id, kind, number in rows.values_list("person_id", "kind", "number"):
        found[person_id].append((kind, number))
    return found


# ------------------------------------------------------------------ assessments


def visible_responses(access: Access, cases: QuerySet[Case]) -> QuerySet[Response]:
    """Submitted responses whose answers the user may read (`instruments.selectors.may_see_answers`).

    Identifying offices: every instrument. Pseudonymised offices: non-sensitive instruments only.
    """
    return Response.objects.filter(case__in=cases.values("pk"), status=Response.Status.SUBMITTED).filter(
        Q(case__office_id__in=access.identifying) | Q(instrument_version__instrument__sensitive=False)
    )


def export_versions(responses: QuerySet[Response], version_id: int | None) -> list[InstrumentVersion]:
    """The instrument versions with rows in this export, in the instruments' page order."""
    versions = InstrumentVersion.objects.select_related("instrument").defer("source", "xform")
    if version_id:
        versions = versions.filter(pk=version_id)
    else:
        versions = versions.filter(pk__in=responses.values("instrument_version_id"))
    return list(versions.order_by("instrument__ordering", "instrument__code", "created_at", "pk"))


# ------------------------------------------------------------------ plans


def current_activities(cases: QuerySet[Case]) -> QuerySet[Activity]:
    """The activities of the current (not superseded) plan of each case."""
    return Activity.objects.filter(plan__case__in=cases.values("pk")).exclude(plan__status=Plan.Status.SUPERSEDED)


def disbursements_by_activity(activity_ids: Iterable[int]) -> dict[int, list[tuple]]:
    found: dict[int, list[tuple]] = defaultdict(list)
    rows = Disbursement.objects.filter(activity_id__in=activity_ids).order_by("paid_on", "id")
    for activity_id, amount, currency, paid_on in rows.values_list("activity_id", "amount", "currency", "paid_on"):
        found[activity_id].append((amount, currency, paid_on))
    return found


def programmes_by_id() -> dict[int, Programme]:
    return Programme.objects.in_bulk()


# ------------------------------------------------------------------ referrals and scores


def export_referrals(cases: QuerySet[Case]) -> QuerySet[Referral]:
    return Referral.objects.filter(case__in=cases.values("pk"))


def categories_by_service(service_ids: Iterable[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    through = Service.categories.through.objects.filter(service_id__in=set(service_ids))
    for service_id, code in through.order_by("servicecategory__position", "servicecategory__code").values_list(
        "service_id", "servicecategory__code"
    ):
        found[service_id].append(code)
    return found


def export_scores(user, access: Access, cases: QuerySet[Case]):
    """Scores of submitted responses, with the same sensitive-instrument rule as the answers."""
    return (
        scores_for(user)
        .filter(case__in=cases.values("pk"), response__status=Response.Status.SUBMITTED)
        .filter(
            Q(case__office_id__in=access.identifying) | Q(response__instrument_version__instrument__sensitive=False)
        )
    )
