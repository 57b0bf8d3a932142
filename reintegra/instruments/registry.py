"""The instruments shipped with Reintegra: code, kind, titles, sensitivity and order on the page.

Their XLSForms live in `definitions/<code>.md` (with optional `<code>.flags.yaml`).
"""

from dataclasses import dataclass
from pathlib import Path

from reintegra.instruments.models import Instrument

DEFINITIONS = Path(__file__).resolve().parent / "definitions"


@dataclass(frozen=True)
class Shipped:
    code: str
    kind: str
    title_en: str
    title_fr: str
    sensitive: bool
    ordering: int

    @property
    def source_path(self) -> Path:
        return DEFINITIONS / f"{self.code}.md"

    @property
    def flags_path(self) -> Path:
        return DEFINITIONS / f"{self.code}.flags.yaml"


K = Instrument.Kind
SHIPPED = [
    Shipped(
        "rapid_screening",
        K.RAPID_SCREENING,
        "Rapid vulnerability screening",
        "Examen rapide de la vulnérabilité",
        True,
        10,
    ),
    Shipped(
        "counselling_intake",
        K.COUNSELLING_INTAKE,
        "First counselling session",
        "Première séance de consultation",
        False,
        20,
    ),
    Shipped("vulnerability", K.VULNERABILITY, "Vulnerability assessment", "Évaluation de la vulnérabilité", True, 30),
    Shipped("risk", K.RISK, "Risk assessment", "Évaluation des risques", True, 40),
    Shipped("family", K.FAMILY, "Family assessment", "Évaluation de la situation familiale", True, 50),
    Shipped("skills", K.SKILLS, "Skills assessment", "Évaluation des compétences", False, 60),
    Shipped(
        "rss", K.RSS, "Reintegration Sustainability Survey", "Enquête sur la durabilité de la réintégration", False, 70
    ),
    Shipped(
        "satisfaction",
        K.SATISFACTION,
        "Reintegration satisfaction survey",
        "Enquête de satisfaction sur la réintégration",
        False,
        80,
    ),
]
BY_CODE = {item.code: item for item in SHIPPED}
