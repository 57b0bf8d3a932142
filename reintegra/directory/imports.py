"""The XLSX import: each row validated and applied through the directory services, in its own savepoint.

A row is created, updated, unchanged or rejected (with its reasons); nothing is dropped silently.
Rows match existing entries on organisation name + service name (case-insensitive), so importing
the same file twice updates rather than duplicates. `dry_run` checks everything and keeps nothing
but the report.
"""

from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from reintegra.accounts.models import Office, User
from reintegra.audit.models import AuditEvent
from reintegra.audit.services import audit_record
from reintegra.directory import services, xlsx
from reintegra.directory.access import directory_access
from reintegra.directory.models import DirectoryImport, Organisation, Service, ServiceCategory

CREATED, UPDATED, UNCHANGED, REJECTED = "created", "updated", "unchanged", "rejected"
YES = {"yes", "y", "true", "1", "oui", "o", "x"}
NO = {"no", "n", "false", "0", "non"}
# Model field -> the column the user sees in the file.
ORGANISATION_COLUMN = {
    "name": "organisation",
    "acronym": "acronym",
    "kind": "organisation_kind",
    "country": "organisation_country",
    "website": "organisation_website",
    "email": "organisation_email",
    "phone": "organisation_phone",
    "address": "organisation_address",
    "active": "organisation_active",
}
SERVICE_COLUMN = {"name": "service", "areas": "coverage", "active": "service_active"}


class RowError(Exception):
    def __init__(self, messages: list[str]):
        super().__init__(messages)
        self.messages = messages


@dataclass
class Context:
    actor: User
    office: Office | None
    categories: dict[str, ServiceCategory]
    seen_organisations: dict[str, tuple[int, services.OrganisationInput]] = field(default_factory=dict)
    seen_services: dict[tuple[str, str], int] = field(default_factory=dict)


def _choice_lookup(choices) -> dict[str, str]:
    """Codes and labels (English and French), lower-cased, to codes."""
    lookup = {}
    for language in ("en", "fr"):
        with translation.override(language):
            for value, label in choices:
                lookup[str(label).lower()] = value
    lookup.update({value.lower(): value for value, _label in choices})
    return lookup


def _choice(value: str, choices, column: str, errors: list, default: str | None = None) -> str:
    if not value and default is not None:
        return default
    code = _choice_lookup(choices).get(value.lower())
    if code is None:
        errors.append(
            _("%(column)s: “%(value)s” is not one of %(choices)s.")
            % {"column": column, "value": value, "choices": ", ".join(v for v, _label in choices)}
        )
        return ""
    return code


def _yes_no(value: str, column: str, errors: list) -> bool:
    if not value or value.lower() in YES:
        return True
    if value.lower() in NO:
        return False
    errors.append(_("%(column)s: write yes or no.") % {"column": column})
    return True


def _days(value: str, errors: list) -> int | None:
    if not value:
        return None
    if not value.isdigit() or not 1 <= int(value) <= 365:
        errors.append(_("response_days: write a whole number of days between 1 and 365."))
        return None
    return int(value)


def _categories(value: str, known: dict[str, ServiceCategory], errors: list) -> list[ServiceCategory]:
    found = []
    for token in xlsx.split_list(value, xlsx.SPLIT_CODES):
        category = known.get(token.lower())
        if category is None:
            errors.append(_("categories: “%(value)s” is not a known category code.") % {"value": token})
        elif category not in found:
            found.append(category)
    return found


def _areas(value: str, errors: list) -> list[services.AreaInput]:
    areas = []
    for line in xlsx.split_list(value):
        parts = [part.strip() for part in line.split("/")]
        if len(parts) > 3:
            errors.append(_("coverage: “%(value)s” has more than country/region/district.") % {"value": line})
            continue
        areas.append(services.AreaInput(*parts))
    return areas


def parse_organisation(row: dict[str, str], errors: list) -> services.OrganisationInput:
    return services.OrganisationInput(
        name=row.get("organisation", ""),
        acronym=row.get("acronym", ""),
        kind=_choice(row.get("organisation_kind", ""), Organisation.Kind.choices, "organisation_kind", errors),
        country=row.get("organisation_country", "").upper(),
        website=row.get("organisation_website", ""),
        email=row.get("organisation_email", ""),
        phone=row.get("organisation_phone", ""),
        address=row.get("organisation_address", ""),
        active=_yes_no(row.get("organisation_active", ""), "organisation_active", errors),
    )


def parse_service(row: dict[str, str], context: Context, errors: list) -> services.ServiceInput:
    return services.ServiceInput(
        name=row.get("service", ""),
        categories=_categories(row.get("categories", ""), context.categories, errors),
        areas=_areas(row.get("coverage", ""), errors),
        description=row.get("description", ""),
        eligibility=row.get("eligibility", ""),
        accessibility=row.get("accessibility", ""),
        contact_person=row.get("contact_person", ""),
        contact_phone=row.get("contact_phone", ""),
        contact_email=row.get("contact_email", ""),
        opening_hours=row.get("opening_hours", ""),
        languages=row.get("languages", ""),
        cost=_choice(row.get("cost", ""), Service.Cost.choices, "cost", errors, default=Service.Cost.FREE),
        cost_note=row.get("cost_note", ""),
        response_days=_days(row.get("response_days", ""), errors),
        first_contact_data=row.get("first_contact_data", ""),
        active=_yes_no(row.get("service_active", ""), "service_active", errors),
    )


