"""Every write to the service directory: keyword-only, atomic, validated, audited in the same transaction.

HTML views, the API and the XLSX import call these and nothing else.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from reintegra.accounts.access import access_for
from reintegra.accounts.models import Office, Role, User
from reintegra.audit.models import AuditEvent
from reintegra.audit.services import audit_record, diff_fields, snapshot
from reintegra.directory.access import directory_access
from reintegra.directory.models import (
    Agreement,
    CoverageArea,
    Organisation,
    PartnerProfile,
    Service,
    ServiceCategory,
)

ORGANISATION_FIELDS = ["name", "acronym", "kind", "country", "website", "email", "phone", "address", "active", "office"]
SERVICE_FIELDS = [
    "name",
    "description",
    "eligibility",
    "accessibility",
    "contact_person",
    "contact_phone",
    "contact_email",
    "opening_hours",
    "languages",
    "cost",
    "cost_note",
    "response_days",
    "first_contact_data",
    "active",
]
AGREEMENT_FIELDS = ["kind", "reference", "start_date", "end_date", "response_days", "notes"]
# The first bytes of each allowed upload type: the extension alone proves nothing.
FILE_SIGNATURES = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}


@dataclass
class OrganisationInput:
    name: str
    kind: str
    acronym: str = ""
    country: str = ""
    website: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    active: bool = True
    office: Office | None = None


@dataclass(frozen=True)
class AreaInput:
    country: str
    region: str = ""
    district: str = ""

    def key(self) -> tuple[str, str, str]:
        return (self.country.upper(), self.region.strip().lower(), self.district.strip().lower())

    def as_line(self) -> str:
        return "/".join(part for part in (self.country.upper(), self.region.strip(), self.district.strip()) if part)


@dataclass
class ServiceInput:
    name: str
    categories: list[ServiceCategory]
    areas: list[AreaInput] = field(default_factory=list)
    description: str = ""
    eligibility: str = ""
    accessibility: str = ""
    contact_person: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    opening_hours: str = ""
    languages: str = ""
    cost: str = Service.Cost.FREE
    cost_note: str = ""
    response_days: int | None = None
    first_contact_data: str = ""
    active: bool = True


@dataclass
class AgreementInput:
    kind: str
    reference: str
    start_date: date
    end_date: date | None = None
    services: list[Service] = field(default_factory=list)
    response_days: int | None = None
    notes: str = ""
    document: Any = None  # an uploaded file; None keeps the current one


def organisation_input_of(organisation: Organisation) -> OrganisationInput:
    return OrganisationInput(**{name: getattr(organisation, name) for name in ORGANISATION_FIELDS})


def service_input_of(service: Service) -> ServiceInput:
    return ServiceInput(
        **{name: getattr(service, name) for name in SERVICE_FIELDS},
        categories=list(service.categories.all()),
        areas=[AreaInput(a.country, a.region, a.district) for a in service.areas.all()],
    )


def agreement_input_of(agreement: Agreement) -> AgreementInput:
    return AgreementInput(
        **{name: getattr(agreement, name) for name in AGREEMENT_FIELDS}, services=list(agreement.services.all())
    )


# ------------------------------------------------------------------ rights


def _require_office(actor: User, office: Office | None) -> None:
    if not directory_access(actor).may_manage_office(office.pk if office else None):
        if office is None:
            raise PermissionDenied(_("Only administrators may keep entries that no office manages."))
        raise PermissionDenied(_("You may not manage directory entries of this office."))


def require_manager(actor: User, organisation: Organisation) -> None:
    if not directory_access(actor).may_manage(organisation):
        raise PermissionDenied(_("You may not change this organisation's entries."))


def _audit(actor: User, subject, organisation: Organisation, changes: dict) -> None:
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.DIRECTORY_CHANGED,
        subject=subject,
        office=organisation.office,
        changes=changes,
    )


# ------------------------------------------------------------------ organisations


# Constraint violations are reported on the field the user can fix.
CONSTRAINT_FIELDS = {
    "directory_organisation_name_unique": "name",
    "directory_service_name_unique_per_org": "name",
    "directory_service_response_days_positive": "response_days",
    "directory_agreement_ends_after_start": "end_date",
    "directory_agreement_response_days_positive": "response_days",
    "directory_agreement_reference_unique": "reference",
}


def _full_clean(instance, **kwargs) -> dict[str, list[str]]:
    """full_clean's errors as {field: [messages]}, constraint messages moved onto their field."""
    try:
        instance.full_clean(**kwargs)
    except ValidationError as error:
        targets = {
            str(c.violation_error_message): CONSTRAINT_FIELDS.get(c.name)
            for c in instance._meta.constraints
            if c.name in CONSTRAINT_FIELDS
        }
        moved: dict[str, list[str]] = {}
        for name, messages in error.message_dict.items():
            for message in messages:
                target = (targets.get(message) if name == NON_FIELD_ERRORS else None) or name
                moved.setdefault(target, []).append(message)
        return moved
    return {}


