"""Directory API: /api/v1/directory/... — the same selectors, services and rights as the pages.

Readers (staff with a membership; partners for their own organisation) list and read; programme
managers and administrators create and change the entries of their offices. An entry outside the
reader's scope is 404; a user without directory access gets 403 on the lists.
"""

import dataclasses
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from reintegra.accounts.models import Office
from reintegra.api import schemas as s
from reintegra.api.common import actor
from reintegra.directory import selectors, services
from reintegra.directory.access import directory_access
from reintegra.directory.models import Dimension, Organisation, Service, ServiceCategory

router = Router(tags=["directory"])
ERRORS = {400: s.ErrorOut, 401: s.ErrorOut, 403: s.ErrorOut, 404: s.ErrorOut}
MAX_LIMIT = 200

Text = Annotated[str, Field(max_length=200), s.Printable]
LongText = Annotated[str, Field(max_length=5000), s.Printable]
Code = Annotated[str, Field(max_length=40), s.Printable]
Days = Annotated[int, Field(ge=1, le=365)]
OrganisationKind = Literal[tuple(Organisation.Kind.values)]  # type: ignore[valid-type]
Cost = Literal[tuple(Service.Cost.values)]  # type: ignore[valid-type]
DimensionOrAll = Literal[("", *Dimension.values)]  # type: ignore[valid-type]


# ------------------------------------------------------------------ shapes


class CategoryOut(Schema):
    code: str
    name: str
    dimension: str


class AreaSchema(Schema):
    country: Annotated[str, Field(min_length=2, max_length=2), s.Printable]
    region: Annotated[str, Field(max_length=120), s.Printable] = ""
    district: Annotated[str, Field(max_length=120), s.Printable] = ""


class OrganisationRef(Schema):
    id: int
    name: str
    acronym: str


class ServiceOut(Schema):
    id: int
    organisation: OrganisationRef
    name: str
    description: str
    categories: list[CategoryOut]
    dimensions: list[str]
    areas: list[AreaSchema]
    eligibility: str
    accessibility: str
    contact_person: str
    contact_phone: str
    contact_email: str
    opening_hours: str
    languages: str
    cost: str
    cost_note: str
    response_days: int | None
    first_contact_data: str
    active: bool


class ServiceDetailOut(ServiceOut):
    first_response_days: int | None


class ServicePage(Schema):
    count: int
    items: list[ServiceOut]


class AgreementOut(Schema):
    id: int
    kind: str
    reference: str
    start_date: str
    end_date: str | None
    status: str
    response_days: int | None
    services: list[int]


class OrganisationOut(Schema):
    id: int
    name: str
    acronym: str
    kind: str
    country: str
    website: str
    email: str
    phone: str
    address: str
    active: bool
    office: int | None


class OrganisationDetailOut(OrganisationOut):
    agreements: list[AgreementOut]


class ServiceQuery(Schema):
    q: Text = ""
    country: Annotated[str, Field(max_length=2), s.Printable] = ""
    region: Annotated[str, Field(max_length=120), s.Printable] = ""
    district: Annotated[str, Field(max_length=120), s.Printable] = ""
    category: Code = ""
    dimension: DimensionOrAll = ""
    organisation: s.Id | None = None
    include_inactive: bool = False
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] = 50
    offset: Annotated[int, Field(ge=0, le=10**6)] = 0


class OrganisationIn(s.In):
    name: Annotated[str, Field(min_length=1, max_length=200), s.Printable]
    kind: OrganisationKind
    acronym: Annotated[str, Field(max_length=30), s.Printable] = ""
    country: Annotated[str, Field(max_length=2), s.Printable] = ""
    website: Annotated[str, Field(max_length=300), s.Printable] = ""
    email: Annotated[str, Field(max_length=254), s.Printable] = ""
    phone: Annotated[str, Field(max_length=40), s.Printable] = ""
    address: Annotated[str, Field(max_length=500), s.Printable] = ""
    active: bool = True
    office: s.Id | None = None


class OrganisationPatchIn(s.In):
    name: Annotated[str, Field(min_length=1, max_length=200), s.Printable] = None
    kind: OrganisationKind = None
    acronym: Annotated[str, Field(max_length=30), s.Printable] = None
    country: Annotated[str, Field(max_length=2), s.Printable] = None
    website: Annotated[str, Field(max_length=300), s.Printable] = None
    email: Annotated[str, Field(max_length=254), s.Printable] = None
    phone: Annotated[str, Field(max_length=40), s.Printable] = None
    address: Annotated[str, Field(max_length=500), s.Printable] = None
    active: bool = None
    office: s.Id | None = None


