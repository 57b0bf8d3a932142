"""A small directory for the stories: Dakar and Bamako providers, one entry no office manages."""

from dataclasses import dataclass
from datetime import date

import pytest

from reintegra.api.tests.conftest import api_as  # noqa: F401 -- the API client fixture, shared
from reintegra.directory.models import Agreement, Organisation, Service, ServiceCategory
from reintegra.directory.services import (
    AgreementInput,
    AreaInput,
    OrganisationInput,
    ServiceInput,
    agreement_create,
    organisation_create,
    partner_profile_set,
    service_create,
)

TODAY = date(2026, 3, 1)


@dataclass
class Directory:
    jappo: Organisation  # NGO managed by Dakar; partner.dakar works there
    clinic: Organisation  # managed by Bamako
    ministry: Organisation  # managed by no office
    tailoring: Service  # Jappo, TVET, SN/Dakar
    counselling: Service  # Jappo, counselling, whole of SN
    clinic_care: Service  # Bamako clinic, health + MHPSS, ML/Bamako/Commune IV
    id_cards: Service  # ministry, legal documentation, SN
    lta: Agreement  # Jappo, ends in 30 days


def category(code: str) -> ServiceCategory:
    return ServiceCategory.objects.get(code=code)


def make_service(actor, organisation, name, codes, areas, **extra) -> Service:
    data = ServiceInput(
        name=name, categories=[category(c) for c in codes], areas=[AreaInput(*a) for a in areas], **extra
    )
    return service_create(actor=actor, organisation=organisation, data=data)


@pytest.fixture
def directory(cast, time_machine) -> Directory:
    time_machine.move_to(TODAY)
    jappo = organisation_create(
        actor=cast.pm_dakar,
        data=OrganisationInput(name="ONG Jappo", acronym="JAP", kind="ngo", country="SN", office=cast.dakar),
    )
    clinic = organisation_create(
        actor=cast.admin,
        data=OrganisationInput(name="Clinique du Fleuve", kind="private", country="ML", office=cast.bamako),
    )
    ministry = organisation_create(
        actor=cast.admin, data=OrganisationInput(name="Ministère de l'Intérieur", kind="government", country="SN")
    )
    tailoring = make_service(
        cast.pm_dakar,
        jappo,
        "Formation couture",
        ["tvet"],
        [("SN", "Dakar")],
        response_days=10,
        contact_phone="+221 77",
    )
    counselling = make_service(cast.pm_dakar, jappo, "Écoute et conseil", ["counselling"], [("SN",)])
    clinic_care = make_service(
        cast.admin, clinic, "Soins de santé mentale", ["health", "mhpss"], [("ML", "Bamako", "Commune IV")]
    )
    id_cards = make_service(cast.admin, ministry, "Cartes d'identité", ["legal_documentation"], [("SN",)])
    lta = agreement_create(
        actor=cast.pm_dakar,
        organisation=jappo,
        data=AgreementInput(
            kind="lta",
            reference="LTA-2025-01",
            start_date=date(2025, 1, 1),
            end_date=date(2026, 3, 31),
            services=[tailoring],
            response_days=3,
        ),
    )
    partner_profile_set(actor=cast.admin, user=cast.partner_dakar, organisation=jappo)
    return Directory(jappo, clinic, ministry, tailoring, counselling, clinic_care, id_cards, lta)
