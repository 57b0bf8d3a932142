"""Scoped reads of the service directory. Views and API endpoints read the directory through these."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from reintegra.accounts.models import Office
from reintegra.directory.access import directory_access
from reintegra.directory.models import (
    EXPIRY_WARNING_DAYS,
    Agreement,
    CoverageArea,
    DirectoryImport,
    Organisation,
    Service,
    ServiceCategory,
)

TAGS = Service.categories.through.objects


@dataclass(frozen=True)
class ServiceFilters:
    """The search criteria of the directory page and of GET /directory/services."""

    text: str = ""
    country: str = ""
    region: str = ""
    district: str = ""
    category: str = ""  # a category code
    dimension: str = ""
    organisation_id: int | None = None
    include_inactive: bool = False


def organisations_for(user) -> QuerySet[Organisation]:
    return Organisation.objects.filter(directory_access(user).organisation_filter("pk"))


def organisation_for(user, pk: int) -> Organisation:
    organisation = organisations_for(user).select_related("office").filter(pk=pk).first()
    if organisation is None:
        raise Http404
    return organisation


def services_for(user) -> QuerySet[Service]:
    return Service.objects.filter(directory_access(user).organisation_filter("organisation_id"))


def with_details(qs: QuerySet[Service]) -> QuerySet[Service]:
    """Services with what a list or a card shows, in a fixed number of queries."""
    return qs.select_related("organisation").prefetch_related(
        Prefetch("categories", queryset=ServiceCategory.objects.order_by("position", "code")), "areas"
    )


def service_for(user, pk: int) -> Service:
    service = with_details(services_for(user)).filter(pk=pk).first()
    if service is None:
        raise Http404
    return service


def _area_filter(filters: ServiceFilters) -> Q | None:
    """Services covering the place asked for: a blank region or district in an area means 'all of it'."""
    if not (filters.country or filters.region or filters.district):
        return None
    q = Q()
    if filters.country:
        q &= Q(country=filters.country.upper())
    if filters.region:
        q &= Q(region__iexact=filters.region) | Q(region="")
    if filters.district:
        q &= Q(district__iexact=filters.district) | Q(district="")
    return q


def search_services(user, filters: ServiceFilters) -> QuerySet[Service]:
    qs = services_for(user)
    if not filters.include_inactive:
        qs = qs.filter(active=True, organisation__active=True)
    if filters.text:
        for word in filters.text.split()[:6]:
            qs = qs.filter(
                Q(name__icontains=word)
                | Q(organisation__name__icontains=word)
                | Q(organisation__acronym__icontains=word)
                | Q(description__icontains=word)
            )
    area = _area_filter(filters)
    if area is not None:
        qs = qs.filter(Exists(CoverageArea.objects.filter(area, service=OuterRef("pk"))))
    if filters.category:
        qs = qs.filter(Exists(TAGS.filter(service=OuterRef("pk"), servicecategory__code=filters.category)))
    if filters.dimension:
        qs = qs.filter(Exists(TAGS.filter(service=OuterRef("pk"), servicecategory__dimension=filters.dimension)))
    if filters.organisation_id:
        qs = qs.filter(organisation_id=filters.organisation_id)
    return with_details(qs).order_by("organisation__name", "name", "pk")


def agreements_for(user) -> QuerySet[Agreement]:
    return Agreement.objects.filter(directory_access(user).organisation_filter("organisation_id"))


def agreement_for(user, pk: int) -> Agreement:
    agreement = agreements_for(user).select_related("organisation").filter(pk=pk).first()
    if agreement is None:
        raise Http404
    return agreement


def agreements_expiring(user, *, within_days: int = EXPIRY_WARNING_DAYS, today: date | None = None):
    """Agreements that end between today and `within_days` from now, soonest first."""
    today = today or timezone.localdate()
    return (
        agreements_for(user)
        .filter(end_date__gte=today, end_date__lte=today + timedelta(days=within_days))
        .select_related("organisation")
        .order_by("end_date", "pk")
    )


def import_for(user, pk: int) -> DirectoryImport:
    """An import report: for the person who ran it and the managers of its office; 404 for others."""
    record = DirectoryImport.objects.select_related("office", "actor").filter(pk=pk).first()
    access = directory_access(user)
    if record is None or not (record.actor_id == user.pk or access.may_manage_office(record.office_id)):
        raise Http404
    return record


def categories() -> QuerySet[ServiceCategory]:
    return ServiceCategory.objects.filter(active=True).order_by("position", "code")


def manageable_offices(user) -> QuerySet[Office]:
    return Office.objects.filter(pk__in=directory_access(user).manage_offices).order_by("country", "name")


def first_response_days(service: Service, on: date | None = None) -> int | None:
    """Days the provider has for first contact: an agreement in force overrides the service's own time.

    An agreement applies when it lists the service, or lists no services at all (the whole organisation).
    """
    on = on or timezone.localdate()
    in_force = (
        Agreement.objects.filter(organisation_id=service.organisation_id, response_days__isnull=False)
        .filter(start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .filter(Q(services=service) | Q(services__isnull=True))
        .order_by("response_days")
        .values_list("response_days", flat=True)
        .first()
    )
    return in_force if in_force is not None else service.response_days