class ServiceFieldsIn(s.In):
    description: LongText = ""
    eligibility: LongText = ""
    accessibility: LongText = ""
    contact_person: Text = ""
    contact_phone: Annotated[str, Field(max_length=40), s.Printable] = ""
    contact_email: Annotated[str, Field(max_length=254), s.Printable] = ""
    opening_hours: Text = ""
    languages: Text = ""
    cost: Cost = Service.Cost.FREE
    cost_note: Annotated[str, Field(max_length=300), s.Printable] = ""
    response_days: Days | None = None
    first_contact_data: Annotated[str, Field(max_length=2000), s.Printable] = ""
    active: bool = True


class ServiceIn(ServiceFieldsIn):
    organisation: s.Id
    name: Annotated[str, Field(min_length=1, max_length=200), s.Printable]
    categories: Annotated[list[Code], Field(max_length=30)]
    areas: Annotated[list[AreaSchema], Field(max_length=200)] = []


class ServicePatchIn(s.In):
    name: Annotated[str, Field(min_length=1, max_length=200), s.Printable] = None
    categories: Annotated[list[Code], Field(max_length=30)] = None
    areas: Annotated[list[AreaSchema], Field(max_length=200)] = None
    description: LongText = None
    eligibility: LongText = None
    accessibility: LongText = None
    contact_person: Text = None
    contact_phone: Annotated[str, Field(max_length=40), s.Printable] = None
    contact_email: Annotated[str, Field(max_length=254), s.Printable] = None
    opening_hours: Text = None
    languages: Text = None
    cost: Cost = None
    cost_note: Annotated[str, Field(max_length=300), s.Printable] = None
    response_days: Days | None = None
    first_contact_data: Annotated[str, Field(max_length=2000), s.Printable] = None
    active: bool = None


# ------------------------------------------------------------------ presenting


def service_out(service: Service, detail: bool = False) -> dict:
    organisation = service.organisation
    data = {
        **{name: getattr(service, name) for name in services.SERVICE_FIELDS},
        "id": service.pk,
        "organisation": {"id": organisation.pk, "name": organisation.name, "acronym": organisation.acronym},
        "categories": [{"code": c.code, "name": c.name, "dimension": c.dimension} for c in service.categories.all()],
        "dimensions": service.dimensions,
        "areas": [{"country": a.country, "region": a.region, "district": a.district} for a in service.areas.all()],
    }
    if detail:
        data["first_response_days"] = selectors.first_response_days(service)
    return data


def organisation_out(organisation: Organisation) -> dict:
    return {
        **{name: getattr(organisation, name) for name in services.ORGANISATION_FIELDS if name != "office"},
        "id": organisation.pk,
        "office": organisation.office_id,
    }


def organisation_detail_out(organisation: Organisation) -> dict:
    agreements = [
        {
            "id": a.pk,
            "kind": a.kind,
            "reference": a.reference,
            "start_date": a.start_date.isoformat(),
            "end_date": a.end_date.isoformat() if a.end_date else None,
            "status": a.status(),
            "response_days": a.response_days,
            "services": [service.pk for service in a.services.all()],
        }
        for a in organisation.agreements.prefetch_related("services").order_by("-start_date", "pk")
    ]
    return {**organisation_out(organisation), "agreements": agreements}


# ------------------------------------------------------------------ helpers


def _reader(request):
    user = actor(request)
    if not directory_access(user).can_read:
        raise PermissionDenied(_("Your roles give you no access to the service directory."))
    return user


def _office(office_id: int | None) -> Office | None:
    if office_id is None:
        return None
    office = Office.objects.filter(pk=office_id).first()
    if office is None:
        raise ValidationError({"office": _("There is no office with this id.")})
    return office


