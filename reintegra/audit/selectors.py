"""Scoped reads of the audit trail.

Supervisors and programme managers (`access.manage`) and administrators (`access.administer`)
see the events filed under their offices (sub-offices included). Values of case-data events
are shown only to those who may identify persons in that office: an administrator without a
case role sees which fields changed, not what they contain. Everyone else sees nothing.

Pages are cut by keyset on (time, id), newest first, so no page ever counts the table.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from reintegra.accounts.access import Access, access_for
from reintegra.accounts.models import Office, User
from reintegra.audit.models import AuditEvent

PAGE_SIZE = 50
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ACTOR_MATCH_LIMIT = 50


@dataclass(frozen=True)
class AuditFilters:
    date_from: date | None = None
    date_to: date | None = None
    event_type: str = ""
    actor: str = ""
    case_number: str = ""
    office_id: int | None = None


@dataclass
class Change:
    name: str
    old: Any = None
    new: Any = None
    is_change: bool = False  # old -> new, rather than a single recorded value


@dataclass
class Row:
    event: AuditEvent
    subject: str
    changes: list[Change] = field(default_factory=list)
    values_hidden: bool = False


@dataclass
class AuditPage:
    rows: list[Row]
    next_cursor: str = ""


def audit_offices(user) -> frozenset[int]:
    access = access_for(user)
    return access.manage | access.administer


def require_audit_access(user) -> frozenset[int]:
    """The offices whose trail the user may browse; 404 when none."""
    offices = audit_offices(user)
    if not offices:
        raise Http404
    return offices


def offices_for_filter(user) -> QuerySet[Office]:
    return Office.objects.filter(pk__in=audit_offices(user)).order_by("country", "name")


def events_for(user) -> QuerySet[AuditEvent]:
    """Every event the user may browse, newest first."""
    offices = audit_offices(user)
    if not offices:
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(office_id__in=offices).order_by("-created_at", "-id")


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def filter_events(qs: QuerySet[AuditEvent], filters: AuditFilters) -> QuerySet[AuditEvent]:
    if filters.date_from:
        qs = qs.filter(created_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(created_at__lt=_day_start(filters.date_to + timedelta(days=1)))
    if filters.event_type:
        qs = qs.filter(event_type=filters.event_type)
    if filters.office_id is not None:
        qs = qs.filter(office_id=filters.office_id)
    if filters.case_number:
        qs = qs.filter(case__number=filters.case_number.strip())
    if filters.actor:
        qs = qs.filter(actor_id__in=_actor_ids(filters.actor))
    return qs


def _actor_ids(text: str) -> list[int]:
    """Users whose username is the text, or whose names contain every word of it."""
    words = text.split()
    by_name = Q()
    for word in words:
        by_name &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    matches = User.objects.filter(Q(username__iexact=text.strip()) | by_name)
    return list(matches.values_list("pk", flat=True)[:ACTOR_MATCH_LIMIT])


def encode_cursor(event: AuditEvent) -> str:
    micros = (event.created_at - EPOCH) // timedelta(microseconds=1)
    return f"{micros}.{event.pk}"


def _after_cursor(qs: QuerySet[AuditEvent], cursor: str) -> QuerySet[AuditEvent]:
    """Events older than the cursor; an unreadable cursor means the first page."""
    try:
        micros, pk = (int(part) for part in cursor.split(".", 1))
    except ValueError:
        return qs
    moment = EPOCH + timedelta(microseconds=micros)
    return qs.filter(Q(created_at__lt=moment) | Q(created_at=moment, id__lt=pk))


def audit_page(user, filters: AuditFilters, cursor: str = "", size: int = PAGE_SIZE) -> AuditPage:
    """One page of the user's trail: rows ready to show, and the cursor of the next (older) page."""
    qs = filter_events(events_for(user), filters)
    if cursor:
        qs = _after_cursor(qs, cursor)
    events = list(qs.select_related("actor", "office", "case")[: size + 1])
    next_cursor = encode_cursor(events[size - 1]) if len(events) > size else ""
    return AuditPage(rows=_rows(access_for(user), events[:size]), next_cursor=next_cursor)


def _rows(access: Access, events: list[AuditEvent]) -> list[Row]:
    users = _user_subjects(events)
    rows = []
    for event in events:
        hidden = not event.subject_type.startswith("accounts.") and not access.may_identify(event.office_id)
        rows.append(
            Row(
                event=event,
                subject=_subject_label(event, users),
                changes=_changes(event.changes, hidden),
                values_hidden=hidden,
            )
        )
    return rows


def _user_subjects(events: list[AuditEvent]) -> dict[str, User]:
    """The users named as subjects on this page, in one query."""
    ids = {e.subject_id for e in events if e.subject_type == "accounts.user"}
    if not ids:
        return {}
    return {str(u.pk): u for u in User.objects.filter(pk__in=[int(i) for i in ids if i.isdigit()])}


def _subject_label(event: AuditEvent, users: dict[str, User]) -> str:
    if event.case_id is not None:
        return event.case.number
    if event.subject_type == "accounts.user" and event.subject_id in users:
        return users[event.subject_id].username
    return f"{event.subject_type} #{event.subject_id}"


def _changes(changes: dict[str, Any], hidden: bool) -> list[Change]:
    result = []
    for name, value in (changes or {}).items():
        if hidden:
            result.append(Change(name=name))
        elif isinstance(value, list) and len(value) == 2:
            result.append(Change(name=name, old=value[0], new=value[1], is_change=True))
        else:
            result.append(Change(name=name, new=value))
    return result
