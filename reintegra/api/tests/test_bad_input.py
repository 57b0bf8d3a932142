"""Bad input on every write endpoint: always a 4xx JSON answer with field errors, never a 500.

Each endpoint has one valid body; the table derives the bad ones from it (missing fields, wrong
types, huge strings, impossible dates, unknown choices, unknown fields, malformed JSON).
"""

import json
import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.utils import timezone

TODAY = str(timezone.localdate())
SOON = str(timezone.localdate() + timedelta(days=5))
HUGE = "x" * 100_000
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Endpoint:
    method: str
    path: str  # formatted with the world: {number}, {closed}, {task}, {pseudonym}
    body: dict
    enums: set[str] = field(default_factory=set)
    optional_only: bool = False  # PATCH bodies: {} is valid
    user: str = "sup_dakar"


ENDPOINTS = {
    "register": Endpoint(
        "POST",
        "/cases",
        {
            "office": "{office}",
            "person": {
                "given_names": "Khady",
                "family_name": "Sarr",
                "sex": "female",
                "birth_date": "1999-05-05",
                "phones": ["+221 77 000 11 22"],
                "documents": [{"kind": "passport", "number": "B765432"}],
            },
            "return_details": {"return_type": "spontaneous", "return_country": "SN", "arrival_date": TODAY},
            "confirm_different": True,
        },
        enums={"sex", "return_type", "kind"},
    ),
    "patch_case": Endpoint(
        "PATCH",
        "/cases/{number}",
        {"return_region": "Thiès", "arrival_date": TODAY, "return_type": "forced", "pre_departure": False},
        enums={"return_type"},
        optional_only=True,
    ),
    "stage": Endpoint("POST", "/cases/{number}/stage", {"to": "assessment", "note": "Ready."}, enums={"to"}),
    "assign": Endpoint("POST", "/cases/{number}/assign", {"assigned_to": "cm.dakar"}),
    "close": Endpoint(
        "POST",
        "/cases/{number}/close",
        {"reason": "support_completed", "note": "Done.", "remigration_intention": False},
        enums={"reason"},
    ),
    "reopen": Endpoint("POST", "/cases/{closed}/reopen", {"reason": "Came back."}),
    "note": Endpoint(
        "POST", "/cases/{number}/notes", {"text": "Talked.", "session_date": TODAY, "kind": "contact"}, enums={"kind"}
    ),
    "task": Endpoint(
        "POST",
        "/cases/{number}/tasks",
        {"title": "Visit", "due_date": SOON, "kind": "general", "assignee": "cm.dakar"},
        enums={"kind"},
    ),
    "task_status": Endpoint("PATCH", "/cases/{number}/tasks/{task}", {"status": "done"}, enums={"status"}),
    "consent": Endpoint(
        "POST",
        "/cases/{number}/consents",
        {
            "purpose": "sharing",
            "status": "given",
            "decided_on": TODAY,
            "method": "verbal_witnessed",
            "witness_name": "Fatou Sarr",
            "note": "",
        },
        enums={"purpose", "status", "method"},
    ),
    "patch_person": Endpoint(
        "PATCH",
        "/persons/{pseudonym}",
        {"languages": "Wolof", "birth_date": "1994-03-12", "sex": "male", "phones": ["+221 70 111 22 33"]},
        enums={"sex"},
        optional_only=True,
    ),
    "duplicates": Endpoint(
        "POST",
        "/persons/duplicates",
        {"given_names": "Mamadou", "family_name": "Diallo", "birth_date": "1994-03-12", "documents": ["A1"]},
        optional_only=True,
    ),
}


def _leaves(body: dict, prefix: str = ""):
    """(dotted path, value) of every field, nested objects included (and first items of lists of objects)."""
    for key, value in body.items():
        path = f"{prefix}{key}"
        yield path, value
        if isinstance(value, dict):
            yield from _leaves(value, path + ".")
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            yield from _leaves(value[0], f"{path}.0.")


def _with(body: dict, path: str, value) -> dict:
    copy = json.loads(json.dumps(body))
    target = copy
    *parents, last = path.split(".")
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[last] = value
    return copy


