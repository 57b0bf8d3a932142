"""Stories of a case moving through its stages, and the rules that stop it."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from reintegra.accounts.models import Membership, Office, Role, User
from reintegra.audit.models import AuditEvent
from reintegra.cases.models import ClosureGroup, ConsentMethod, ConsentPurpose, ConsentStatus, Stage, Task
from reintegra.cases.services import (
    allowed_stage_moves,
    case_assign,
    case_change_stage,
    case_close,
    case_reopen,
    case_transfer,
    consent_record,
    task_create,
)

TODAY = date(2026, 6, 1)


def verbal(cast, case, purpose, status=ConsentStatus.GIVEN):
    return consent_record(
        actor=cast.cm_dakar,
        case=case,
        purpose=purpose,
        status=status,
        decided_on=date(2026, 1, 2),
        method=ConsentMethod.VERBAL_WITNESSED,
        witness_name="Awa Ndiaye",
    )


def test_a_case_walks_forward_one_stage_at_a_time(cast):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    for stage in [Stage.ASSESSMENT, Stage.PLANNING, Stage.IMPLEMENTATION, Stage.MONITORING]:
        case = case_change_stage(actor=cast.cm_dakar, case=case, to_stage=stage)
    assert case.stage == Stage.MONITORING
    assert list(case.stage_changes.values_list("to_stage", flat=True)) == [
        "intake",
        "assessment",
        "planning",
        "implementation",
        "monitoring",
    ]
    assert AuditEvent.objects.filter(case=case, event_type=AuditEvent.Type.CASE_STAGE_CHANGED).count() == 4


def test_it_refuses_to_skip_a_stage(cast):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    with pytest.raises(ValidationError) as error:
        case_change_stage(actor=cast.cm_dakar, case=case, to_stage=Stage.PLANNING)
    assert "one stage at a time" in str(error.value)


def test_it_needs_processing_consent_before_leaving_intake(cast):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar, consent=False)
    assert allowed_stage_moves(case) == []
    with pytest.raises(ValidationError):
        case_change_stage(actor=cast.cm_dakar, case=case, to_stage=Stage.ASSESSMENT)
    verbal(cast, case, ConsentPurpose.PROCESSING)
    assert allowed_stage_moves(case) == [Stage.ASSESSMENT]


def test_withdrawn_processing_consent_stops_progress(cast):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    verbal(cast, case, ConsentPurpose.PROCESSING, ConsentStatus.WITHDRAWN)
    with pytest.raises(ValidationError):
        case_change_stage(actor=cast.cm_dakar, case=case, to_stage=Stage.ASSESSMENT)


def test_going_back_a_stage_needs_a_reason(cast):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    case = case_change_stage(actor=cast.cm_dakar, case=case, to_stage=Stage.ASSESSMENT)
    with pytest.raises(ValidationError):
        case_change_stage(actor=cast.cm_dakar, case=case, to_stage=Stage.INTAKE)
    case = case_change_stage(actor=cast.cm_dakar, case=case, to_stage=Stage.INTAKE, note="Documents missing")
    assert case.stage == Stage.INTAKE


def test_other_office_and_me_officer_cannot_move_a_case(cast):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    for outsider in (cast.cm_bamako, cast.me_hq, cast.partner_dakar, cast.admin):
        with pytest.raises(PermissionDenied):
            case_change_stage(actor=outsider, case=case, to_stage=Stage.ASSESSMENT)


def test_closing_asks_why_an_early_exit_happened(cast):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    with pytest.raises(ValidationError) as error:
        case_close(actor=cast.cm_dakar, case=case, reason="remigrated")
    assert "note" in error.value.message_dict
    case = case_close(
        actor=cast.cm_dakar, case=case, reason="remigrated", note="Left for Morocco", remigration_intention=True
    )
    assert (case.stage, case.closure_group, case.stage_before_closure) == (
        Stage.CLOSED,
        ClosureGroup.ABRUPT,
        Stage.INTAKE,
    )


def test_closing_cancels_open_tasks_and_blocks_moves(cast):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    task = task_create(actor=cast.cm_dakar, case=case, title="Call", due_date=TODAY)
    case = case_close(actor=cast.cm_dakar, case=case, reason="support_completed")
    task.refresh_from_db()
    assert task.status == Task.Status.CANCELLED
    with pytest.raises(ValidationError):
        case_change_stage(actor=cast.cm_dakar, case=case, to_stage=Stage.ASSESSMENT)
    with pytest.raises(ValidationError):
        case_close(actor=cast.cm_dakar, case=case, reason="support_completed")


def test_only_a_supervisor_reopens_and_the_case_returns_to_its_stage(cast):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    case = case_change_stage(actor=cast.cm_dakar, case=case, to_stage=Stage.ASSESSMENT)
    case = case_close(actor=cast.cm_dakar, case=case, reason="lost_contact", note="No answer for 3 months")
    with pytest.raises(PermissionDenied):
        case_reopen(actor=cast.cm_dakar, case=case, reason="Found again")
    with pytest.raises(ValidationError):
        case_reopen(actor=cast.sup_dakar, case=case, reason=" ")
    case = case_reopen(actor=cast.sup_dakar, case=case, reason="Found again")
    assert (case.stage, case.closure_reason, case.closed_at) == (Stage.ASSESSMENT, "", None)


def test_assignment_is_for_supervisors_and_to_case_managers_of_the_office(cast):
    case = cast.case(cast.dakar)
    with pytest.raises(PermissionDenied):
        case_assign(actor=cast.cm_dakar, case=case, assignee=cast.cm_dakar)
    with pytest.raises(ValidationError):
        case_assign(actor=cast.sup_dakar, case=case, assignee=cast.cm_bamako)
    case = case_assign(actor=cast.sup_dakar, case=case, assignee=cast.cm_dakar2)
    event = AuditEvent.objects.get(case=case, event_type=AuditEvent.Type.CASE_ASSIGNED)
    assert event.changes == {"assigned_to": [None, str(cast.cm_dakar2.pk)]}
    assert event.actor == cast.sup_dakar


def test_transfer_from_host_office_needs_consent_and_unassigns(cast):
    tripoli = Office.objects.create(name="Tripoli", code="TRP", country="LY")
    counsellor = User.objects.create_user(username="sup.tripoli")
    Membership.objects.create(user=counsellor, office=tripoli, role=Role.SUPERVISOR)
    case = cast.case(tripoli, actor=counsellor, return_country="SN", pre_departure=True)
    case = case_change_stage(actor=counsellor, case=case, to_stage=Stage.ASSESSMENT)
    with pytest.raises(ValidationError):  # a host office stops at assessment
        case_change_stage(actor=counsellor, case=case, to_stage=Stage.PLANNING)
    with pytest.raises(ValidationError):  # no transfer consent yet
        case_transfer(actor=counsellor, case=case, to_office=cast.dakar)
    consent_record(
        actor=counsellor,
        case=case,
        purpose=ConsentPurpose.TRANSFER,
        status=ConsentStatus.GIVEN,
        decided_on=date(2026, 1, 2),
        method=ConsentMethod.VERBAL_WITNESSED,
        witness_name="Counsellor",
    )
    case = case_transfer(actor=counsellor, case=case, to_office=cast.dakar, reason="Returned on charter flight")
    assert (case.office, case.assigned_to) == (cast.dakar, None)
    assert AuditEvent.objects.filter(case=case, event_type=AuditEvent.Type.CASE_TRANSFERRED).count() == 2
    case = case_change_stage(actor=cast.sup_dakar, case=case, to_stage=Stage.PLANNING)
    assert case.stage == Stage.PLANNING


def test_monitoring_withdrawal_cancels_follow_up_contacts_and_blocks_new_ones(cast):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    verbal(cast, case, ConsentPurpose.MONITORING)
    call = task_create(
        actor=cast.cm_dakar, case=case, title="3-month call", due_date=TODAY, kind=Task.Kind.FOLLOW_UP_CONTACT
    )
    verbal(cast, case, ConsentPurpose.MONITORING, ConsentStatus.WITHDRAWN)
    call.refresh_from_db()
    assert call.status == Task.Status.CANCELLED
    with pytest.raises(ValidationError):
        task_create(
            actor=cast.cm_dakar, case=case, title="6-month call", due_date=TODAY, kind=Task.Kind.FOLLOW_UP_CONTACT
        )


def test_consent_rules(cast):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar, consent=False)
    with pytest.raises(ValidationError) as error:
        consent_record(
            actor=cast.cm_dakar,
            case=case,
            purpose=ConsentPurpose.SHARING,
            status=ConsentStatus.GIVEN,
            decided_on=timezone.localdate() + timedelta(days=1),
            method=ConsentMethod.VERBAL_WITNESSED,
        )
    assert set(error.value.message_dict) == {"decided_on", "witness_name"}
    with pytest.raises(ValidationError) as error:
        consent_record(
            actor=cast.cm_dakar,
            case=case,
            purpose=ConsentPurpose.SHARING,
            status=ConsentStatus.GIVEN,
            decided_on=date(2026, 1, 1),
            method=ConsentMethod.SIGNED_FORM,
        )
    assert set(error.value.message_dict) == {"document"}
    with pytest.raises(ValidationError) as error:
        verbal(cast, case, ConsentPurpose.SHARING, ConsentStatus.WITHDRAWN)
    assert set(error.value.message_dict) == {"status"}


def test_case_numbers_are_readable_and_sequential_per_office(cast):
    first = cast.case(cast.dakar)
    second = cast.case(cast.dakar, given="Awa", family="Ndiaye")
    other = cast.case(cast.bamako, given="Awa", family="Ndiaye")
    year = timezone.localdate().year
    assert first.number == f"SN-DKR-{year}-000001"
    assert second.number == f"SN-DKR-{year}-000002"
    assert other.number == f"ML-BKO-{year}-000001"


def test_a_person_has_one_open_case_per_office(cast):
    from reintegra.cases.models import ReturnType
    from reintegra.cases.services import ReturnInput, case_open

    case = cast.case(cast.dakar)
    with pytest.raises(ValidationError):
        case_open(
            actor=cast.sup_dakar,
            person=case.person,
            office=cast.dakar,
            details=ReturnInput(return_type=ReturnType.FORCED, return_country="SN"),
        )


def test_children_get_child_cases(cast):
    child = cast.case(cast.dakar, given="Ibrahima", family="Ba", birth=date(2015, 5, 5))
    assert child.is_child
