"""API test helpers: a client speaking JSON as one of the cast, by token (default) or session."""

import json
from dataclasses import dataclass, field
from datetime import date

import pytest
from django.test import Client

from reintegra.accounts.models import ApiToken

BASE = "/api/v1"


def token_for(user, name: str = "tests") -> str:
    raw = ApiToken.generate()
    ApiToken.objects.create(user=user, name=name, digest=ApiToken.digest_of(raw), prefix=raw[:8])
    return raw


@dataclass
class ApiClient:
    client: Client
    headers: dict = field(default_factory=dict)

    def get(self, path: str, params: dict | None = None, **headers):
        return self.client.get(BASE + path, params or {}, headers={**self.headers, **headers})

    def send(self, method: str, path: str, data=None, *, raw: str | None = None, **headers):
        body = raw if raw is not None else json.dumps(data if data is not None else {}, default=str)
        call = getattr(self.client, method.lower())
        return call(BASE + path, body, content_type="application/json", headers={**self.headers, **headers})

    def post(self, path: str, data=None, **kwargs):
        return self.send("POST", path, data, **kwargs)

    def patch(self, path: str, data=None, **kwargs):
        return self.send("PATCH", path, data, **kwargs)


@pytest.fixture
def api_as():
    """`api_as(user)` talks with a bearer token; `api_as(None)` is anonymous."""

    def make(user, *, session: bool = False, enforce_csrf: bool = False) -> ApiClient:
        client = Client(enforce_csrf_checks=enforce_csrf)
        if user is None:
            return ApiClient(client)
        if session:
            client.force_login(user)
            return ApiClient(client)
        return ApiClient(client, {"Authorization": f"Bearer {token_for(user)}"})

    return make


@dataclass
class World:
    """A Dakar case (unassigned, consent given) with a task and a note, a closed Dakar case, a Bamako case."""

    dakar_case: object
    closed_case: object
    bamako_case: object
    task: object


@pytest.fixture
def world(cast) -> World:
    from reintegra.cases.services import case_close, note_add, task_create

    dakar_case = cast.case(
        cast.dakar,
        phones=["+221 77 123 45 67"],
        documents=[],
    )
    task = task_create(actor=cast.sup_dakar, case=dakar_case, title="Call Mamadou", due_date=date(2026, 1, 1))
    note_add(actor=cast.sup_dakar, case=dakar_case, text="Mamadou Diallo wants a shop.", session_date=date(2026, 1, 6))
    closed = cast.case(cast.dakar, given="Awa", family="Ndiaye", birth=date(1990, 5, 1))
    case_close(actor=cast.sup_dakar, case=closed, reason="support_completed")
    bamako_case = cast.case(cast.bamako, given="Seydou", family="Keita", birth=date(1988, 7, 2))
    return World(dakar_case=dakar_case, closed_case=closed, bamako_case=bamako_case, task=task)
