"""Closing a best-interests procedure and starting a new one: who may, what it needs, what stays readable."""

import re
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from reintegra.audit.models import AuditEvent
from reintegra.cases.services import case_close, case_transfer
from reintegra.children import services
from reintegra.children.models import ClosingReason, Procedure, Solution, Step
from reintegra.children.tests.world import (
    BIRTH,
    VIEWS,
    assessment,
    child_case,
    determination_input,
    determine,
    transfer_consent,
)
from reintegra.tests.cast import PASSWORD

pytestmark = pytest.mark.django_db

NOTE = "Handed to the DGPE office in Kolda; the social worker keeps in touch."


def another_child(cast):
    return cast.case(cast.dakar, given="Moussa", family="Ndiaye", sex="male", birth=BIRTH, assigned_to=cast.cm_dakar)


def close(actor, case, reason=ClosingReason.SOLUTION_IMPLEMENTED, note=NOTE):
    return services.procedure_close(actor=actor, case=case, reason=reason, note=note)


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def page(case, name="bip", *args):
    return reverse(f"children:{name}", args=[case.number, *args])


# ------------------------------------------------------------------ the service


@pytest.mark.parametrize("who", ["cp_dakar", "sup_dakar", "pm_dakar"])
def test_child_protection_and_supervisors_close_the_procedure(cast, awa, who):
    closed = close(getattr(cast, who), awa)
    closed.refresh_from_db()
    assert not closed.is_open and closed.closed_by == getattr(cast, who)
    assert closed.closing_reason == ClosingReason.SOLUTION_IMPLEMENTED and closed.closing_note == NOTE
    assert str(closed.closed_at.date()) == "2026-03-10"


def test_closing_is_audited_without_the_note(cast, awa):
    procedure = close(cast.cp_dakar, awa, ClosingReason.TURNED_18)
    event = AuditEvent.objects.get(event_type=AuditEvent.Type.BIP_CLOSED)
    assert event.actor == cast.cp_dakar and event.case == awa and event.subject_id == str(procedure.pk)
    assert event.changes["closing_reason"] == "turned_18" and event.changes["status"] == "determined"
    assert "Kolda" not in str(event.changes)  # the audit trail never holds the text of the note


@pytest.mark.parametrize("who", ["cm_dakar", "cm_dakar2", "me_hq", "sup_bamako", "cm_tamba", "partner_dakar"])
def test_other_roles_and_offices_may_not_close(cast, awa, who):
    with pytest.raises(PermissionDenied):
        close(getattr(cast, who), awa)
    assert Procedure.objects.get().is_open


def test_another_reason_needs_a_note(cast, awa):
    with pytest.raises(ValidationError) as refusal:
        close(cast.cp_dakar, awa, ClosingReason.OTHER, note="  ")
    assert "note" in refusal.value.message_dict
    with pytest.raises(ValidationError) as refusal:
        close(cast.cp_dakar, awa, "runaway")
    assert "reason" in refusal.value.message_dict
    assert Procedure.objects.get().is_open
    assert not close(cast.cp_dakar, awa, ClosingReason.OTHER, note="The family moved abroad.").is_open


def test_there_is_nothing_to_close_before_an_assessment_or_after_closing(cast, awa):
    with pytest.raises(ValidationError):
        close(cast.cp_dakar, another_child(cast))
    close(cast.cp_dakar, awa)
    with pytest.raises(ValidationError, match="no open best-interests procedure"):
        close(cast.sup_dakar, awa)


def test_a_closed_procedure_is_read_only(cast, awa):
    step = services.step_add(
        actor=cast.cp_dakar, case=awa, data=services.StepInput(what="Visit", who="SW", due_on=date(2026, 4, 1))
    )
    close(cast.cp_dakar, awa)
    step = Step.objects.select_related("procedure").get(pk=step.pk)
    writes = [
        lambda: services.step_add(
            actor=cast.cp_dakar, case=awa, data=services.StepInput(what="x", who="y", due_on=date(2026, 4, 1))
        ),
        lambda: services.step_set_state(actor=cast.cp_dakar, case=awa, step=step, state=Step.State.DONE),
        lambda: services.determination_record(actor=cast.cp_dakar, case=awa, data=determination_input()),
        lambda: services.determination_review(
            actor=cast.cp_dakar, case=awa, data=determination_input(Solution.LOCAL), reason="New risk."
        ),
    ]
    for write in writes:
        with pytest.raises(ValidationError, match="procedure is closed"):
            write()
    step.refresh_from_db()
    assert step.state == Step.State.OPEN and Procedure.objects.get().determinations.count() == 1


