"""Small profiles and RSS responses for the scoring stories."""

import copy
from datetime import date

from pyxform.xls2json import parse_file_to_json

from reintegra.instruments.models import Instrument, InstrumentVersion, Response
from reintegra.instruments.registry import BY_CODE
from reintegra.scoring.profile import validate_profile
from reintegra.scoring.services import PROVISIONAL_PROFILE

GOOD_OK_BAD = {"good": 1, "ok": 0.5, "bad": 0, "dont_know": "missing", "no_answer": "missing"}
YES_NO = {"yes": 1, "no": 0, "dont_know": "missing"}

# A small profile whose arithmetic fits in a comment:
#   economic:     A = a1 (single)                 weight .25
#                 B = mean(a2 negative, a3)        weight .75
#   social:       S = s1                           weight 1
#   psychosocial: P = mean(p1, p2)                 weight .5
#                 Q = p3                           weight .5
#   composite:    economic .5, social .25, psychosocial .25
MINI = {
    "code": "mini",
    "version": "1",
    "name": {"en": "Mini profile", "fr": "Mini profil"},
    "instrument": "rss",
    "items": [
        {"question": "a1", "indicator": "A", "options": GOOD_OK_BAD},
        {"question": "a2", "indicator": "B", "options": YES_NO, "direction": "negative"},
        {"question": "a3", "indicator": "B", "options": GOOD_OK_BAD},
        {"question": "s1", "indicator": "S", "options": GOOD_OK_BAD},
        {"question": "p1", "indicator": "P", "options": GOOD_OK_BAD},
        {"question": "p2", "indicator": "P", "options": GOOD_OK_BAD},
        {"question": "p3", "indicator": "Q", "options": GOOD_OK_BAD},
        {"question": "x9", "scored": False},
    ],
    "indicators": [
        {"id": "A", "dimension": "economic", "aggregation": "single"},
        {"id": "B", "dimension": "economic", "aggregation": "mean"},
        {"id": "S", "dimension": "social", "aggregation": "single"},
        {"id": "P", "dimension": "psychosocial", "aggregation": "mean"},
        {"id": "Q", "dimension": "psychosocial", "aggregation": "single"},
    ],
    "dimension_weights": {
        "economic": {"A": 0.25, "B": 0.75},
        "social": {"S": 1},
        "psychosocial": {"P": 0.5, "Q": 0.5},
    },
    "composite_weights": {"economic": 0.5, "social": 0.25, "psychosocial": 0.25},
    "missing_rule": {"method": "exclude_and_renormalise", "min_answered": 1},
}


def mini(**changes) -> dict:
    """A raw copy of MINI with top-level keys replaced."""
    raw = copy.deepcopy(MINI)
    raw.update(copy.deepcopy(changes))
    return raw


def mini_definition(**changes) -> dict:
    return validate_profile(mini(**changes))


def provisional_text() -> str:
    return PROVISIONAL_PROFILE.read_text(encoding="utf-8")


def rss_version() -> InstrumentVersion:
    """The current RSS form version (created from the shipped XLSForm when the test database has none)."""
    shipped = BY_CODE["rss"]
    instrument, _created = Instrument.objects.get_or_create(
        code="rss", defaults={"kind": shipped.kind, "title_en": shipped.title_en, "title_fr": shipped.title_fr}
    )
    current = instrument.versions.filter(is_current=True).first()
    if current is not None:
        return current
    source = shipped.source_path.read_bytes()
    return InstrumentVersion.objects.create(
        instrument=instrument,
        version="2026.1",
        source=source,
        source_format=InstrumentVersion.SourceFormat.MARKDOWN,
        definition=parse_file_to_json(str(shipped.source_path)),
        xform="<h:html/>",
        is_current=True,
    )


def rss_response(case, actor, answers: dict, *, occasion="baseline", number=0, day=date(2026, 2, 1), submitted=True):
    return Response.objects.create(
        case=case,
        instrument_version=rss_version(),
        occasion=occasion,
        occasion_number=number,
        interview_date=day,
        answers=answers,
        status=Response.Status.SUBMITTED if submitted else Response.Status.DRAFT,
        created_by=actor,
    )
