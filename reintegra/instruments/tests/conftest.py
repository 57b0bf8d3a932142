"""Fixtures for the assessment stories: a small household form (own fixture) loaded as an instrument."""

from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reintegra.cases.models import ConsentMethod, ConsentPurpose, ConsentStatus
from reintegra.cases.services import consent_record
from reintegra.instruments import services
from reintegra.instruments.engine import FormModel
from reintegra.instruments.models import Instrument
from reintegra.instruments.xlsform import parse_source

FORMS = Path(__file__).resolve().parent / "forms"


def household_source(form_id: str = "household", version: str = "2026.1") -> bytes:
    text = (FORMS / "household.md").read_text()
    text = text.replace("| Household test | household | 2026.1 |", f"| Household test | {form_id} | {version} |")
    return text.encode()


def household_flags() -> bytes:
    return (FORMS / "household.flags.yaml").read_bytes()


@pytest.fixture
def household_form() -> FormModel:
    return FormModel.from_definition(parse_source(household_source(), "md").definition)


def make_instrument(code: str, *, sensitive: bool = False, flags: bool = True, version: str = "2026.1"):
    instrument = Instrument.objects.create(
        code=code,
        kind=Instrument.Kind.OTHER,
        title_en="Household test",
        title_fr="Test ménage",
        sensitive=sensitive,
        ordering=1,
    )
    return services.version_create(
        actor=None,
        instrument=instrument,
        source=household_source(code, version),
        source_format="md",
        flags_text=household_flags() if flags else None,
    )


@pytest.fixture
def household(db):
    return make_instrument("household")


@pytest.fixture
def private_household(db):
    return make_instrument("household_private", sensitive=True)


def give_monitoring_consent(case, actor):
    consent_record(
        actor=actor,
        case=case,
        purpose=ConsentPurpose.MONITORING,
        status=ConsentStatus.GIVEN,
        decided_on=date(2026, 1, 5),
        method=ConsentMethod.SIGNED_FORM,
        document=SimpleUploadedFile("form.pdf", b"%PDF-1.4 signed", content_type="application/pdf"),
    )


GOOD_ANSWERS = {
    "age": "34",
    "works": "yes",
    "job": "Tailor",
    "income": "45000",
    "arrived": "2026-01-02",
    "members": [{"member_name": "Awa", "member_age": "9", "member_school": "yes"}],
    "needs": ["food", "health"],
    "wants_support": "yes",
}
