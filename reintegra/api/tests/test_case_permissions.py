"""Permission stories for every case endpoint: own office, other office, each role, anonymous."""

from datetime import timedelta

import pytest
from django.utils import timezone

from reintegra.audit.models import AuditEvent

TODAY = timezone.localdate()

# Who reads the (unassigned, adult) Dakar case, and what they get.
READERS = {
    "cm_dakar": 200,  # case manager of the office: unassigned cases of the office
    "cm_dakar2": 200,
    "sup_dakar": 200,
    "pm_dakar": 200,
    "me_hq": 200,  # pseudonymised
    "cm_tamba": 404,  # case managers reach their own (sub-)office only
    "cm_bamako": 404,  # another country office
    "sup_bamako": 404,
    "cp_dakar": 404,  # child protection: child cases only
    "partner_dakar": 404,  # partners: referrals only
    "admin": 404,  # administrators: no case files
    "nobody": 404,
}
READ_PATHS = ["", "/notes", "/tasks", "/consents"]


@pytest.mark.parametrize("suffix", READ_PATHS)
@pytest.mark.parametrize(("who", "status"), READERS.items())
def test_who_reads_a_dakar_case(api_as, cast, world, who, status, suffix):
    response = api_as(getattr(cast, who)).get(f"/cases/{world.dakar_case.number}{suffix}")
    assert response.status_code == status
    if status == 404:
        assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("suffix", READ_PATHS)
def test_it_refuses_anonymous_case_reads(api_as, cast, world, suffix):
    assert api_as(None).get(f"/cases/{world.dakar_case.number}{suffix}").status_code == 401


def test_reading_a_case_file_is_audited(api_as, cast, world):
    api_as(cast.cm_dakar).get(f"/cases/{world.dakar_case.number}")
    event = AuditEvent.objects.filter(event_type=AuditEvent.Type.CASE_VIEWED).get()
    assert (event.actor, event.case) == (cast.cm_dakar, world.dakar_case)


def test_an_outsider_leaves_no_trace_and_gets_no_hint(api_as, cast, world):
    unknown = api_as(cast.cm_bamako).get("/cases/SN-DKR-2026-999999")
    hidden = api_as(cast.cm_bamako).get(f"/cases/{world.dakar_case.number}")
    assert unknown.json() == hidden.json()
    assert not AuditEvent.objects.filter(event_type=AuditEvent.Type.CASE_VIEWED).exists()


@pytest.mark.parametrize(
    ("who", "numbers"),
    [
        ("cm_dakar", ["dakar_case"]),
        ("sup_dakar", ["dakar_case"]),
        ("me_hq", ["bamako_case", "dakar_case"]),
        ("cm_bamako", ["bamako_case"]),
        ("cm_tamba", []),
        ("partner_dakar", []),
        ("admin", []),
        ("nobody", []),
    ],
)
def test_the_case_list_shows_exactly_the_users_scope(api_as, cast, world, who, numbers):
    response = api_as(getattr(cast, who)).get("/cases")
    assert response.status_code == 200
    assert sorted(c["number"] for c in response.json()["items"]) == sorted(getattr(world, n).number for n in numbers)


def test_closed_cases_are_listed_on_request(api_as, cast, world):
    response = api_as(cast.sup_dakar).get("/cases", {"stage": "closed"})
    assert [c["number"] for c in response.json()["items"]] == [world.closed_case.number]


def test_the_list_filters_overdue_mine_office_and_search(api_as, cast, world):
    client = api_as(cast.sup_dakar)
    assert [c["number"] for c in client.get("/cases", {"overdue": "true"}).json()["items"]] == [world.dakar_case.number]
    assert client.get("/cases", {"mine": "true"}).json()["items"] == []
    assert client.get("/cases", {"office": cast.bamako.pk}).json()["items"] == []
    found = client.get("/cases", {"q": "Mamadu Dialo"}).json()["items"]
    assert [c["number"] for c in found] == [world.dakar_case.number]
    assert client.get("/cases", {"q": "77 123 45 67"}).json()["items"][0]["number"] == world.dakar_case.number


