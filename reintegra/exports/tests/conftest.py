"""The export stories' world: returnees with distinctive identities in Dakar, Tambacounda and Bamako,
each with assessments (a public and a sensitive questionnaire with free text), a plan with money,
a referral and a score, so that any identifier leaking into a pseudonymised file is found.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from reintegra.api.tests.conftest import api_as  # noqa: F401 -- the API client fixture, shared
from reintegra.cases.models import Case
from reintegra.cases.services import DocumentInput
from reintegra.directory.tests.conftest import directory  # noqa: F401 -- the directory fixture, shared
from reintegra.instruments.services import response_record
from reintegra.instruments.tests.conftest import make_instrument
from reintegra.plans.models import Activity, ActivityType, Disbursement, ExchangeRate, Plan
from reintegra.referrals.tests.conftest import give_sharing_consent, send
from reintegra.scoring.models import Score, ScoringProfile
from reintegra.scoring.tests.factories import mini_definition

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass
class Returnee:
    case: Case
    secrets: list[str]  # strings that must never appear in a pseudonymised export


@dataclass
class World:
    directory: object
    household: object  # instrument version, not sensitive
    private: object  # instrument version of a sensitive instrument
    dakar: Returnee
    tamba: Returnee
    bamako: Returnee
    child: Returnee
    others: Returnee  # a Dakar case assigned to cm_dakar2
    secrets: list[str] = field(default_factory=list)


def answers(tag: str) -> dict:
    return {
        "age": "34",
        "works": "yes",
        "job": f"Tailleur chez {tag}job",
        "income": "45000",
        "arrived": "2026-01-02",
        "members": [{"member_name": f"{tag}member", "member_age": "9", "member_school": "yes"}],
        "needs": ["food", "other"],
        "needs_other": f"{tag}need",
        "wants_support": "yes",
    }


def returnee(cast, world_parts, office, tag: str, *, assigned_to=None, birth=date(1991, 7, 19), actor=None) -> Returnee:
    household, private, providers, profile = world_parts
    phone = {"dakar": "+221 77 501 23 45", "tamba": "+221 76 602 34 56"}.get(tag, "+223 66 703 45 67")
    if tag == "child":
        phone = "+221 70 804 56 78"
    if tag == "others":
        phone = "+221 78 905 67 89"
    case = cast.case(
        office,
        given=f"{tag.title()}given",
        family=f"{tag.title()}family",
        alternative_names=f"{tag.title()}alias",
        birth=birth,
        phones=[phone],
        documents=[DocumentInput(kind="passport", number=f"{tag.upper()}DOC778899")],
        assigned_to=assigned_to,
        actor=actor,
    )
    Case.objects.filter(pk=case.pk).update(
        return_region="Kolda",
        return_district="Velingara",
        return_locality=f"Rue {tag}locality",
        arrival_date=date(2026, 1, 15),
        programme=cast.programme if office != cast.bamako else None,
    )
    case.refresh_from_db()
    worker = actor or (cast.sup_bamako if office == cast.bamako else cast.sup_dakar)
    meta = {"occasion": "screening", "interview_date": date(2026, 2, 1), "interviewer_name": f"{tag}interviewer"}
    public = response_record(actor=worker, case=case, version=household, answers=answers(tag), **meta)
    response_record(actor=worker, case=case, version=private, answers=answers(tag + "private"), **meta)
    Score.objects.create(
        response=public, profile=profile, case=case, economic=0.5, social=0.25, psychosocial=0.75, composite=0.5
    )
    plan = Plan.objects.create(case=case, plan_date=date(2026, 2, 10), status=Plan.Status.APPROVED, created_by=worker)
    activity = Activity.objects.create(
        plan=plan,
        type=ActivityType.objects.get(code="vocational_training"),
        dimension="economic",
        modality="in_kind",
        delivery="referral",
        provider_service=providers.tailoring,
        provider_name=f"Boutique {tag}provider",
        description=f"Atelier chez {tag}description",
        estimated_cost=Decimal("100.00"),
        currency="EUR",
    )
    Disbursement.objects.create(
        activity=activity,
        paid_on=date(2026, 2, 20),
        amount=Decimal("50.00"),
        currency="EUR",
        kind="purchase",
        supplier=f"{tag}supplier",
        recorded_by=worker,
    )
    if office != cast.bamako:  # Bamako's returnee has no referral
        give_sharing_consent(cast, case)
        send(cast.sup_dakar, case, providers.tailoring, need=f"Besoin {tag}referralneed", activity=activity)
    secrets = [
        f"{tag.title()}given",
        f"{tag.title()}family",
        f"{tag.title()}alias",
        phone,
        phone.replace(" ", ""),
        f"{tag.upper()}DOC778899",
        f"{tag}locality",
        f"{tag}job",
        f"{tag}member",
        f"{tag}need",
        f"{tag}interviewer",
        f"{tag}provider",
        f"{tag}description",
        f"{tag}supplier",
        f"{tag}referralneed",
        case.number,
        "1991-07-19",
        "2026-01-15",
    ]
    secrets += [r.reference for r in case.referrals.all()]
    return Returnee(case, secrets)


@pytest.fixture
def world(cast, directory, time_machine) -> World:  # noqa: F811 -- the shared fixture
    time_machine.move_to(NOW, tick=False)
    household = make_instrument("household")
    private = make_instrument("household_private", sensitive=True)
    profile = ScoringProfile.objects.create(
        code="mini",
        version="1",
        name_en="Mini",
        name_fr="Mini",
        instrument=household.instrument,
        definition=mini_definition(),
    )
    ExchangeRate.objects.create(
        programme=cast.programme,
        currency="EUR",
        rate=Decimal("655.957"),
        valid_from=date(2026, 1, 1),
        entered_by=cast.pm_dakar,
    )
    parts = (household, private, directory, profile)
    world = World(
        directory=directory,
        household=household,
        private=private,
        dakar=returnee(cast, parts, cast.dakar, "dakar", assigned_to=cast.cm_dakar),
        tamba=returnee(cast, parts, cast.tamba, "tamba"),
        bamako=returnee(cast, parts, cast.bamako, "bamako"),
        child=returnee(cast, parts, cast.dakar, "child", birth=date(2012, 5, 5)),
        others=returnee(cast, parts, cast.dakar, "others", assigned_to=cast.cm_dakar2),
    )
    world.secrets = [s for r in (world.dakar, world.tamba, world.bamako, world.child, world.others) for s in r.secrets]
    return world


# ------------------------------------------------------------------ reading exports


def body(response) -> bytes:
    """The downloaded file (read once from the stream, then kept on the response)."""
    if not hasattr(response, "export_body"):
        response.export_body = b"".join(response.streaming_content)
    return response.export_body


def csv_rows(response) -> list[dict]:
    text = body(response).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def workbook(response):
    return load_workbook(io.BytesIO(body(response)))


def all_text(response) -> str:
    """Every cell of the file as text (every sheet of a workbook), to look for identifiers."""
    content = body(response)
    if content.startswith(b"PK"):
        book = load_workbook(io.BytesIO(content))
        return "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    return content.decode("utf-8-sig")


def download(client, user, **params):
    client.force_login(user)
    return client.get("/exports/download/", {"format": "csv", **params})
