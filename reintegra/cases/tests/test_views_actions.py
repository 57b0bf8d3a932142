"""Permission stories of every POST on a case file, and the lifecycle rules as the user meets them."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from reintegra.audit.models import AuditEvent
from reintegra.cases.models import Case, ClosureReason, ConsentMethod, ConsentPurpose, ConsentStatus, Stage, Task
from reintegra.cases.services import case_change_stage, case_close, consent_record, task_create

pytestmark = pytest.mark.usefixtures("english_users")


@pytest.fixture
def case(cast):
    """Awa's case in Dakar, assigned to cm_dakar, with consent to processing."""
    return cast.case(cast.dakar, given="Awa", family="Ndiaye", assigned_to=cast.cm_dakar)


def post(client, user, name, case, data=None, *extra, **kwargs):
    client.force_login(user)
    return client.post(reverse(f"cases:{name}", args=[case.number, *extra]), data or {}, **kwargs)


def fresh(case) -> Case:
    case.refresh_from_db()
    return case


def give_consent(cast, case, purpose):
    consent_record(
        actor=cast.sup_dakar,
        case=case,
        purpose=purpose,
        status=ConsentStatus.GIVEN,
        decided_on=date(2026, 1, 5),
        method=ConsentMethod.VERBAL_WITNESSED,
        witness_name="Fatou Sarr",
    )


# Every action, with valid data, for the permission stories below.
def actions(cast):
    today = timezone.localdate().isoformat()
    return {
        "case_stage": {"to_stage": Stage.ASSESSMENT},
        "case_close": {"reason": ClosureReason.SUPPORT_COMPLETED},
        "household_add": {"given_names": "Khady", "family_name": "Ndiaye", "sex": "female", "relationship": "spouse"},
        "consent_add": {
            "purpose": ConsentPurpose.MEDIA,
            "status": ConsentStatus.REFUSED,
            "decided_on": today,
            "method": ConsentMethod.VERBAL_WITNESSED,
            "witness_name": "Fatou Sarr",
        },
        "note_add": {"kind": "counselling", "session_date": today, "text": "First session."},
        "task_add": {"title": "Visit", "kind": "general", "due_date": today},
        "case_transfer": {"to_office": cast.bamako.pk},
        "case_assign": {"assigned_to": cast.cm_dakar2.pk},
    }


@pytest.mark.parametrize("name", ["cm_bamako", "cm_tamba", "cm_dakar2", "partner_dakar", "admin", "nobody"])
@pytest.mark.parametrize(
    "action",
    [
        "case_stage",
        "case_close",
        "household_add",
        "consent_add",
        "note_add",
        "task_add",
        "case_transfer",
        "case_assign",
    ],
)
def test_outsiders_get_404_on_every_action(client, cast, case, name, action):
    response = post(client, getattr(cast, name), action, case, actions(cast)[action])
    assert response.status_code == 404
    assert AuditEvent.objects.filter(actor=getattr(cast, name)).count() == 0


@pytest.mark.parametrize(
    "action",
    [
        "case_stage",
        "case_close",
        "household_add",
        "consent_add",
        "note_add",
        "task_add",
        "case_transfer",
        "case_assign",
    ],
)
def test_me_officer_sees_but_may_not_act_a_translated_403(client, cast, case, action):
    response = post(client, cast.me_hq, action, case, actions(cast)[action])
    assert response.status_code == 403
    assert "may" in response.content.decode()
    assert "Awa" not in response.content.decode()
    assert not AuditEvent.objects.filter(actor=cast.me_hq).exclude(event_type=AuditEvent.Type.CASE_VIEWED).exists()


@pytest.mark.parametrize("action", ["case_stage", "household_add", "note_add", "task_add", "case_close"])
@pytest.mark.parametrize("name", ["cm_dakar", "sup_dakar", "pm_dakar"])
def test_caseworkers_of_the_office_may_act(client, cast, case, action, name):
    response = post(client, getattr(cast, name), action, case, actions(cast)[action])
    assert response.status_code == 302