def test_a_new_assessment_after_closing_opens_a_new_procedure(cast, awa):
    first = close(cast.cp_dakar, awa)
    second = assessment(cast.sup_dakar, awa, interviewer="Moussa Diallo").procedure
    assert second.pk != first.pk and second.is_open and second.opened_by == cast.sup_dakar
    first.refresh_from_db()
    assert not first.is_open and first.assessment.interviewer == "Fatou Ba, child-protection officer"
    services.step_add(
        actor=cast.cp_dakar, case=awa, data=services.StepInput(what="Visit", who="SW", due_on=date(2026, 4, 1))
    )
    assert second.steps.count() == 1 and not first.steps.exists()
    assert services.determination_record(actor=cast.cp_dakar, case=awa, data=determination_input()).supersedes is None


def test_the_procedure_of_a_closed_case_may_still_be_closed_but_not_restarted(cast, awa):
    case_close(actor=cast.sup_dakar, case=awa, reason="support_completed", note="")
    awa.refresh_from_db()
    assert not close(cast.cp_dakar, awa, ClosingReason.CASE_CLOSED, note="").is_open
    with pytest.raises(ValidationError, match="case is closed"):
        assessment(cast.cp_dakar, awa)


# ------------------------------------------------------------------ the return rule across procedures


@pytest.fixture
def bamako_child(cast):
    """A Senegalese child in Mali (host), to be handed to Dakar (origin); return was determined."""
    case = child_case(cast, cast.bamako, return_country="SN")
    transfer_consent(cast.sup_bamako, case)
    assessment(cast.sup_bamako, case)
    determine(cast.sup_bamako, case, Solution.RETURN)
    return case


def test_the_return_determination_of_a_closed_procedure_stays_in_force(cast, bamako_child):
    close(cast.sup_bamako, bamako_child)
    assessment(cast.sup_bamako, bamako_child)  # a new procedure, no determination yet
    case_transfer(actor=cast.sup_bamako, case=bamako_child, to_office=cast.dakar)
    assert bamako_child.office == cast.dakar


def test_a_new_procedure_deciding_local_integration_blocks_the_return(cast, bamako_child):
    close(cast.sup_bamako, bamako_child)
    assessment(cast.sup_bamako, bamako_child)
    determine(cast.sup_bamako, bamako_child, Solution.LOCAL)
    with pytest.raises(ValidationError, match="best-interests determination decided return"):
        case_transfer(actor=cast.sup_bamako, case=bamako_child, to_office=cast.dakar)


def test_a_new_procedure_deciding_return_allows_it_after_local_integration(cast):
    case = child_case(cast, cast.bamako, return_country="SN")
    transfer_consent(cast.sup_bamako, case)
    assessment(cast.sup_bamako, case)
    determine(cast.sup_bamako, case, Solution.LOCAL)
    close(cast.sup_bamako, case, ClosingReason.OTHER, note="The situation at home changed.")
    assessment(cast.sup_bamako, case)
    determine(cast.sup_bamako, case, Solution.RETURN)
    case_transfer(actor=cast.sup_bamako, case=case, to_office=cast.dakar)
    assert case.office == cast.dakar


# ------------------------------------------------------------------ the pages


@pytest.mark.parametrize("who", ["cp_dakar", "sup_dakar", "pm_dakar"])
def test_full_readers_close_from_the_page(client, cast, awa, who, english_users):
    login(client, getattr(cast, who))
    assert "Close the procedure" in client.get(page(awa)).content.decode()
    assert client.get(page(awa, "close")).status_code == 200
    response = client.post(page(awa, "close"), {"reason": "handed_over", "note": ""})
    assert response.status_code == 302 and response.url == page(awa)
    assert Procedure.objects.get().closing_reason == ClosingReason.HANDED_OVER


@pytest.mark.parametrize("who", ["cm_dakar", "cm_dakar2", "cm_tamba", "sup_bamako", "me_hq", "partner_dakar"])
def test_everyone_else_gets_404_on_the_closing_page(client, cast, awa, who):
    login(client, getattr(cast, who))
    assert client.get(page(awa, "close")).status_code == 404
    assert client.post(page(awa, "close"), {"reason": "turned_18"}).status_code == 404
    assert Procedure.objects.get().is_open


def test_the_assigned_case_manager_sees_no_closing_button(client, cast, awa, english_users):
    text = login(client, cast.cm_dakar).get(page(awa)).content.decode()
    assert "Close the procedure" not in text and page(awa, "close") not in text


def test_another_reason_without_a_note_comes_back_with_the_form(client, cast, awa, english_users):
    response = login(client, cast.cp_dakar).post(page(awa, "close"), {"reason": "other", "note": " "})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Explain why the procedure is closed." in text and re.search(r'value="other"[^>]*checked', text)
    assert Procedure.objects.get().is_open


