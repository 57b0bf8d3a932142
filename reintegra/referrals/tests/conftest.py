"""The referral stories: Awa (Dakar, sharing consent given, a plan with a vocational course by referral)
is referred to ONG Jappo, where partner.dakar works; Aminata (Dakar) is referred to a ministry, so
partner.dakar must never see anything of her.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from reintegra.api.tests.conftest import api_as  # noqa: F401 -- the API client fixture, shared
from reintegra.cases.models import Case, ConsentMethod, ConsentPurpose, ConsentStatus
from reintegra.cases.services import consent_record
from reintegra.directory.tests.conftest import directory  # noqa: F401 -- the directory fixture, shared
from reintegra.plans.models import Activity, ActivityType, Plan
from reintegra.referrals import services
from reintegra.referrals.models import Referral

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
AMINATA_PHONE = "+221 77 999 88 77"


def give_sharing_consent(cast, case, status=ConsentStatus.GIVEN, on=date(2026, 2, 1), purpose=ConsentPurpose.SHARING):
    return consent_record(
        actor=cast.sup_dakar,
        case=case,
        purpose=purpose,
        status=status,
        decided_on=on,
        method=ConsentMethod.VERBAL_WITNESSED,
        witness_name="Fatou Diop",
    )


def send(actor, case, service, *, fields=("name", "phone", "need_summary"), activity=None, **kwargs) -> Referral:
    return services.referral_send(
        actor=actor,
        case=case,
        data=services.ReferralInput(
            service=service,
            need_summary=kwargs.pop("need", "Formation en couture, niveau débutant."),
            shared_fields=list(fields),
            activity=activity,
        ),
        **kwargs,
    )


def referral_activity(cast, case, service) -> Activity:
    plan = Plan.objects.create(case=case, plan_date=TODAY, status=Plan.Status.APPROVED, created_by=cast.cm_dakar)
    return Activity.objects.create(
        plan=plan,
        type=ActivityType.objects.get(code="vocational_training"),
        dimension="economic",
        modality="service",
        delivery="referral",
        provider_service=service,
        description="Formation couture de six mois",
        estimated_cost=Decimal("0"),
        currency="XOF",
    )


@dataclass
class World:
    directory: object
    awa: Case
    aminata: Case
    activity: Activity
    secret_referral: Referral  # Aminata -> the ministry: never visible to partner.dakar


@pytest.fixture
def world(cast, directory, time_machine) -> World:  # noqa: F811 -- the shared fixture
    time_machine.move_to(NOW, tick=False)
    awa = cast.case(
        cast.dakar,
        given="Awa",
        family="Ndiaye",
        sex="female",
        birth=date(1995, 6, 1),
        phones=["+221 77 111 22 33"],
        languages="wolof, français",
        assigned_to=cast.cm_dakar,
    )
    Case.objects.filter(pk=awa.pk).update(return_region="Dakar", return_district="Pikine", return_locality="Rue 10")
    awa.refresh_from_db()
    give_sharing_consent(cast, awa)
    aminata = cast.case(cast.dakar, given="Aminata", family="Sow", sex="female", phones=[AMINATA_PHONE])
    give_sharing_consent(cast, aminata)
    secret = send(cast.sup_dakar, aminata, directory.id_cards, need="Carte d'identité perdue.")
    activity = referral_activity(cast, awa, directory.tailoring)
    return World(directory, awa, aminata, activity, secret)