def _clean_text(value: str) -> str:
    return (value or "").strip()


def _apply_organisation(organisation: Organisation, data: OrganisationInput) -> None:
    for name in ORGANISATION_FIELDS:
        value = getattr(data, name)
        setattr(organisation, name, _clean_text(value) if isinstance(value, str) else value)
    organisation.country = organisation.country.upper()


@transaction.atomic
def organisation_create(*, actor: User, data: OrganisationInput) -> Organisation:
    _require_office(actor, data.office)
    organisation = Organisation()
    _apply_organisation(organisation, data)
    if errors := _full_clean(organisation):
        raise ValidationError(errors)
    organisation.save()
    _audit(actor, organisation, organisation, {"created": True, **diff_fields(organisation, {}, ORGANISATION_FIELDS)})
    return organisation


def organisation_save(*, actor: User, organisation: Organisation, data: OrganisationInput) -> dict:
    """Update in place; returns the audited changes ({} when nothing changed). Callers hold the transaction."""
    require_manager(actor, organisation)
    if data.office != organisation.office:
        _require_office(actor, data.office)
    before = snapshot(organisation, ORGANISATION_FIELDS)
    _apply_organisation(organisation, data)
    if errors := _full_clean(organisation):
        raise ValidationError(errors)
    changes = diff_fields(organisation, before, ORGANISATION_FIELDS)
    if changes:
        organisation.save()
        _audit(actor, organisation, organisation, changes)
    return changes


@transaction.atomic
def organisation_update(*, actor: User, organisation: Organisation, data: OrganisationInput) -> Organisation:
    organisation_save(actor=actor, organisation=organisation, data=data)
    return organisation


# ------------------------------------------------------------------ services


def _validate_areas(areas: list[AreaInput]) -> list[AreaInput]:
    errors, seen, cleaned = [], set(), []
    for area in areas:
        line = area.as_line()
        country = area.country.strip().upper()
        if not (len(country) == 2 and country.isascii() and country.isalpha()):
            errors.append(_("“%(area)s”: start with a two-letter country code, e.g. SN.") % {"area": line})
        elif area.district.strip() and not area.region.strip():
            errors.append(_("“%(area)s”: a district needs its region.") % {"area": line})
        elif len(area.region.strip()) > 120 or len(area.district.strip()) > 120:
            errors.append(_("“%(area)s”: region and district names are limited to 120 characters.") % {"area": line})
        elif area.key() in seen:
            errors.append(_("“%(area)s” is listed twice.") % {"area": line})
        else:
            seen.add(area.key())
            cleaned.append(AreaInput(country, area.region.strip(), area.district.strip()))
    if errors:
        raise ValidationError({"areas": errors})
    return cleaned


def _service_save(*, actor: User, service: Service, data: ServiceInput) -> dict:
    """Create or update `service` (its organisation set); returns the audited changes."""
    require_manager(actor, service.organisation)
    creating = service.pk is None
    before = snapshot(service, SERVICE_FIELDS)
    old_codes = [] if creating else sorted(c.code for c in service.categories.all())
    old_areas = [] if creating else sorted(a.as_line() for a in service.areas.all())
    for name in SERVICE_FIELDS:
        value = getattr(data, name)
        setattr(service, name, _clean_text(value) if isinstance(value, str) else value)
    errors = _full_clean(service)
    if not data.categories:
        errors.setdefault("categories", []).append(_("Choose at least one category."))
    try:
        areas = _validate_areas(data.areas)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    changes = diff_fields(service, before, SERVICE_FIELDS)
    new_codes = sorted(c.code for c in data.categories)
    new_areas = sorted(a.as_line() for a in areas)
    if new_codes != old_codes:
        changes["categories"] = [old_codes, new_codes]
    if [a.lower() for a in new_areas] != [a.lower() for a in old_areas]:
        changes["areas"] = [old_areas, new_areas]
    if not changes and not creating:
        return {}
    service.save()
    if "categories" in changes:
        service.categories.set(data.categories)
    if "areas" in changes:
        service.areas.all().delete()
        CoverageArea.objects.bulk_create(
            CoverageArea(service=service, country=a.country, region=a.region, district=a.district) for a in areas
        )
    _audit(actor, service, service.organisation, {"created": True, **changes} if creating else changes)
    return changes


