"""The fixed catalogue of fields a referral may share, and the package (snapshot) built from it.

The package holds values, not references: it is frozen when the referral is sent, so later
changes to the case never reach the partner. Labels are looked up when the package is shown,
so a partner reads it in their own language.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from reintegra.cases.models import Case, Sex
from reintegra.instruments.models import Flag


@dataclass(frozen=True)
class SharedField:
    code: str
    label: str
    help: str = ""


CATALOGUE = [
    SharedField("name", _("Name")),
    SharedField("phone", _("Contact phone")),
    SharedField("need_summary", _("Need summary")),
    SharedField("sex", _("Sex")),
    SharedField("age", _("Age")),
    SharedField("birth_year", _("Year of birth")),
    SharedField("languages", _("Languages spoken")),
    SharedField("place", _("Place of return (region, district)")),
    SharedField("locality", _("Locality / exact address"), _("Share only when the provider must visit.")),
    SharedField("household_size", _("Household size")),
    SharedField("flags", _("Relevant assessment flags"), _("Confirmed flags of the assessments you may read.")),
]
CODES = [f.code for f in CATALOGUE]
LABELS = {f.code: f.label for f in CATALOGUE}
MINIMAL = ["name", "phone", "need_summary"]  # the default: name, contact, need summary


def choices() -> list[tuple[str, str]]:
    return [(f.code, f.label) for f in CATALOGUE]


def _place(case: Case) -> str:
    return ", ".join(part for part in (case.return_district, case.return_region, case.return_country) if part)


def _household_size(case: Case) -> int:
    person = case.person
    return person.household.members.count() if person.household_id else 1


def _flags(case: Case, visible_flags: list[Flag]) -> list[dict]:
    return [{"en": f.label_en, "fr": f.label_fr} for f in visible_flags if f.status == Flag.Status.CONFIRMED]


EXTRACTORS: dict[str, Callable] = {
    "name": lambda case, ctx: case.person.full_name,
    "phone": lambda case, ctx: next((p.number for p in case.person.phones.order_by("id")), ""),
    "need_summary": lambda case, ctx: ctx["need_summary"],
    "sex": lambda case, ctx: case.person.sex,
    "age": lambda case, ctx: case.person.age_on(ctx["on"]),
    "birth_year": lambda case, ctx: case.person.birth_year,
    "languages": lambda case, ctx: case.person.languages,
    "place": lambda case, ctx: _place(case),
    "locality": lambda case, ctx: case.return_locality,
    "household_size": lambda case, ctx: _household_size(case),
    "flags": lambda case, ctx: _flags(case, ctx["flags"]),
}


def clean_codes(codes) -> list[str]:
    """The chosen codes in catalogue order, without repeats; unknown codes are dropped by the caller's check."""
    chosen = set(codes)
    return [code for code in CODES if code in chosen]


def build_package(
    *, case: Case, codes: list[str], need_summary: str, service, actor, on: date, flags: list[Flag]
) -> dict:
    """The exact package a partner will receive (JSON-ready, deterministic)."""
    ctx = {"need_summary": need_summary.strip(), "on": on, "flags": flags}
    return {
        "fields": [{"code": code, "value": EXTRACTORS[code](case, ctx)} for code in clean_codes(codes)],
        "service": {"id": service.pk, "name": service.name},
        "organisation": {"id": service.organisation_id, "name": service.organisation.name},
        "referring_office": case.office.name,
        "referred_by": {"name": str(actor), "email": actor.email},
        "prepared_on": on.isoformat(),
    }


def digest(package: dict) -> str:
    """A fingerprint of the package: what was previewed is what is sent."""
    return hashlib.sha256(json.dumps(package, sort_keys=True, default=str).encode()).hexdigest()[:32]


def display_value(code: str, value, language: str | None = None) -> str:
    """A package value as text in the reader's language."""
    language = (language or get_language() or "en")[:2]
    if value in (None, "", []):
        return "—"
    if code == "sex":
        return str(Sex(value).label) if value in Sex.values else str(value)
    if code == "flags":
        return "; ".join(item.get(language) or item.get("en", "") for item in value)
    return str(value)


def rows(package: dict, language: str | None = None) -> list[dict]:
    """The package's fields as (label, value) rows for pages and the PDF."""
    return [
        {
            "code": item["code"],
            "label": LABELS.get(item["code"], item["code"]),
            "value": display_value(item["code"], item["value"], language),
        }
        for item in package.get("fields", [])
    ]