def _categories(codes: list[str]) -> list[ServiceCategory]:
    found = {c.code: c for c in selectors.categories().filter(code__in=codes)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise ValidationError({"categories": _("Unknown category codes: %(codes)s.") % {"codes": ", ".join(unknown)}})
    return [found[code] for code in dict.fromkeys(codes)]


def _areas(areas: list[dict]) -> list[services.AreaInput]:
    return [services.AreaInput(**area) for area in areas]


def _refuse_nulls(changes: dict, nullable: set[str]) -> None:
    nulls = [name for name, value in changes.items() if value is None and name not in nullable]
    if nulls:
        raise ValidationError({name: _("This field cannot be null.") for name in nulls})


# ------------------------------------------------------------------ endpoints


@router.get("/services", response={200: ServicePage, **ERRORS}, summary="Search the service directory")
def service_list(request, filters: Query[ServiceQuery]):
    """Services by area (a blank region or district in a coverage area covers all of it), category,
    dimension and free text (service or organisation name)."""
    user = _reader(request)
    qs = selectors.search_services(
        user,
        selectors.ServiceFilters(
            text=filters.q.strip(),
            country=filters.country.upper(),
            region=filters.region.strip(),
            district=filters.district.strip(),
            category=filters.category,
            dimension=filters.dimension,
            organisation_id=filters.organisation,
            include_inactive=filters.include_inactive,
        ),
    )
    rows = list(qs[filters.offset : filters.offset + filters.limit])
    return {"count": qs.count(), "items": [service_out(service) for service in rows]}


@router.get("/services/{service_id}", response={200: ServiceDetailOut, **ERRORS}, summary="Read a service")
def service_read(request, service_id: s.Id):
    return service_out(selectors.service_for(_reader(request), service_id), detail=True)


@router.post("/services", response={201: ServiceDetailOut, **ERRORS}, summary="Add a service")
def service_create(request, payload: ServiceIn):
    user = _reader(request)
    organisation = selectors.organisation_for(user, payload.organisation)
    data = payload.model_dump(exclude={"organisation", "categories", "areas"})
    service = services.service_create(
        actor=user,
        organisation=organisation,
        data=services.ServiceInput(
            **data, categories=_categories(payload.categories), areas=_areas(payload.model_dump()["areas"])
        ),
    )
    return Status(201, service_out(selectors.service_for(user, service.pk), detail=True))


@router.patch("/services/{service_id}", response={200: ServiceDetailOut, **ERRORS}, summary="Change a service")
def service_patch(request, service_id: s.Id, payload: ServicePatchIn):
    user = _reader(request)
    service = selectors.service_for(user, service_id)
    changes = payload.model_dump(exclude_unset=True)
    _refuse_nulls(changes, nullable={"response_days"})
    if "categories" in changes:
        changes["categories"] = _categories(changes["categories"] or [])
    if "areas" in changes:
        changes["areas"] = _areas(changes["areas"] or [])
    data = dataclasses.replace(services.service_input_of(service), **changes)
    services.service_update(actor=user, service=service, data=data)
    return service_out(selectors.service_for(user, service.pk), detail=True)


@router.get("/organisations", response={200: list[OrganisationOut], **ERRORS}, summary="List organisations")
def organisation_list(request, q: Text = "", include_inactive: bool = False):
    qs = selectors.organisations_for(_reader(request)).order_by("name", "pk")
    if not include_inactive:
        qs = qs.filter(active=True)
    if q.strip():
        qs = qs.filter(name__icontains=q.strip()) | qs.filter(acronym__icontains=q.strip())
    return [organisation_out(o) for o in qs[:1000]]


@router.get(
    "/organisations/{organisation_id}", response={200: OrganisationDetailOut, **ERRORS}, summary="Read an organisation"
)
def organisation_read(request, organisation_id: s.Id):
    return organisation_detail_out(selectors.organisation_for(_reader(request), organisation_id))


@router.post("/organisations", response={201: OrganisationDetailOut, **ERRORS}, summary="Add an organisation")
def organisation_create(request, payload: OrganisationIn):
    user = _reader(request)
    data = payload.model_dump()
    data["office"] = _office(data["office"])
    organisation = services.organisation_create(actor=user, data=services.OrganisationInput(**data))
    return Status(201, organisation_detail_out(organisation))


@router.patch(
    "/organisations/{organisation_id}",
    response={200: OrganisationDetailOut, **ERRORS},
    summary="Change an organisation",
)
def organisation_patch(request, organisation_id: s.Id, payload: OrganisationPatchIn):
    user = _reader(request)
    organisation = selectors.organisation_for(user, organisation_id)
    changes = payload.model_dump(exclude_unset=True)
    if "office" in changes:
        changes["office"] = _office(changes["office"])
    if any(value is None for key, value in changes.items() if key != "office"):
        raise ValidationError(
            {k: _("This field cannot be null.") for k, v in changes.items() if v is None and k != "office"}
        )
    data = dataclasses.replace(services.organisation_input_of(organisation), **changes)
    services.organisation_update(actor=user, organisation=organisation, data=data)
    return organisation_detail_out(organisation)
