"""The "Scores" card of the case file's Assessments tab: RSS scores as a radar and a timeline.

Both charts are inline SVG drawn on the server (`reintegra.scoring.charts`), each with a data
table of the same numbers. Who sees the card: whoever may read the answers of the scored
instrument (identifying roles of the case's office; pseudonymised roles for a non-sensitive
instrument such as the RSS — scores are numbers, never free text).
"""

from dataclasses import dataclass, field

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from reintegra.accounts.access import Access
from reintegra.cases.models import Case
from reintegra.instruments.models import Occasion, Response
from reintegra.scoring import charts
from reintegra.scoring.models import Score, ScoringProfile
from reintegra.scoring.selectors import case_scores

DIMENSIONS = ("economic", "social", "psychosocial")
KEYS = (*DIMENSIONS, "composite")


def key_labels() -> dict[str, str]:
    return {
        "economic": _("Economic"),
        "social": _("Social"),
        "psychosocial": _("Psychosocial"),
        "composite": _("Composite"),
    }


def number(value: float | None) -> str:
    """A score for display, two decimals in the user's locale (0.50 / 0,50); "—" for no score."""
    return "—" if value is None else number_format(value, 2)


def occasion_label(response: Response) -> str:
    if response.occasion == Occasion.FOLLOW_UP:
        return _("Follow-up %(number)s") % {"number": response.occasion_number}
    return str(response.get_occasion_display())


@dataclass
class Cell:
    key: str
    label: str
    value: float | None
    text: str
    band: str = ""


@dataclass
class Row:
    """One occasion in the data table."""

    score: Score
    occasion: str
    date: str
    cells: list[Cell]
    flags: list = field(default_factory=list)

    @property
    def missing_count(self) -> int:
        return self.score.missing_count


def may_see_scores(access: Access, case: Case, profile: ScoringProfile) -> bool:
    if access.may_identify(case.office_id):
        return True
    return case.office_id in access.pseudonymised and not profile.instrument.sensitive


def _row(score: Score, labels: dict[str, str], language: str, flags: dict[int, list]) -> Row:
    cells = []
    for key in KEYS:
        value = getattr(score, key)
        band = (score.bands or {}).get(key) or {}
        cells.append(Cell(key, labels[key], value, number(value), band.get(language) or band.get("en", "")))
    response = score.response
    return Row(
        score=score,
        occasion=occasion_label(response),
        date=date_format(response.interview_date, "SHORT_DATE_FORMAT"),
        cells=cells,
        flags=flags.get(response.pk, []),
    )


def _signed(value: float) -> str:
    return ("+" if value > 0 else "") + number_format(value, 2)


def _radar_table(shown: list[Row], labels: dict[str, str]) -> list[dict]:
    """The radar's numbers: one row per dimension, a column per occasion, and the change when there are two."""
    table = []
    for key in DIMENSIONS:
        values = [getattr(row.score, key) for row in shown]
        both = len(values) == 2 and None not in values
        table.append(
            {
                "label": labels[key],
                "values": [number(value) for value in values],
                "difference": _signed(values[1] - values[0]) if both else "—",
            }
        )
    return table


def _describe(rows: list[Row], keys: tuple[str, ...], labels: dict[str, str]) -> str:
    """A sentence per occasion for the chart's <desc>: what a screen reader says instead of the picture."""
    sentences = []
    for row in rows:
        parts = []
        for key in keys:
            value = getattr(row.score, key)
            parts.append(
                f"{labels[key]} {number(value)}"
                if value is not None
                else _("%(score)s not computed") % {"score": labels[key]}
            )
        sentences.append(
            _("%(occasion)s (%(date)s): %(scores)s.")
            % {"occasion": row.occasion, "date": row.date, "scores": ", ".join(parts)}
        )
    return " ".join(sentences)


def _radar_title(shown: list[Row]) -> str:
    if len(shown) == 2:
        return _("Reintegration scores by dimension, %(first)s and %(last)s") % {
            "first": shown[0].occasion,
            "last": shown[1].occasion,
        }
    return _("Reintegration scores by dimension, %(occasion)s") % {"occasion": shown[0].occasion}


def _radar(first: Row | None, last: Row | None, labels: dict[str, str], case: Case):
    shown = [row for row in (first, last) if row is not None]
    series = []
    if first is not None:
        series.append(_series(first, "first", charts.BASELINE_STYLE))
    if last is not None:
        series.append(_series(last, "last", charts.LATEST_STYLE))
    return charts.radar_svg(
        axes=[charts.Axis(key, labels[key]) for key in DIMENSIONS],
        series=series,
        title=_radar_title(shown),
        desc=_describe(shown, DIMENSIONS, labels),
        id_prefix=f"radar-{case.pk}",
        number=number,
    )


def _series(row: Row, key: str, style: charts.Style) -> charts.Series:
    return charts.Series(
        key=key,
        label=_("%(occasion)s (%(date)s)") % {"occasion": row.occasion, "date": row.date},
        values={key: getattr(row.score, key) for key in DIMENSIONS},
        style=style,
    )


def _timeline(rows: list[Row], labels: dict[str, str], case: Case):
    return charts.timeline_svg(
        occasions=[charts.Occasion(row.occasion, row.date) for row in rows],
        lines=[charts.Axis(key, labels[key]) for key in KEYS],
        values={key: [getattr(row.score, key) for row in rows] for key in KEYS},
        title=_("Reintegration scores over time"),
        desc=_describe(rows, KEYS, labels),
        id_prefix=f"timeline-{case.pk}",
        number=number,
    )


def _first_and_last(rows: list[Row]) -> tuple[Row | None, Row | None]:
    """The baseline (if any) and the latest later occasion (follow-up or end-line, if any)."""
    first = next((row for row in rows if row.score.response.occasion == Occasion.BASELINE), None)
    later = [
        row
        for row in rows
        if row.score.response.occasion in (Occasion.FOLLOW_UP, Occasion.ENDLINE) and row is not first
    ]
    return first, (later[-1] if later else None)


def score_card(access: Access, case: Case, responses: list[Response], language: str) -> dict:
    """Template context for the card (`scores` is None when there is nothing the user may see)."""
    profile, scores = case_scores(case)
    if profile is None or not may_see_scores(access, case, profile):
        return {"scores": None}
    labels = key_labels()
    flags = {r.pk: r.visible_flags for r in responses if getattr(r, "answers_visible", False)}
    rows = [_row(score, labels, language, flags) for score in scores]
    first, last = _first_and_last(rows)
    if first is None and last is None:  # e.g. only screenings: the radar shows the latest occasion
        last = rows[-1]
    shown = [row for row in (first, last) if row is not None]
    bands = [
        {
            "scope": labels.get(band["scope"], band["scope"]),
            "range": f"{number(band['from'])}–{number(band['to'])}",
            "label": band["label"].get(language) or band["label"].get("en", ""),
        }
        for band in (profile.definition or {}).get("bands", [])
    ]
    return {
        "scores": {
            "profile": profile,
            "profile_name": profile.name(language),
            "rows": rows,
            "radar": _radar(first, last, labels, case),
            "radar_rows": shown,
            "radar_table": _radar_table(shown, labels),
            "timeline": _timeline(rows, labels, case),
            "labels": [labels[key] for key in KEYS],
            "has_gaps": any(getattr(row.score, key) is None for row in rows for key in KEYS),
            "has_bands": bool(bands),
            "bands": bands,
        }
    }