def _messages(error: ValidationError, columns: dict[str, str]) -> list[str]:
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    return [
        message if name == NON_FIELD_ERRORS else f"{columns.get(name, name)}: {message}"
        for name, messages in error.message_dict.items()
        for message in messages
    ]


def _fields(data: services.OrganisationInput) -> dict:
    return {name: getattr(data, name) for name in services.ORGANISATION_FIELDS if name != "office"}


def _organisation(context: Context, data: services.OrganisationInput) -> tuple[Organisation, str]:
    """The row's organisation, created or updated; the first row naming it in the file sets its details."""
    seen = context.seen_organisations.get(data.name.strip().lower())
    if seen is not None and seen[1] != _fields(data):
        raise RowError([_("The organisation's details differ from row %(row)s.") % {"row": seen[0]}])
    existing = Organisation.objects.select_related("office").filter(name__iexact=data.name.strip()).first()
    try:
        if existing is None:
            data.office = context.office
            return services.organisation_create(actor=context.actor, data=data), CREATED
        data.office = existing.office
        changes = services.organisation_save(actor=context.actor, organisation=existing, data=data)
    except ValidationError as error:
        raise RowError(_messages(error, ORGANISATION_COLUMN)) from error
    return existing, UPDATED if changes else UNCHANGED


def _service(context: Context, organisation: Organisation, data: services.ServiceInput) -> str:
    service = (
        Service.objects.filter(organisation=organisation, name__iexact=data.name.strip())
        .prefetch_related("categories", "areas")
        .first()
    )
    try:
        if service is None:
            services.service_create(actor=context.actor, organisation=organisation, data=data)
            return CREATED
        changes = services.service_update_changes(actor=context.actor, service=service, data=data)
    except ValidationError as error:
        raise RowError(_messages(error, SERVICE_COLUMN)) from error
    return UPDATED if changes else UNCHANGED


def import_row(context: Context, number: int, row: dict[str, str]) -> str:
    """Apply one row; raises RowError (or PermissionDenied) with the reasons to reject it."""
    errors: list[str] = []
    organisation_data = parse_organisation(row, errors)
    service_data = parse_service(row, context, errors) if row.get("service") else None
    if not organisation_data.name:
        errors.insert(0, _("organisation: this column is required."))
    if errors:
        raise RowError(errors)
    org_key = organisation_data.name.strip().lower()
    service_key = (org_key, row.get("service", "").strip().lower())
    if service_data is not None and service_key in context.seen_services:
        raise RowError(
            [_("This service already appears in row %(row)s.") % {"row": context.seen_services[service_key]}]
        )
    organisation, status = _organisation(context, organisation_data)
    if service_data is not None:
        service_status = _service(context, organisation, service_data)
        if status != CREATED and service_status != UNCHANGED:
            status = service_status
        context.seen_services[service_key] = number
    context.seen_organisations.setdefault(org_key, (number, _fields(organisation_data)))
    return status


def _apply(context: Context, rows) -> list[dict]:
    report = []
    for number, row in rows:
        entry = {"row": number, "organisation": row.get("organisation", ""), "service": row.get("service", "")}
        try:
            with transaction.atomic():
                entry["status"] = import_row(context, number, row)
        except RowError as error:
            entry.update(status=REJECTED, errors=error.messages)
        except PermissionDenied as error:
            entry.update(status=REJECTED, errors=[str(error)])
        report.append(entry)
    return report


def directory_import(*, actor: User, upload, office: Office | None, dry_run: bool = False) -> DirectoryImport:
    """Import a workbook into the directory; new organisations are managed by `office`."""
    access = directory_access(actor)
    if not access.can_manage or not access.may_manage_office(office.pk if office else None):
        raise PermissionDenied(_("You may not import into the directory for this office."))
    rows, ignored = xlsx.read_rows(upload)
    known = {}
    for category in ServiceCategory.objects.all():
        known.update({category.code.lower(): category, category.name_en.lower(): category})
        known[category.name_fr.lower()] = category
    context = Context(actor=actor, office=office, categories=known)
    with transaction.atomic():
        report = _apply(context, rows)
        if dry_run:
            transaction.set_rollback(True)
    return _record(actor, office, upload.name, dry_run, report, ignored)


@transaction.atomic
def _record(actor, office, file_name, dry_run, report, ignored) -> DirectoryImport:
    counts = {
        status: sum(1 for r in report if r["status"] == status) for status in (CREATED, UPDATED, UNCHANGED, REJECTED)
    }
    record = DirectoryImport.objects.create(
        actor=actor,
        office=office,
        file_name=file_name[:255],
        dry_run=dry_run,
        created_count=counts[CREATED],
        updated_count=counts[UPDATED],
        unchanged_count=counts[UNCHANGED],
        rejected_count=counts[REJECTED],
        report={"rows": report, "ignored_columns": ignored},
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.DIRECTORY_IMPORTED,
        subject=record,
        office=office,
        changes={"file": record.file_name, "dry_run": dry_run, **counts},
    )
    return record