@transaction.atomic
def service_create(*, actor: User, organisation: Organisation, data: ServiceInput) -> Service:
    service = Service(organisation=organisation)
    _service_save(actor=actor, service=service, data=data)
    return service


@transaction.atomic
def service_update(*, actor: User, service: Service, data: ServiceInput) -> Service:
    _service_save(actor=actor, service=service, data=data)
    return service


@transaction.atomic
def service_update_changes(*, actor: User, service: Service, data: ServiceInput) -> dict:
    """Like service_update, returning the audited changes ({} when nothing changed)."""
    return _service_save(actor=actor, service=service, data=data)


# ------------------------------------------------------------------ agreements


def check_document(upload) -> None:
    """Size, extension and first bytes of an uploaded agreement (settings.UPLOAD_*)."""
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("The file is too large: the limit is %(size)s MB.")
            % {"size": round(settings.UPLOAD_MAX_BYTES / (1024 * 1024), 1)}
        )
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in settings.UPLOAD_ALLOWED_EXTENSIONS:
        raise ValidationError(
            _("This type of file is not accepted. Allowed: %(types)s.")
            % {"types": ", ".join(settings.UPLOAD_ALLOWED_EXTENSIONS)}
        )
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(FILE_SIGNATURES.get(extension, (b"",))):
        raise ValidationError(_("The file content does not match its type."))


def _agreement_save(*, actor: User, agreement: Agreement, data: AgreementInput) -> None:
    require_manager(actor, agreement.organisation)
    creating = agreement.pk is None
    before = snapshot(agreement, AGREEMENT_FIELDS)
    old_document = agreement.document.name or ""
    old_services = [] if creating else sorted(agreement.services.values_list("pk", flat=True))
    for name in AGREEMENT_FIELDS:
        value = getattr(data, name)
        setattr(agreement, name, _clean_text(value) if isinstance(value, str) else value)
    errors = {}
    if data.document is not None:
        try:
            check_document(data.document)
        except ValidationError as error:
            errors["document"] = error.messages
        else:
            agreement.document = data.document
    if any(s.organisation_id != agreement.organisation_id for s in data.services):
        errors["services"] = [_("Choose services of this organisation only.")]
    for name, messages in _full_clean(agreement).items():
        errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    agreement.save()
    new_services = sorted(s.pk for s in data.services)
    changes = diff_fields(agreement, before, AGREEMENT_FIELDS)
    if (agreement.document.name or "") != old_document:
        # The audit keeps file names only (an empty file field has no url to describe).
        changes["document"] = [old_document, agreement.document.name or ""]
    if new_services != old_services:
        agreement.services.set(data.services)
        changes["services"] = [old_services, new_services]
    if changes or creating:
        _audit(actor, agreement, agreement.organisation, {"created": True, **changes} if creating else changes)


@transaction.atomic
def agreement_create(*, actor: User, organisation: Organisation, data: AgreementInput) -> Agreement:
    agreement = Agreement(organisation=organisation)
    _agreement_save(actor=actor, agreement=agreement, data=data)
    return agreement


@transaction.atomic
def agreement_update(*, actor: User, agreement: Agreement, data: AgreementInput) -> Agreement:
    _agreement_save(actor=actor, agreement=agreement, data=data)
    return agreement


# ------------------------------------------------------------------ partner users


@transaction.atomic
def partner_profile_set(*, actor: User, user: User, organisation: Organisation) -> PartnerProfile:
    """Link a partner user to their organisation; an administrator of one of the user's partner offices decides."""
    offices = user.memberships.filter(role=Role.PARTNER).values_list("office_id", flat=True)
    if not any(access_for(actor).may_administer(office) for office in offices):
        raise PermissionDenied(_("You may not link this user to an organisation."))
    profile = PartnerProfile.objects.filter(user=user).first()
    old = profile.organisation_id if profile else None
    profile = profile or PartnerProfile(user=user)
    profile.organisation = organisation
    profile.full_clean()
    profile.save()
    if old != organisation.pk:
        _audit(actor, profile, organisation, {"organisation": [old, organisation.pk]})
    return profile


def record_directory_export(*, actor: User, rows: int, filters: str) -> None:
    """Audit a download of the directory workbook (contacts of providers leave the system)."""
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.EXPORT,
        subject=actor,
        changes={"export": "directory", "rows": rows, "filters": filters[:500]},
    )