def variants(endpoint: Endpoint):
    """(label, raw JSON text, expected error field or None) for each bad body."""
    yield "malformed JSON", '{"text": ', "non_field_errors"
    yield "a list instead of an object", "[1, 2]", None
    yield "a bare string", '"hello"', None
    yield "unknown field", json.dumps({**endpoint.body, "colour": "blue"}), "colour"
    if not endpoint.optional_only:
        yield "empty object", "{}", None
    for path, value in _leaves(endpoint.body):
        yield f"{path}: object", json.dumps(_with(endpoint.body, path, {"x": 1})), path
        name = path.rsplit(".", 1)[-1]
        if isinstance(value, str) and name not in endpoint.enums:
            yield f"{path}: huge", json.dumps(_with(endpoint.body, path, HUGE)), path
            yield f"{path}: NUL character", json.dumps(_with(endpoint.body, path, "a\x00b")), path
        if isinstance(value, int) and not isinstance(value, bool):
            yield f"{path}: huge number", json.dumps(_with(endpoint.body, path, 10**30)), path
        if isinstance(value, str) and DATE.match(value):
            yield f"{path}: impossible date", json.dumps(_with(endpoint.body, path, "2026-02-30")), path
            yield f"{path}: number as date", json.dumps(_with(endpoint.body, path, 1700000000)), path
            yield f"{path}: words as date", json.dumps(_with(endpoint.body, path, "next tuesday")), path
        if name in endpoint.enums:
            yield f"{path}: unknown choice", json.dumps(_with(endpoint.body, path, "no-such-choice")), path
        if isinstance(value, list):
            yield f"{path}: too many", json.dumps(_with(endpoint.body, path, value * 11 if value else [""] * 11)), path


def _format(endpoint: Endpoint, cast, world) -> tuple[str, str]:
    values = {
        "number": world.dakar_case.number,
        "closed": world.closed_case.number,
        "task": world.task.pk,
        "pseudonym": world.dakar_case.person.pseudonym,
        "office": cast.dakar.pk,
    }
    body = json.dumps(endpoint.body).replace('"{office}"', str(values["office"]))
    return endpoint.path.format(**values), body


@pytest.mark.parametrize("name", ENDPOINTS)
def test_bad_input_gets_a_4xx_json_answer_with_field_errors(api_as, cast, world, name):
    endpoint = ENDPOINTS[name]
    path, valid = _format(endpoint, cast, world)
    client = api_as(getattr(cast, endpoint.user))
    problems = []
    for label, raw, expected_field in variants(Endpoint(**{**endpoint.__dict__, "body": json.loads(valid)})):
        response = client.send(endpoint.method, path, raw=raw)
        if response.status_code != 400 or response["Content-Type"] != "application/json":
            problems.append((label, response.status_code, response.content[:200]))
            continue
        body = response.json()
        if not isinstance(body.get("detail"), str) or not body.get("errors"):
            problems.append((label, "no detail or errors", body))
        elif expected_field and not any(
            k == expected_field or k.startswith(expected_field + ".") for k in body["errors"]
        ):
            problems.append((label, "error not on the field", body["errors"]))
    assert problems == []
    # The valid body really is valid, so each failure above came from the one thing changed.
    response = client.send(endpoint.method, path, raw=valid)
    assert response.status_code < 300, response.content


def test_an_empty_body_is_a_400(api_as, cast, world):
    response = api_as(cast.sup_dakar).send("POST", f"/cases/{world.dakar_case.number}/stage", raw="")
    assert response.status_code == 400
    assert response.json()["errors"]


def test_bad_query_parameters_are_a_400(api_as, cast, world):
    client = api_as(cast.sup_dakar)
    for params in [
        {"stage": "nowhere"},
        {"limit": "many"},
        {"limit": 0},
        {"cursor": -1},
        {"office": "dakar"},
        {"q": HUGE[:500]},
        {"overdue": "perhaps"},
    ]:
        response = client.get("/cases", params)
        assert response.status_code == 400, params
        assert response.json()["errors"], params


def test_a_non_numeric_task_id_is_a_400_not_a_500(api_as, cast, world):
    response = api_as(cast.sup_dakar).patch(f"/cases/{world.dakar_case.number}/tasks/abc", {"status": "done"})
    assert response.status_code in (400, 404)
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "path",
    [
        "/cases/" + "9" * 5000,
        "/cases/SN%00DKR",
        "/persons/P-%00",
        "/persons/" + "P" * 500,
        "/cases/X/tasks/" + "9" * 30,
    ],
)
def test_odd_paths_are_a_4xx_never_a_500(api_as, cast, path):
    response = api_as(cast.sup_dakar).get(path)
    assert response.status_code in (400, 404, 405)
    assert response["Content-Type"] == "application/json"


def test_huge_ids_in_queries_are_a_400(api_as, cast):
    for params in [{"cursor": 10**30}, {"office": 10**30}]:
        assert api_as(cast.sup_dakar).get("/cases", params).status_code == 400
    assert api_as(cast.sup_dakar).get("/persons", {"cursor": 10**30}).status_code == 400


def test_a_body_over_the_upload_limit_is_refused_in_json(api_as, cast, world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api_as(cast.sup_dakar).post(f"/cases/{world.dakar_case.number}/notes", {"text": "x" * 5000})
    assert response.status_code == 413
    assert response.json()["detail"]


def test_a_wrong_method_is_a_json_405(api_as, cast, world):
    response = api_as(cast.sup_dakar).send("DELETE", f"/cases/{world.dakar_case.number}")
    assert response.status_code == 405
    assert response.json()["detail"]
    assert set(response["Allow"].split(", ")) == {"GET", "PATCH"}
