"""The procedure's rules: who writes, what an assessment and a determination need, reviews, the return rule."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reintegra.audit.models import AuditEvent
from reintegra.cases.services import case_close, case_transfer
from reintegra.children import services
from reintegra.children.models import Determination, Solution, Status, Step
from reintegra.children.tests.world import (
    assessment,
    child_case,
    determination_input,
    determine,
    transfer_consent,
)

pytestmark = pytest.mark.django_db


def test_the_first_assessment_opens_the_procedure_and_computes_the_age(cast):
    case = child_case(cast)
    saved = assessment(cast.cp_dakar, case)
    assert saved.age_when_heard == 12  # born 2013-06-01, heard 2026-02-03
    assert saved.procedure.status == Status.ASSESSMENT
    event = AuditEvent.objects.get(event_type=AuditEvent.Type.BIP_ASSESSMENT_SAVED)
    assert event.case == case and "child_views" in event.changes["fields"]
    assert "grand-mère" not in str(event.changes)  # the audit trail names fields, never the text


def test_views_need_how_age_and_maturity_were_weighed(cast):
    case = child_case(cast)
    with pytest.raises(ValidationError) as refusal:
        assessment(cast.cp_dakar, case, maturity_weighing=" ")
    assert "maturity_weighing" in refusal.value.message_dict


def test_an_age_of_eighteen_is_refused(cast):
    with pytest.raises(ValidationError) as refusal:
        assessment(cast.cp_dakar, child_case(cast), age_when_heard=18)
    assert "age_when_heard" in refusal.value.message_dict


def test_the_assigned_case_manager_may_not_write_the_procedure(cast):
    with pytest.raises(PermissionDenied):
        assessment(cast.cm_dakar, child_case(cast))


def test_a_closed_case_keeps_its_procedure_unchanged(cast):
    case = child_case(cast)
    assessment(cast.cp_dakar, case)
    case_close(actor=cast.sup_dakar, case=case, reason="support_completed", note="")
    case.refresh_from_db()
    with pytest.raises(ValidationError):
        assessment(cast.cp_dakar, case, interviewer="Someone else")


def test_steps_move_the_procedure_to_planning_and_are_completed_or_cancelled(cast):
    case = child_case(cast)
    with pytest.raises(ValidationError):  # no assessment yet
        services.step_add(
            actor=cast.cp_dakar, case=case, data=services.StepInput(what="x", who="y", due_on=date(2026, 4, 1))
        )
    assessment(cast.cp_dakar, case)
    data = services.StepInput(what="Family tracing in Kolda", who="Social worker", due_on=date(2026, 4, 1))
    step = services.step_add(actor=cast.cp_dakar, case=case, data=data)
    assert step.procedure.status == Status.PLANNING
    services.step_set_state(actor=cast.sup_dakar, case=case, step=step, state=Step.State.DONE)
    assert step.done_on == date(2026, 3, 10)
    with pytest.raises(ValidationError):
        services.step_set_state(actor=cast.sup_dakar, case=case, step=step, state=Step.State.CANCELLED)
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.BIP_STEP_CHANGED).count() == 2


def test_a_determination_needs_two_solutions_a_considered_decision_reasons_and_a_panel(cast):
    case = child_case(cast)
    assessment(cast.cp_dakar, case)
    bad = determination_input(Solution.RESETTLEMENT, local_considered=False, reasons=" ", panel=[])
    with pytest.raises(ValidationError) as refusal:
        services.determination_record(actor=cast.cp_dakar, case=case, data=bad)
    assert set(refusal.value.message_dict) == {"return_considered", "decision", "reasons", "panel"}


def test_a_panel_member_needs_a_function(cast):
    case = child_case(cast)
    assessment(cast.cp_dakar, case)
    data = determination_input(panel=[services.PanelMember(name="Mme Diop", function="")])
    with pytest.raises(ValidationError) as refusal:
        services.determination_record(actor=cast.cp_dakar, case=case, data=data)
    assert "panel" in refusal.value.message_dict


def test_a_determination_is_final_and_a_review_supersedes_it(cast):
    case = child_case(cast)
    assessment(cast.cp_dakar, case)
    first = determine(cast.cp_dakar, case, Solution.LOCAL)
    with pytest.raises(ValidationError):
        determine(cast.sup_dakar, case)
    with pytest.raises(ValidationError):
        services.determination_review(actor=cast.sup_dakar, case=case, data=determination_input(), reason=" ")
    second = services.determination_review(
        actor=cast.sup_dakar, case=case, data=determination_input(), reason="The family was found."
    )
    assert second.supersedes == first and second.procedure.status == Status.REVIEWED
    assert Determination.objects.count() == 2
    types = list(AuditEvent.objects.filter(event_type__startswith="bip.").values_list("event_type", flat=True))
    assert AuditEvent.Type.BIP_DETERMINED in types and AuditEvent.Type.BIP_REVIEWED in types


# ------------------------------------------------------------------ the return rule (case_transfer hook)


@pytest.fixture
def bamako_child(cast):
    """A Senegalese child in Mali (host), to be handed to Dakar (origin)."""
    case = child_case(cast, cast.bamako, return_country="SN")
    transfer_consent(cast.sup_bamako, case)
    return case


def test_a_child_is_not_handed_to_the_origin_office_without_a_determination(cast, bamako_child):
    with pytest.raises(ValidationError) as refusal:
        case_transfer(actor=cast.sup_bamako, case=bamako_child, to_office=cast.dakar)
    assert "best-interests determination decided return" in str(refusal.value)


def test_a_child_is_not_handed_to_the_origin_office_when_local_integration_was_decided(cast, bamako_child):
    assessment(cast.sup_bamako, bamako_child)
    determine(cast.sup_bamako, bamako_child, Solution.LOCAL)
    with pytest.raises(ValidationError):
        case_transfer(actor=cast.sup_bamako, case=bamako_child, to_office=cast.dakar)


def test_a_child_is_handed_to_the_origin_office_after_a_return_determination(cast, bamako_child):
    assessment(cast.sup_bamako, bamako_child)
    determine(cast.sup_bamako, bamako_child, Solution.RETURN)
    case_transfer(actor=cast.sup_bamako, case=bamako_child, to_office=cast.dakar)
    assert bamako_child.office == cast.dakar


def test_a_review_to_local_integration_blocks_the_return_again(cast, bamako_child):
    assessment(cast.sup_bamako, bamako_child)
    determine(cast.sup_bamako, bamako_child, Solution.RETURN)
    services.determination_review(
        actor=cast.sup_bamako, case=bamako_child, data=determination_input(Solution.LOCAL), reason="New risk."
    )
    with pytest.raises(ValidationError):
        case_transfer(actor=cast.sup_bamako, case=bamako_child, to_office=cast.dakar)


def test_transfers_within_the_country_and_adult_transfers_are_not_affected(cast):
    child = child_case(cast)
    transfer_consent(cast.sup_dakar, child)
    case_transfer(actor=cast.sup_dakar, case=child, to_office=cast.tamba)
    adult = cast.case(cast.bamako, return_country="SN")
    transfer_consent(cast.sup_bamako, adult)
    case_transfer(actor=cast.sup_bamako, case=adult, to_office=cast.dakar)
    assert child.office == cast.tamba and adult.office == cast.dakar