def test_the_list_pages_by_cursor_with_a_capped_limit(api_as, cast, world):
    for n in range(4):
        cast.case(cast.dakar, given=f"Person{n}", family="Sow", birth=None)
    client = api_as(cast.sup_dakar)
    first = client.get("/cases", {"limit": 2}).json()
    second = client.get("/cases", {"limit": 2, "cursor": first["next_cursor"]}).json()
    third = client.get("/cases", {"limit": 2, "cursor": second["next_cursor"]}).json()
    numbers = [c["number"] for page in (first, second, third) for c in page["items"]]
    assert len(numbers) == len(set(numbers)) == 5
    assert third["next_cursor"] is None
    assert client.get("/cases", {"limit": 10_000}).status_code == 400


# ---------------------------------------------------------------- writes


def _write(world, cast, name):
    """(method, path, body) of each write endpoint, on the open Dakar case unless said otherwise."""
    number = world.dakar_case.number
    return {
        "patch_case": ("PATCH", f"/cases/{number}", {"return_region": "Thiès"}),
        "stage": ("POST", f"/cases/{number}/stage", {"to": "assessment"}),
        "assign": ("POST", f"/cases/{number}/assign", {"assigned_to": "cm.dakar2"}),
        "close": ("POST", f"/cases/{number}/close", {"reason": "support_completed"}),
        "reopen": ("POST", f"/cases/{world.closed_case.number}/reopen", {"reason": "Came back for support."}),
        "note": ("POST", f"/cases/{number}/notes", {"text": "Visit.", "session_date": str(TODAY)}),
        "task": ("POST", f"/cases/{number}/tasks", {"title": "Visit", "due_date": str(TODAY + timedelta(days=7))}),
        "task_status": ("PATCH", f"/cases/{number}/tasks/{world.task.pk}", {"status": "done"}),
        "consent": (
            "POST",
            f"/cases/{number}/consents",
            {"purpose": "monitoring", "status": "given", "decided_on": str(TODAY), "witness_name": "Fatou Sarr"},
        ),
    }[name]


# endpoint: (users who succeed, success status, users refused with 403)
WRITES = {
    "patch_case": (["cm_dakar", "sup_dakar", "pm_dakar"], 200, ["me_hq"]),
    "stage": (["cm_dakar", "sup_dakar"], 200, ["me_hq"]),
    "assign": (["sup_dakar", "pm_dakar"], 200, ["cm_dakar", "me_hq"]),
    "close": (["cm_dakar", "sup_dakar"], 200, ["me_hq"]),
    "reopen": (["sup_dakar", "pm_dakar"], 200, ["cm_dakar", "me_hq"]),
    "note": (["cm_dakar", "sup_dakar"], 201, ["me_hq"]),
    "task": (["cm_dakar", "sup_dakar"], 201, ["me_hq"]),
    "task_status": (["cm_dakar", "sup_dakar"], 200, ["me_hq"]),
    "consent": (["cm_dakar", "sup_dakar"], 201, ["me_hq"]),
}
OUTSIDERS = ["cm_tamba", "cm_bamako", "sup_bamako", "cp_dakar", "partner_dakar", "admin", "nobody"]


def _call(client, method, path, body):
    return client.get(path) if method == "GET" else client.send(method, path, body)


@pytest.mark.parametrize("endpoint", WRITES)
def test_the_office_staff_may_write(api_as, cast, world, endpoint):
    allowed, status, _refused = WRITES[endpoint]
    response = _call(api_as(getattr(cast, allowed[0])), *_write(world, cast, endpoint))
    assert response.status_code == status, response.content


@pytest.mark.parametrize("endpoint", WRITES)
def test_roles_without_the_right_are_refused_with_403(api_as, cast, world, endpoint):
    _allowed, _status, refused = WRITES[endpoint]
    for who in refused:
        response = _call(api_as(getattr(cast, who)), *_write(world, cast, endpoint))
        assert response.status_code == 403, (who, response.content)
        assert response.json()["detail"]


@pytest.mark.parametrize("endpoint", WRITES)
def test_outsiders_get_404_on_writes(api_as, cast, world, endpoint):
    for who in OUTSIDERS:
        response = _call(api_as(getattr(cast, who)), *_write(world, cast, endpoint))
        assert response.status_code == 404, (who, response.content)


@pytest.mark.parametrize("endpoint", WRITES)
def test_anonymous_writes_get_401(api_as, cast, world, endpoint):
    assert _call(api_as(None), *_write(world, cast, endpoint)).status_code == 401