def test_the_closed_procedure_is_shown_read_only_with_its_reason(client, cast, awa, english_users):
    close(cast.cp_dakar, awa, ClosingReason.HANDED_OVER)
    text = login(client, cast.cp_dakar).get(page(awa)).content.decode()
    assert "Handed over to the national child-protection services" in text and NOTE in text
    assert VIEWS in text and "Mme Diop" in text  # still readable
    assert "Update the assessment" not in text and "Review the determination" not in text
    assert "Close the procedure" not in text and "Start a new procedure" in text
    summary = login(client, cast.cm_dakar).get(page(awa)).content.decode()
    assert "Handed over to the national child-protection services" in summary
    assert NOTE not in summary and "Start a new procedure" not in summary


def test_a_step_of_a_closed_procedure_cannot_be_completed_from_the_page(client, cast, awa, english_users):
    step = services.step_add(
        actor=cast.cp_dakar, case=awa, data=services.StepInput(what="Visit", who="SW", due_on=date(2026, 4, 1))
    )
    close(cast.cp_dakar, awa)
    response = login(client, cast.cp_dakar).post(page(awa, "step_state", step.pk), {"state": "done"}, follow=True)
    assert "procedure is closed" in response.content.decode()
    step.refresh_from_db()
    assert step.state == Step.State.OPEN


def test_a_new_procedure_starts_and_the_earlier_one_stays_readable(client, cast, awa, english_users):
    first = close(cast.cp_dakar, awa, ClosingReason.TURNED_18)
    login(client, cast.cp_dakar)
    data = {
        "care_situation": "with_family",
        "interviewer": "Moussa Diallo",
        "assessed_on": "2026-03-09",
        "acceptance": "good",
        "health_access": "good",
    }
    form = client.get(page(awa, "assessment")).content.decode()
    assert "Fatou Ba" not in form  # a blank assessment for the new procedure
    assert client.post(page(awa, "assessment"), data).status_code == 302
    text = client.get(page(awa)).content.decode()
    assert "Moussa Diallo" in text and "All procedures of this case" in text
    assert "The child turned 18" in text and page(awa, "procedure", first.pk) in text
    earlier = client.get(page(awa, "procedure", first.pk)).content.decode()
    assert "earlier procedure" in earlier and VIEWS in earlier and "Update the assessment" not in earlier
    assert "Start a new procedure" not in earlier and "Add the step" not in earlier
    viewed = AuditEvent.objects.filter(event_type=AuditEvent.Type.BIP_VIEWED, subject_id=str(first.pk))
    assert viewed.exists()


def test_the_earlier_procedure_page_keeps_each_readers_level(client, cast, awa, english_users):
    first = close(cast.cp_dakar, awa)
    assessment(cast.cp_dakar, awa)
    summary = login(client, cast.cm_dakar).get(page(awa, "procedure", first.pk))
    assert summary.status_code == 200 and VIEWS not in summary.content.decode()
    assert "Return and reintegration" in summary.content.decode()
    for who in ("cm_dakar2", "sup_bamako", "me_hq"):
        assert login(client, getattr(cast, who)).get(page(awa, "procedure", first.pk)).status_code == 404


def test_the_open_procedure_page_redirects_and_another_cases_procedure_is_404(client, cast, awa):
    other = another_child(cast)
    assessment(cast.cp_dakar, other)
    login(client, cast.cp_dakar)
    current = Procedure.objects.get(case=awa)
    assert client.get(page(awa, "procedure", current.pk)).url == page(awa)
    assert client.get(page(awa, "procedure", Procedure.objects.get(case=other).pk)).status_code == 404


def test_the_page_with_several_procedures_keeps_to_a_query_budget(client, cast, awa, django_assert_max_num_queries):
    for _ in range(4):
        close(cast.cp_dakar, awa)
        assessment(cast.cp_dakar, awa)
        determine(cast.cp_dakar, awa)
    login(client, cast.cp_dakar)
    with django_assert_max_num_queries(25):
        assert client.get(page(awa)).status_code == 200


# ------------------------------------------------------------------ the API


def test_the_api_shows_the_closed_state_to_the_summary_reader(api_as, cast, awa):
    close(cast.cp_dakar, awa, ClosingReason.HANDED_OVER)
    body = api_as(cast.cm_dakar).get(f"/cases/{awa.number}/best-interests").json()
    assert body["level"] == "summary" and body["closing_reason"] == "handed_over"
    assert body["closed_at"].startswith("2026-03-10") and body["decision"] == "return"
    assert body["closing_note"] is None and NOTE not in str(body)


def test_the_api_gives_the_full_reader_the_closing_note(api_as, cast, awa, english_users):
    open_body = api_as(cast.cp_dakar).get(f"/cases/{awa.number}/best-interests").json()
    assert open_body["closed_at"] is None and open_body["closing_reason"] is None
    close(cast.cp_dakar, awa)
    body = api_as(cast.cp_dakar).get(f"/cases/{awa.number}/best-interests").json()
    assert body["closing_reason_label"] == "Durable solution implemented" and body["closing_note"] == NOTE