def test_supervisor_reaches_the_sub_office(client, cast):
    tamba = cast.case(cast.tamba, given="Demba", family="Kane", assigned_to=cast.cm_tamba)
    response = post(client, cast.sup_dakar, "note_add", tamba, actions(cast)["note_add"])
    assert response.status_code == 302
    assert tamba.notes.count() == 1


def test_anonymous_posts_go_to_login(client, cast, case):
    response = client.post(reverse("cases:note_add", args=[case.number]), actions(cast)["note_add"])
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert not case.notes.exists()


def test_actions_refuse_get(client, cast, case):
    client.force_login(cast.cm_dakar)
    assert client.get(reverse("cases:note_add", args=[case.number])).status_code == 405


# Stage moves through the interface.


def test_the_page_offers_only_allowed_moves(client, cast, case):
    client.force_login(cast.cm_dakar)
    html = client.get(case.get_absolute_url()).content.decode()
    assert "Move to Assessment" in html
    assert "Back to" not in html
    assert "Move to Planning" not in html


def test_moving_forward_records_the_change(client, cast, case):
    response = post(client, cast.cm_dakar, "case_stage", case, {"to_stage": Stage.ASSESSMENT})
    assert response.status_code == 302
    assert fresh(case).stage == Stage.ASSESSMENT
    assert case.stage_changes.filter(to_stage=Stage.ASSESSMENT, actor=cast.cm_dakar).exists()


def test_no_forward_move_without_processing_consent(client, cast):
    case = cast.case(cast.dakar, given="Ousmane", family="Ba", consent=False, assigned_to=cast.cm_dakar)
    client.force_login(cast.cm_dakar)
    assert "Move to Assessment" not in client.get(case.get_absolute_url()).content.decode()
    response = post(client, cast.cm_dakar, "case_stage", case, {"to_stage": Stage.ASSESSMENT})
    assert response.status_code == 400
    assert "Consent to processing" in response.content.decode()
    assert fresh(case).stage == Stage.INTAKE


def test_going_back_asks_for_a_note(client, cast, case):
    case_change_stage(actor=cast.cm_dakar, case=case, to_stage=Stage.ASSESSMENT)
    client.force_login(cast.cm_dakar)
    html = client.get(case.get_absolute_url()).content.decode()
    assert "Back to Intake" in html
    response = post(client, cast.cm_dakar, "case_stage", case, {"to_stage": Stage.INTAKE})
    assert response.status_code == 400
    assert "Say why the case goes back a stage" in response.content.decode()
    assert fresh(case).stage == Stage.ASSESSMENT
    response = post(client, cast.cm_dakar, "case_stage", case, {"to_stage": Stage.INTAKE, "note": "Missed a step"})
    assert response.status_code == 302
    assert fresh(case).stage == Stage.INTAKE


def test_stages_cannot_be_skipped_nor_closed_by_a_move(client, cast, case):
    for stage in (Stage.PLANNING, Stage.CLOSED, "nonsense"):
        response = post(client, cast.cm_dakar, "case_stage", case, {"to_stage": stage})
        assert response.status_code == 400
    assert fresh(case).stage == Stage.INTAKE


def test_a_host_office_case_stops_at_assessment(client, cast):
    case = cast.case(cast.dakar, given="Moussa", family="Traore", return_country="ML", assigned_to=cast.cm_dakar)
    assert post(client, cast.cm_dakar, "case_stage", case, {"to_stage": Stage.ASSESSMENT}).status_code == 302
    html = client.get(case.get_absolute_url()).content.decode()
    assert "Move to Planning" not in html
    response = post(client, cast.cm_dakar, "case_stage", case, {"to_stage": Stage.PLANNING})
    assert response.status_code == 400
    assert "transfer it to the country of return" in response.content.decode()


# Assignment, transfer, closure, reopening.


def test_supervisor_reassigns_a_case(client, cast, case):
    response = post(client, cast.sup_dakar, "case_assign", case, {"assigned_to": cast.cm_dakar2.pk})
    assert response.status_code == 302
    assert fresh(case).assigned_to == cast.cm_dakar2
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.CASE_ASSIGNED, actor=cast.sup_dakar).exists()


