"""Referral rules as stories: consent and the exception, the package, deadlines, status moves, audit."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reintegra.audit.models import AuditEvent
from reintegra.cases.models import ConsentStatus
from reintegra.cases.services import PersonInput, person_update
from reintegra.referrals import services
from reintegra.referrals.models import OverrideReason, Referral, Status
from reintegra.referrals.selectors import STALE_AFTER_DAYS, overdue_referrals
from reintegra.referrals.tests.conftest import TODAY, give_sharing_consent, send

EXCEPTION = services.ExceptionInput(
    reason=OverrideReason.LIFE_AT_RISK, justification="Idées suicidaires exprimées ce matin; suivi urgent."
)


def make_professional(user, qualification="Psychologue clinicienne"):
    user.is_mental_health_professional = True
    user.professional_qualification = qualification
    user.save()
    return user


# ------------------------------------------------------------------ consent


def test_it_sends_with_the_sharing_consent_in_force(cast, world):
    referral = send(cast.cm_dakar, world.awa, world.directory.tailoring, activity=world.activity)
    assert referral.status == Status.SENT
    assert referral.consent.status == ConsentStatus.GIVEN
    assert referral.organisation == world.directory.jappo
    assert referral.events.get().status == Status.SENT
    event = AuditEvent.objects.get(subject_id=str(referral.pk), event_type=AuditEvent.Type.REFERRAL_SENT)
    assert event.case == world.awa and event.actor == cast.cm_dakar


def test_it_refuses_without_sharing_consent(cast, world):
    case = cast.case(cast.dakar, given="Khady", family="Fall", assigned_to=cast.cm_dakar)
    with pytest.raises(ValidationError) as error:
        send(cast.cm_dakar, case, world.directory.tailoring)
    assert "consent" in error.value.message_dict
    assert not Referral.objects.filter(case=case).exists()


def test_withdrawn_sharing_consent_blocks_new_referrals_but_keeps_sent_ones(cast, world):
    sent = send(cast.cm_dakar, world.awa, world.directory.tailoring)
    give_sharing_consent(cast, world.awa, status=ConsentStatus.WITHDRAWN, on=TODAY)
    with pytest.raises(ValidationError):
        send(cast.cm_dakar, world.awa, world.directory.counselling)
    sent.refresh_from_db()
    assert sent.status == Status.SENT and sent.shared_snapshot["fields"][0]["value"] == "Awa Ndiaye"


def test_an_ordinary_case_manager_cannot_use_the_exception(cast, world):
    case = cast.case(cast.dakar, given="Khady", family="Fall", assigned_to=cast.cm_dakar)
    with pytest.raises(PermissionDenied):
        send(cast.cm_dakar, case, world.directory.counselling, exception=EXCEPTION)
    assert not Referral.objects.filter(case=case).exists()


def test_a_professional_sends_without_consent_with_a_justification_and_it_is_audited(cast, world):
    case = cast.case(cast.dakar, given="Khady", family="Fall", assigned_to=cast.cm_dakar)
    make_professional(cast.cm_dakar)
    referral = send(cast.cm_dakar, case, world.directory.counselling, exception=EXCEPTION)
    assert referral.consent is None and referral.is_exception
    assert referral.override_decided_by == cast.cm_dakar
    assert referral.override_qualification == "Psychologue clinicienne"
    assert referral.override_decided_on == TODAY
    event = AuditEvent.objects.get(
        event_type=AuditEvent.Type.REFERRAL_SENT_WITHOUT_CONSENT, subject_id=str(referral.pk)
    )
    assert event.changes["reason"] == "life_at_risk"
    assert event.changes["qualification"] == "Psychologue clinicienne"
    assert "suicidaires" in event.changes["justification"]
    assert not AuditEvent.objects.filter(event_type=AuditEvent.Type.REFERRAL_SENT, subject_id=str(referral.pk)).exists()


@pytest.mark.parametrize(
    ("reason", "justification", "field"),
    [
        ("life_at_risk", "", "override_justification"),
        ("life_at_risk", "urgent", "override_justification"),
        ("wants_it", "A long enough justification for the record.", "override_reason"),
    ],
)
def test_the_exception_needs_a_ground_and_a_written_justification(cast, world, reason, justification, field):
    case = cast.case(cast.dakar, given="Khady", family="Fall", assigned_to=cast.cm_dakar)
    make_professional(cast.cm_dakar)
    with pytest.raises(ValidationError) as error:
        send(cast.cm_dakar, case, world.directory.counselling, exception=services.ExceptionInput(reason, justification))
    assert field in error.value.message_dict


def test_a_professional_without_a_recorded_qualification_is_refused(cast, world):
    case = cast.case(cast.dakar, given="Khady", family="Fall", assigned_to=cast.cm_dakar)
    make_professional(cast.cm_dakar, qualification="")
    with pytest.raises(ValidationError):
        send(cast.cm_dakar, case, world.directory.counselling, exception=EXCEPTION)


def test_a_professional_of_another_office_cannot_refer(cast, world):
    make_professional(cast.cm_bamako)
    with pytest.raises(PermissionDenied):
        send(cast.cm_bamako, world.awa, world.directory.counselling, exception=EXCEPTION)


@pytest.mark.parametrize("who", ["me_hq", "partner_dakar", "admin", "nobody", "cm_bamako"])
def test_only_the_office_refers(cast, world, who):
    with pytest.raises(PermissionDenied):
        send(getattr(cast, who), world.awa, world.directory.tailoring)


# ------------------------------------------------------------------ the package


def test_the_package_holds_only_the_chosen_fields(cast, world):
    referral = send(cast.cm_dakar, world.awa, world.directory.tailoring, fields=["name", "sex", "age", "place"])
    values = {f["code"]: f["value"] for f in referral.shared_snapshot["fields"]}
    assert values == {"name": "Awa Ndiaye", "sex": "female", "age": 30, "place": "Pikine, Dakar, SN"}
    assert "+221" not in str(referral.shared_snapshot)
    assert world.awa.number not in str(referral.shared_snapshot)


def test_the_package_is_frozen_when_the_case_changes(cast, world):
    referral = send(cast.cm_dakar, world.awa, world.directory.tailoring)
    person_update(
        actor=cast.cm_dakar,
        case=world.awa,
        data=PersonInput(given_names="Awa Marie", family_name="Ndiaye", sex="female", phones=["+221 70 000 00 00"]),
    )
    referral.refresh_from_db()
    values = {f["code"]: f["value"] for f in referral.shared_snapshot["fields"]}
    assert values["name"] == "Awa Ndiaye" and values["phone"] == "+221 77 111 22 33"


def test_the_preview_is_exactly_what_is_sent(cast, world):
    data = services.ReferralInput(world.directory.tailoring, "Formation couture.", ["name", "languages"])
    preview = services.referral_preview(actor=cast.cm_dakar, case=world.awa, data=data)
    referral = services.referral_send(actor=cast.cm_dakar, case=world.awa, data=data, expected_digest=preview["digest"])
    assert referral.shared_snapshot == preview["package"]


def test_a_stale_preview_is_refused(cast, world):
    data = services.ReferralInput(world.directory.tailoring, "Formation couture.", ["name"])
    preview = services.referral_preview(actor=cast.cm_dakar, case=world.awa, data=data)
    person_update(
        actor=cast.cm_dakar, case=world.awa, data=PersonInput(given_names="Awa", family_name="Diop", sex="female")
    )
    with pytest.raises(ValidationError) as error:
        services.referral_send(actor=cast.cm_dakar, case=world.awa, data=data, expected_digest=preview["digest"])
    assert "digest" in error.value.message_dict


@pytest.mark.parametrize(
    ("fields", "need", "field"),
    [([], "x", "shared_fields"), (["ssn"], "x", "shared_fields"), (["name"], "  ", "need_summary")],
)
def test_bad_referral_input_is_a_validation_error(cast, world, fields, need, field):
    with pytest.raises(ValidationError) as error:
        send(cast.cm_dakar, world.awa, world.directory.tailoring, fields=fields, need=need)
    assert field in error.value.message_dict


def test_an_activity_delivered_directly_or_of_another_case_is_refused(cast, world):
    world.activity.delivery = "direct"
    world.activity.save()
    with pytest.raises(ValidationError) as error:
        send(cast.cm_dakar, world.awa, world.directory.tailoring, activity=world.activity)
    assert "activity" in error.value.message_dict
    with pytest.raises(ValidationError):
        send(cast.sup_dakar, world.aminata, world.directory.tailoring, activity=world.activity)


def test_an_inactive_service_or_a_closed_case_is_refused(cast, world):
    world.directory.counselling.active = False
    world.directory.counselling.save()
    with pytest.raises(ValidationError) as error:
        send(cast.cm_dakar, world.awa, world.directory.counselling)
    assert "service" in error.value.message_dict


# ------------------------------------------------------------------ deadlines


def test_the_deadline_comes_from_the_agreement_in_force_else_the_service_else_the_default(cast, world):
    assert send(cast.cm_dakar, world.awa, world.directory.tailoring).response_due == TODAY + timedelta(days=3)
    world.directory.lta.end_date = date(2026, 3, 1)
    world.directory.lta.save()
    assert send(cast.cm_dakar, world.awa, world.directory.tailoring).response_due == TODAY + timedelta(days=10)
    assert send(cast.cm_dakar, world.awa, world.directory.counselling).response_due == TODAY + timedelta(
        days=services.DEFAULT_RESPONSE_DAYS
    )


def test_overdue_lists_unanswered_after_the_deadline_and_silent_ones_after_n_days(cast, world, time_machine):
    late = send(cast.cm_dakar, world.awa, world.directory.tailoring)  # due 5 March
    silent = send(cast.cm_dakar, world.awa, world.directory.counselling)
    services.referral_accept(actor=cast.partner_dakar, referral=silent)
    assert list(overdue_referrals(cast.cm_dakar)) == []
    time_machine.move_to(TODAY + timedelta(days=4), tick=False)
    assert list(overdue_referrals(cast.cm_dakar)) == [late]
    time_machine.move_to(TODAY + timedelta(days=STALE_AFTER_DAYS + 1), tick=False)
    secret = world.secret_referral  # unanswered too, by then
    assert set(overdue_referrals(cast.cm_dakar)) == {late, silent, secret}
    services.referral_update(actor=cast.partner_dakar, referral=silent, note="Inscrite à la session d'avril.")
    assert set(overdue_referrals(cast.cm_dakar)) == {late, secret}
    assert list(overdue_referrals(cast.cm_bamako)) == []


def test_no_response_only_after_the_deadline(cast, world, time_machine):
    referral = send(cast.cm_dakar, world.awa, world.directory.tailoring)
    with pytest.raises(ValidationError):
        services.referral_mark_no_response(actor=cast.cm_dakar, referral=referral)
    time_machine.move_to(TODAY + timedelta(days=4), tick=False)
    services.referral_mark_no_response(actor=cast.cm_dakar, referral=referral, note="Appelé deux fois.")
    assert referral.status == Status.NO_RESPONSE and referral.no_response_at is not None


def test_the_sweep_marks_every_unanswered_referral_past_its_deadline(cast, world, time_machine):
    late = send(cast.cm_dakar, world.awa, world.directory.tailoring)
    answered = send(cast.cm_dakar, world.awa, world.directory.tailoring)
    services.referral_accept(actor=cast.partner_dakar, referral=answered)
    time_machine.move_to(TODAY + timedelta(days=4), tick=False)
    assert services.referrals_sweep() == 1
    late.refresh_from_db()
    assert late.status == Status.NO_RESPONSE
    assert late.events.last().actor is None
    # A late answer is still recorded.
    services.referral_accept(actor=cast.partner_dakar, referral=late, note="Désolés du retard.")
    assert late.status == Status.ACCEPTED


# ------------------------------------------------------------------ status moves


def test_the_partner_walks_the_referral_to_completion_with_dated_events(cast, world):
    referral = send(cast.cm_dakar, world.awa, world.directory.tailoring)
    services.referral_accept(actor=cast.partner_dakar, referral=referral)
    services.referral_update(actor=cast.partner_dakar, referral=referral, note="Première séance faite.")
    services.referral_update(actor=cast.partner_dakar, referral=referral, note="Mi-parcours.")
    services.referral_complete(actor=cast.partner_dakar, referral=referral, feedback="Diplômée, très motivée.")
    referral.refresh_from_db()
    assert referral.status == Status.COMPLETED
    assert referral.accepted_at and referral.started_at and referral.completed_at
    assert [e.status for e in referral.events.all()] == ["sent", "accepted", "in_progress", "in_progress", "completed"]
    assert referral.events.last().note == "Diplômée, très motivée." and referral.events.last().by_partner
    moves = AuditEvent.objects.filter(event_type=AuditEvent.Type.REFERRAL_STATUS_CHANGED, subject_id=str(referral.pk))
    assert moves.count() == 4


@pytest.mark.parametrize(
    ("path", "action"),
    [
        ([], "complete"),  # sent -> completed
        ([], "update"),  # sent -> in progress
        (["decline"], "accept"),  # declined is final
        (["accept", "complete"], "update"),  # completed is final
        (["accept", "complete"], "decline"),
    ],
)
def test_forbidden_moves_are_refused(cast, world, path, action):
    referral = send(cast.cm_dakar, world.awa, world.directory.tailoring)
    calls = {
        "accept": lambda: services.referral_accept(actor=cast.partner_dakar, referral=referral),
        "decline": lambda: services.referral_decline(actor=cast.partner_dakar, referral=referral, reason="Complet."),
        "update": lambda: services.referral_update(actor=cast.partner_dakar, referral=referral, note="Note."),
        "complete": lambda: services.referral_complete(actor=cast.partner_dakar, referral=referral, feedback="Fin."),
    }
    for step in path:
        calls[step]()
    before = referral.status
    with pytest.raises(ValidationError):
        calls[action]()
    referral.refresh_from_db()
    assert referral.status == before


@pytest.mark.parametrize("call", ["decline", "update", "complete"])
def test_declining_updating_and_completing_need_a_note(cast, world, call):
    referral = send(cast.cm_dakar, world.awa, world.directory.tailoring)
    if call != "decline":
        services.referral_accept(actor=cast.partner_dakar, referral=referral)
    with pytest.raises(ValidationError) as error:
        {
            "decline": lambda: services.referral_decline(actor=cast.partner_dakar, referral=referral, reason=" "),
            "update": lambda: services.referral_update(actor=cast.partner_dakar, referral=referral, note=""),
            "complete": lambda: services.referral_complete(actor=cast.partner_dakar, referral=referral, feedback=""),
        }[call]()
    assert "note" in error.value.message_dict


@pytest.mark.parametrize("who", ["cm_dakar", "sup_dakar", "admin", "me_hq"])
def test_only_the_addressed_partner_answers(cast, world, who):
    referral = send(cast.cm_dakar, world.awa, world.directory.tailoring)
    with pytest.raises(PermissionDenied):
        services.referral_accept(actor=getattr(cast, who), referral=referral)


def test_the_partner_cannot_answer_another_organisations_referral(cast, world):
    with pytest.raises(PermissionDenied):
        services.referral_accept(actor=cast.partner_dakar, referral=world.secret_referral)


def test_the_office_cancels_with_a_reason_and_the_partner_cannot(cast, world):
    referral = send(cast.cm_dakar, world.awa, world.directory.tailoring)
    with pytest.raises(PermissionDenied):
        services.referral_cancel(actor=cast.partner_dakar, referral=referral, reason="Non.")
    with pytest.raises(PermissionDenied):
        services.referral_cancel(actor=cast.cm_bamako, referral=referral, reason="Non.")
    with pytest.raises(ValidationError):
        services.referral_cancel(actor=cast.cm_dakar, referral=referral, reason="")
    services.referral_cancel(actor=cast.cm_dakar, referral=referral, reason="La bénéficiaire a déménagé.")
    assert referral.status == Status.CANCELLED
    with pytest.raises(ValidationError):
        services.referral_accept(actor=cast.partner_dakar, referral=referral)
