"""Services: the tier rule, validation, permissions and one audit event per write."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reintegra.audit.models import AuditEvent
from reintegra.structural import services
from reintegra.structural.models import Agreement, Tier, engagement_tier
from reintegra.structural.tests.conftest import stakeholder

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("interest", "influence", "tier"),
    [
        ("low", "low", Tier.INFORM),
        ("low", "medium", Tier.COMMUNICATE),
        ("medium", "medium", Tier.COMMUNICATE),
        ("medium", "low", Tier.COMMUNICATE),
        ("high", "low", Tier.MANAGE_CLOSELY),
        ("low", "high", Tier.MANAGE_CLOSELY),
        ("high", "high", Tier.MANAGE_CLOSELY),
    ],
)
def test_the_higher_of_interest_and_influence_drives_the_tier(interest, influence, tier):
    assert engagement_tier(interest, influence) == tier


def _events(event_type) -> int:
    return AuditEvent.objects.filter(event_type=event_type).count()


def test_saving_a_stakeholder_is_audited_with_its_tier(cast, register):
    event = AuditEvent.objects.filter(event_type=AuditEvent.Type.STRUCTURAL_STAKEHOLDER_SAVED).order_by("id").first()
    assert event.office_id == cast.dakar.pk
    assert event.changes["tier"] == "manage_closely"
    assert register.ministry.tier == Tier.MANAGE_CLOSELY


def test_an_unchanged_stakeholder_is_not_audited_again(cast, register):
    before = _events(AuditEvent.Type.STRUCTURAL_STAKEHOLDER_SAVED)
    data = services.StakeholderInput(
        name=register.provider.name, type="service_provider", level="local", interest="medium", influence="low"
    )
    services.stakeholder_save(actor=cast.sup_dakar, stakeholder=register.provider, data=data)
    assert _events(AuditEvent.Type.STRUCTURAL_STAKEHOLDER_SAVED) == before


def test_stakeholder_names_are_unique_per_office(cast, register):
    with pytest.raises(ValidationError):
        stakeholder(cast.sup_dakar, cast.dakar, "centre de formation jappo")
    stakeholder(cast.sup_bamako, cast.bamako, "Centre de formation Jappo")


@pytest.mark.parametrize("who", ["cm_dakar", "me_hq", "cp_dakar", "partner_dakar", "admin", "sup_bamako"])
def test_only_supervisors_and_programme_managers_of_the_office_write(cast, register, who):
    with pytest.raises(PermissionDenied):
        stakeholder(getattr(cast, who), cast.dakar, "Nouvel acteur")
    with pytest.raises(PermissionDenied):
        services.meeting_add(actor=getattr(cast, who), body=register.body, held_on=date(2026, 3, 1), decisions="x")


def test_a_supervisor_writes_in_a_sub_office(cast, register):
    assert register.tamba.office_id == cast.tamba.pk


def test_a_discussion_is_logged_and_audited(cast, register):
    entry = services.discussion_add(
        actor=cast.pm_dakar,
        stakeholder=register.ministry,
        held_on=date(2026, 3, 2),
        summary="Revue du protocole",
        outputs="Nommer un point focal",
        outputs_due=date(2026, 4, 1),
    )
    assert entry.recorded_by == cast.pm_dakar
    assert _events(AuditEvent.Type.STRUCTURAL_DISCUSSION_ADDED) == 1


def test_a_due_date_needs_agreed_outputs(cast, register):
    with pytest.raises(ValidationError) as error:
        services.discussion_add(
            actor=cast.pm_dakar,
            stakeholder=register.ministry,
            held_on=date(2026, 3, 2),
            summary="x",
            outputs_due=date(2026, 4, 1),
        )
    assert "outputs" in error.value.message_dict


def test_an_agreement_needs_a_party_of_its_office(cast, register):
    data = services.AgreementInput(kind="mou", title="MoU", valid_from=date(2026, 1, 1))
    with pytest.raises(ValidationError) as error:
        services.agreement_save(actor=cast.sup_dakar, office=cast.dakar, data=data)
    assert "parties" in error.value.message_dict
    data.parties = [register.bamako]
    with pytest.raises(PermissionDenied):
        services.agreement_save(actor=cast.sup_bamako, office=cast.dakar, data=data)
    data.parties = [register.tamba]
    with pytest.raises(ValidationError) as error:
        services.agreement_save(actor=cast.sup_dakar, office=cast.dakar, data=data)
    assert "parties" in error.value.message_dict


def test_an_agreement_cannot_end_before_it_starts(cast, register):
    data = services.AgreementInput(
        kind="mou", title="MoU", valid_from=date(2026, 5, 1), valid_to=date(2026, 4, 30), parties=[register.ministry]
    )
    with pytest.raises(ValidationError):
        services.agreement_save(actor=cast.sup_dakar, office=cast.dakar, data=data)


def test_changing_parties_is_audited(cast, register):
    data = services.AgreementInput(
        kind="lta",
        title=register.agreement.title,
        valid_from=date(2026, 1, 1),
        parties=[register.provider, register.ministry],
    )
    services.agreement_save(actor=cast.sup_dakar, agreement=register.agreement, data=data)
    event = AuditEvent.objects.filter(event_type=AuditEvent.Type.STRUCTURAL_AGREEMENT_SAVED).order_by("-id").first()
    assert set(event.changes) == {"parties"}


def test_a_signed_agreement_ending_within_60_days_is_expiring(cast, register):
    agreement = Agreement(status="signed", valid_from=date(2026, 1, 1), valid_to=date(2026, 12, 31))
    assert agreement.expiring_soon(date(2026, 11, 1))
    assert not agreement.expiring_soon(date(2026, 10, 1))
    agreement.status = "draft"
    assert not agreement.expiring_soon(date(2026, 11, 1))


def test_capacity_and_bodies_are_audited_and_keep_to_their_office(cast, register):
    assert _events(AuditEvent.Type.STRUCTURAL_CAPACITY_SAVED) == 1
    assert _events(AuditEvent.Type.STRUCTURAL_BODY_SAVED) == 1
    data = services.BodyInput(name="GT", kind="working_group", members=[register.bamako])
    with pytest.raises(ValidationError) as error:
        services.body_save(actor=cast.sup_dakar, office=cast.dakar, data=data)
    assert "members" in error.value.message_dict
    services.meeting_add(actor=cast.sup_dakar, body=register.body, held_on=date(2026, 3, 1), decisions="Valider")
    assert _events(AuditEvent.Type.STRUCTURAL_MEETING_ADDED) == 1