def test_supervisor_may_unassign(client, cast, case):
    assert post(client, cast.sup_dakar, "case_assign", case, {"assigned_to": ""}).status_code == 302
    assert fresh(case).assigned_to is None


def test_case_manager_may_not_reassign(client, cast, case):
    response = post(client, cast.cm_dakar, "case_assign", case, {"assigned_to": cast.cm_dakar2.pk})
    assert response.status_code == 403
    assert "supervisor" in response.content.decode()
    assert fresh(case).assigned_to == cast.cm_dakar


def test_assignee_must_be_a_case_manager_of_the_office(client, cast, case):
    response = post(client, cast.sup_dakar, "case_assign", case, {"assigned_to": cast.cm_bamako.pk})
    assert response.status_code == 400
    assert fresh(case).assigned_to == cast.cm_dakar


def test_transfer_needs_consent_and_says_so(client, cast, case):
    response = post(client, cast.cm_dakar, "case_transfer", case, {"to_office": cast.bamako.pk, "reason": "Moved"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "has not consented to the transfer" in html
    assert "Moved" in html
    assert fresh(case).office == cast.dakar


def test_transfer_with_consent_hands_the_case_over(client, cast, case):
    give_consent(cast, case, ConsentPurpose.TRANSFER)
    response = post(client, cast.cm_dakar, "case_transfer", case, {"to_office": cast.bamako.pk}, follow=True)
    assert fresh(case).office == cast.bamako
    assert case.assigned_to is None
    # The Dakar case manager no longer sees it: back to her caseload, not a 404.
    assert response.redirect_chain[-1][0] == reverse("cases:caseload")
    client.force_login(cast.sup_bamako)
    assert client.get(case.get_absolute_url()).status_code == 200


def test_the_transfer_list_offers_any_other_office(client, cast, case):
    client.force_login(cast.cm_dakar)
    html = client.get(case.get_absolute_url()).content.decode()
    assert ">Bamako</option>" in html


def test_closing_offers_grouped_reasons(client, cast, case):
    client.force_login(cast.cm_dakar)
    html = client.get(case.get_absolute_url()).content.decode()
    for group in ("Planned completion", "Abrupt (returnee-initiated)", "Death", "Involuntary (provider side)"):
        assert f'<optgroup label="{group}">' in html


def test_an_abrupt_closure_needs_the_reasons_explored(client, cast, case):
    data = {"reason": ClosureReason.REMIGRATED, "remigration_intention": "yes"}
    response = post(client, cast.cm_dakar, "case_close", case, data)
    assert response.status_code == 400
    assert "write what was explored" in response.content.decode()
    assert fresh(case).stage == Stage.INTAKE
    data["note"] = "Family debts; discussed local options."
    assert post(client, cast.cm_dakar, "case_close", case, data).status_code == 302
    case = fresh(case)
    assert (case.stage, case.closure_group, case.remigration_intention) == (Stage.CLOSED, "abrupt", True)


def test_closing_without_a_reason_is_refused(client, cast, case):
    assert post(client, cast.cm_dakar, "case_close", case, {"reason": ""}).status_code == 400
    assert fresh(case).stage == Stage.INTAKE


def test_only_a_supervisor_reopens_with_a_reason(client, cast, case):
    case_close(actor=cast.cm_dakar, case=case, reason=ClosureReason.SUPPORT_COMPLETED)
    assert post(client, cast.cm_dakar, "case_reopen", case, {"reason": "Back"}).status_code == 403
    assert post(client, cast.me_hq, "case_reopen", case, {"reason": "Back"}).status_code == 403
    assert post(client, cast.cm_bamako, "case_reopen", case, {"reason": "Back"}).status_code == 404
    assert post(client, cast.sup_dakar, "case_reopen", case, {"reason": ""}).status_code == 400
    assert fresh(case).stage == Stage.CLOSED
    html = client.get(case.get_absolute_url()).content.decode()
    assert reverse("cases:case_reopen", args=[case.number]) in html
    assert post(client, cast.sup_dakar, "case_reopen", case, {"reason": "New needs"}).status_code == 302
    assert fresh(case).stage == Stage.INTAKE


# Household, consent, notes, tasks.


def test_household_member_is_added(client, cast, case):
    response = post(client, cast.cm_dakar, "household_add", case, actions(cast)["household_add"])
    assert response.status_code == 302
    assert response.url.endswith("?tab=household")
    html = client.get(response.url).content.decode()
    assert "Khady Ndiaye" in html
    assert "Spouse or partner" in html


def test_household_member_errors_keep_the_values(client, cast, case):
    data = {**actions(cast)["household_add"], "relationship": ""}
    response = post(client, cast.cm_dakar, "household_add", case, data)
    assert response.status_code == 400
    assert 'value="Khady"' in response.content.decode()


def test_consent_with_a_signed_form(client, cast, case):
    data = {
        **actions(cast)["consent_add"],
        "purpose": ConsentPurpose.SHARING,
        "status": ConsentStatus.GIVEN,
        "method": ConsentMethod.SIGNED_FORM,
        "document": SimpleUploadedFile("form.pdf", b"%PDF-1.4 form", content_type="application/pdf"),
    }
    response = post(client, cast.cm_dakar, "consent_add", case, data)
    assert response.status_code == 302
    consent = case.consents.get(purpose=ConsentPurpose.SHARING)
    assert consent.document and consent.recorded_by == cast.cm_dakar
    html = client.get(response.url).content.decode()
    assert reverse("cases:consent_document", args=[case.number, consent.pk]) in html


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("form.exe", b"MZ...", "not accepted"),
        ("form.pdf", b"MZ pretending", "does not match its type"),
        ("form.png", b"%PDF-1.4", "does not match its type"),
    ],
)
def test_uploads_are_limited_in_type(client, cast, case, name, content, message):
    data = {
        **actions(cast)["consent_add"],
        "method": ConsentMethod.SIGNED_FORM,
        "document": SimpleUploadedFile(name, content),
    }
    response = post(client, cast.cm_dakar, "consent_add", case, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not case.consents.filter(purpose=ConsentPurpose.MEDIA).exists()


def test_uploads_are_limited_in_size(client, cast, case, settings):
    settings.UPLOAD_MAX_BYTES = 100
    data = {
        **actions(cast)["consent_add"],
        "method": ConsentMethod.SIGNED_FORM,
        "document": SimpleUploadedFile("form.pdf", b"%PDF-1.4" + b"x" * 200),
    }
    response = post(client, cast.cm_dakar, "consent_add", case, data)
    assert response.status_code == 400
    assert "too large" in response.content.decode()


def test_verbal_consent_needs_a_witness(client, cast, case):
    data = {**actions(cast)["consent_add"], "witness_name": ""}
    response = post(client, cast.cm_dakar, "consent_add", case, data)
    assert response.status_code == 400
    assert "needs the name of a witness" in response.content.decode()


def test_withdrawing_monitoring_consent_shows_the_banner_and_cancels_follow_up(client, cast, case):
    give_consent(cast, case, ConsentPurpose.MONITORING)
    task = task_create(
        actor=cast.cm_dakar, case=case, title="Call", due_date=date(2026, 12, 1), kind=Task.Kind.FOLLOW_UP_CONTACT
    )
    data = {**actions(cast)["consent_add"], "purpose": ConsentPurpose.MONITORING, "status": ConsentStatus.WITHDRAWN}
    assert post(client, cast.cm_dakar, "consent_add", case, data).status_code == 302
    task.refresh_from_db()
    assert task.status == Task.Status.CANCELLED
    html = client.get(case.get_absolute_url()).content.decode()
    assert "Consent withdrawn" in html


def test_note_is_added_and_listed(client, cast, case):
    response = post(client, cast.cm_dakar, "note_add", case, actions(cast)["note_add"])
    assert response.url.endswith("?tab=notes")
    assert "First session." in client.get(response.url).content.decode()


def test_empty_or_future_note_is_refused_with_values_kept(client, cast, case):
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    response = post(client, cast.cm_dakar, "note_add", case, {"kind": "contact", "session_date": future, "text": "x"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "cannot be in the future" in html
    assert f'value="{future}"' in html
    assert '<option value="contact" selected>' in html


def test_task_is_added_marked_done_and_cancelled(client, cast, case):
    data = {**actions(cast)["task_add"], "assignee": cast.cm_dakar2.pk}
    assert post(client, cast.cm_dakar, "task_add", case, data).status_code == 302
    task = case.tasks.get()
    assert task.assignee == cast.cm_dakar2
    assert post(client, cast.cm_dakar, "task_status", case, {"status": "done"}, task.pk).status_code == 302
    task.refresh_from_db()
    assert task.status == Task.Status.DONE
    assert post(client, cast.cm_dakar, "task_status", case, {"status": "cancelled"}, task.pk).status_code == 302
    task.refresh_from_db()
    assert task.status == Task.Status.CANCELLED


def test_follow_up_task_needs_monitoring_consent(client, cast, case):
    data = {**actions(cast)["task_add"], "kind": Task.Kind.FOLLOW_UP_CONTACT}
    response = post(client, cast.cm_dakar, "task_add", case, data)
    assert response.status_code == 400
    assert "not consented to monitoring contact" in response.content.decode()


def test_task_status_of_another_case_is_404(client, cast, case):
    other = cast.case(cast.bamako, given="Fatoumata", family="Keita")
    task = task_create(actor=cast.sup_bamako, case=other, title="Visit", due_date=date(2026, 12, 1))
    assert post(client, cast.cm_dakar, "task_status", case, {"status": "done"}, task.pk).status_code == 404
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN


def test_me_officer_cannot_change_a_task(client, cast, case):
    task = task_create(actor=cast.cm_dakar, case=case, title="Visit", due_date=date(2026, 12, 1))
    assert post(client, cast.me_hq, "task_status", case, {"status": "done"}, task.pk).status_code == 403
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN


# Profile and return details.


def test_case_manager_corrects_the_profile(client, cast, case):
    client.force_login(cast.cm_dakar)
    edit = reverse("cases:person_edit", args=[case.number])
    html = client.get(edit).content.decode()
    assert 'value="Ndiaye"' in html
    data = {"given_names": "Awa", "family_name": "Ndiaye-Sow", "sex": "female", "phone_1": "+221 70 111 22 33"}
    assert client.post(edit, data).status_code == 302
    person = fresh(case).person
    assert person.family_name == "Ndiaye-Sow"
    assert [p.number for p in person.phones.all()] == ["+221 70 111 22 33"]
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.PERSON_UPDATED).exists()


def test_profile_errors_keep_the_values(client, cast, case):
    client.force_login(cast.cm_dakar)
    edit = reverse("cases:person_edit", args=[case.number])
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(edit, {"given_names": "Awa", "family_name": "Nd", "sex": "female", "birth_date": future})
    assert response.status_code == 400
    html = response.content.decode()
    assert "cannot be in the future" in html
    assert 'value="Nd"' in html


def test_case_manager_corrects_the_return_details(client, cast, case):
    client.force_login(cast.cm_dakar)
    edit = reverse("cases:case_edit", args=[case.number])
    assert client.get(edit).status_code == 200
    data = {"return_type": "spontaneous", "return_country": "sn", "return_region": "Kolda"}
    assert client.post(edit, data).status_code == 302
    case = fresh(case)
    assert (case.return_type, case.return_country, case.return_region) == ("spontaneous", "SN", "Kolda")


@pytest.mark.parametrize("page", ["person_edit", "case_edit"])
def test_me_officer_gets_no_edit_form_and_no_identity(client, cast, case, page):
    client.force_login(cast.me_hq)
    response = client.get(reverse(f"cases:{page}", args=[case.number]))
    assert response.status_code == 403
    assert "Ndiaye" not in response.content.decode()


@pytest.mark.parametrize("page", ["person_edit", "case_edit"])
@pytest.mark.parametrize("name", ["cm_bamako", "cm_dakar2", "partner_dakar", "admin"])
def test_outsiders_get_404_on_edit_pages(client, cast, case, page, name):
    client.force_login(getattr(cast, name))
    assert client.get(reverse(f"cases:{page}", args=[case.number])).status_code == 404