def test_a_refused_write_changes_nothing(api_as, cast, world):
    before = AuditEvent.objects.count()
    api_as(cast.me_hq).post(f"/cases/{world.dakar_case.number}/stage", {"to": "assessment"})
    api_as(cast.cm_bamako).post(f"/cases/{world.dakar_case.number}/stage", {"to": "assessment"})
    world.dakar_case.refresh_from_db()
    assert world.dakar_case.stage == "intake"
    assert AuditEvent.objects.count() == before


def test_a_task_of_another_case_is_not_found(api_as, cast, world):
    other = cast.case(cast.dakar, given="Binta", family="Ba", birth=None)
    response = api_as(cast.sup_dakar).patch(f"/cases/{other.number}/tasks/{world.task.pk}", {"status": "done"})
    assert response.status_code == 404


# ---------------------------------------------------------------- what writes do


def test_a_case_moves_through_its_lifecycle(api_as, cast, world):
    client = api_as(cast.sup_dakar)
    number = world.dakar_case.number
    case = client.get(f"/cases/{number}").json()
    assert case["allowed_stage_moves"] == ["assessment"]
    assert client.post(f"/cases/{number}/stage", {"to": "assessment"}).json()["stage"] == "assessment"
    back = client.post(f"/cases/{number}/stage", {"to": "intake"})
    assert back.status_code == 400
    assert back.json()["errors"] == {"note": ["Say why the case goes back a stage."]}
    jump = client.post(f"/cases/{number}/stage", {"to": "monitoring"})
    assert jump.json()["errors"] == {"to": ["A case moves one stage at a time."]}
    assert client.post(f"/cases/{number}/assign", {"assigned_to": "cm.dakar"}).json()["assigned_to"] == {
        "username": "cm.dakar",
        "name": "cm.dakar",
    }
    early = client.post(f"/cases/{number}/close", {"reason": "lost_contact"})
    assert set(early.json()["errors"]) == {"note"}
    closed = client.post(f"/cases/{number}/close", {"reason": "lost_contact", "note": "Three calls, no answer."})
    assert (closed.json()["stage"], closed.json()["closure_group"]) == ("closed", "abrupt")
    assert client.post(f"/cases/{number}/reopen", {"reason": "He called back."}).json()["stage"] == "assessment"


def test_notes_tasks_and_consents_are_recorded(api_as, cast, world):
    client = api_as(cast.cm_dakar)
    number = world.dakar_case.number
    note = client.post(f"/cases/{number}/notes", {"text": "Business idea.", "session_date": str(TODAY)}).json()
    assert note["text"] == "Business idea."
    assert [n["id"] for n in client.get(f"/cases/{number}/notes").json()][0] == note["id"]
    task = client.post(f"/cases/{number}/tasks", {"title": "Visit", "due_date": str(TODAY)}).json()
    assert task["status"] == "open"
    done = client.patch(f"/cases/{number}/tasks/{task['id']}", {"status": "done"}).json()
    assert done["status"] == "done"
    consent = {"purpose": "monitoring", "status": "given", "decided_on": str(TODAY), "witness_name": "Fatou Sarr"}
    assert client.post(f"/cases/{number}/consents", consent).json()["in_force"] is True
    listed = client.get(f"/cases/{number}/consents").json()
    assert {(c["purpose"], c["in_force"]) for c in listed} == {("processing", True), ("monitoring", True)}
    assert client.get(f"/cases/{number}").json()["consents"]["monitoring"]["status"] == "given"


def test_consent_given_on_a_signed_form_needs_the_page(api_as, cast, world):
    body = {"purpose": "media", "status": "given", "decided_on": str(TODAY), "method": "signed_form"}
    response = api_as(cast.cm_dakar).post(f"/cases/{world.dakar_case.number}/consents", body)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"method"}


def test_return_details_are_patched_field_by_field(api_as, cast, world):
    client = api_as(cast.cm_dakar)
    number = world.dakar_case.number
    response = client.patch(f"/cases/{number}", {"return_region": "Thiès", "programme": cast.programme.pk})
    assert response.status_code == 200
    body = response.json()
    assert (body["return_region"], body["return_type"], body["programme"]["code"]) == (
        "Thiès",
        "assisted_voluntary",
        "sn-2026",
    )
    assert client.patch(f"/cases/{number}", {"arrival_date": None}).json()["arrival_date"] is None
    assert client.patch(f"/cases/{number}", {"programme": 999999}).json()["errors"] == {
        "programme": ["There is no programme with this id."]
    }
