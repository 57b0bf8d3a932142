"""Dakar stakeholders with an agreement, an activity and a body; a Tamba stakeholder; a Bamako one."""

from dataclasses import dataclass
from datetime import date

import pytest

from reintegra.structural import services


@dataclass
class Register:
    ministry: object
    provider: object
    tamba: object
    bamako: object
    agreement: object
    activity: object
    body: object


def stakeholder(actor, office, name, **extra):
    data = {"type": "national_authority", "level": "national", "interest": "medium", "influence": "low", **extra}
    return services.stakeholder_save(actor=actor, office=office, data=services.StakeholderInput(name=name, **data))


@pytest.fixture
def register(cast) -> Register:
    ministry = stakeholder(cast.sup_dakar, cast.dakar, "Ministère des Sénégalais de l'extérieur", influence="high")
    provider = stakeholder(
        cast.pm_dakar, cast.dakar, "Centre de formation Jappo", type="service_provider", level="local"
    )
    tamba = stakeholder(cast.sup_dakar, cast.tamba, "Mairie de Tambacounda", type="local_authority", level="local")
    bamako = stakeholder(cast.sup_bamako, cast.bamako, "Direction des Maliens de l'extérieur")
    agreement = services.agreement_save(
        actor=cast.sup_dakar,
        office=cast.dakar,
        data=services.AgreementInput(
            kind="lta", title="LTA formation professionnelle", valid_from=date(2026, 1, 1), parties=[provider]
        ),
    )
    activity = services.capacity_save(
        actor=cast.sup_dakar,
        office=cast.dakar,
        data=services.CapacityInput(
            institution=ministry,
            level="national",
            target="intangible",
            activity="Case management training",
            start_date=date(2026, 2, 1),
        ),
    )
    body = services.body_save(
        actor=cast.sup_dakar,
        office=cast.dakar,
        data=services.BodyInput(
            name="Comité de gestion des cas", kind="case_management", chair=ministry, members=[ministry, provider]
        ),
    )
    return Register(ministry, provider, tamba, bamako, agreement, activity, body)
