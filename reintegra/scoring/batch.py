"""Scoring a Kobo/ODK export (CSV or XLSX) in chunks: bounded memory, a status and a reason per row.

Column names may carry group prefixes (`economic/e1_economic_satisfaction`, `grp-x/…`,
`group_x:…`, ODK Briefcase's `economic-e1_…`): a column matches a question on its last path
segment. Answers may be choice names (codes) or, in a "labels" export, choice labels.
Every input row is written back with the four scores, the missing count, a status and a reason;
a bad row gets status `error` and a reason, never a crash.
"""

import csv
import itertools
import logging
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from django.utils.translation import gettext as _

from reintegra.lib.cells import safe_cell
from reintegra.scoring.engine import BatchResult, CompiledProfile

logger = logging.getLogger(__name__)

CHUNK_ROWS = 10_000
SCORE_COLUMNS = ("economic", "social", "psychosocial", "composite")
OUTPUT_COLUMNS = (*SCORE_COLUMNS, "missing_count", "status", "reason")
OK, INSUFFICIENT, ERROR = "ok", "insufficient_answers", "error"
SEGMENT = re.compile(r"[/:]")


class FileProblem(Exception):
    """The file as a whole cannot be scored (unreadable, no matching column…): a translated message."""


@dataclass
class Summary:
    rows: int = 0
    statuses: Counter = field(default_factory=Counter)
    columns: dict[str, str] = field(default_factory=dict)  # question -> input column


def question_of(header: str, questions: Iterable[str]) -> str | None:
    """The profile question a column is about, ignoring group prefixes; None when it is about none."""
    name = str(header or "").strip()
    questions = set(questions)
    last = SEGMENT.split(name)[-1].strip()
    if last in questions:
        return last
    for question in questions:  # ODK Briefcase joins groups with "-", some tools with "."
        if last.endswith((f"-{question}", f".{question}")):
            return question
    return None


def map_columns(header: Sequence[str], questions: Sequence[str]) -> dict[str, int]:
    """Question -> index of its column. Two columns for one question is a file problem."""
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        question = question_of(name, questions)
        if question is None:
            continue
        if question in found:
            raise FileProblem(
                _("Columns “%(first)s” and “%(second)s” both hold question %(question)s; keep only one.")
                % {"first": header[found[question]], "second": name, "question": question}
            )
        found[question] = index
    if not found:
        raise FileProblem(
            _("No column of the file matches a scored question of the profile (e.g. %(example)s).")
            % {"example": questions[0] if questions else "—"}
        )
    return found


# --- reading --------------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _csv_rows(path: Path) -> Iterator[list[str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        sample = handle.read(64 * 1024)
        handle.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample.split("\n", 1)[0] or sample, delimiters=",;\t|")
        except csv.Error:
            dialect = csv.excel
        for row in csv.reader(handle, dialect):
            if row:  # a blank line is not a row
                yield row


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            if any(value is not None and value != "" for value in row):
                yield [_cell(value) for value in row]
    finally:
        workbook.close()


def read_rows(path: Path) -> tuple[list[str], Iterator[list[str]]]:
    """The header and an iterator over the data rows (streamed, never the whole file in memory)."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".txt"):
        raise FileProblem(_("Read CSV or XLSX files only; “%(name)s” is neither.") % {"name": path.name})
    try:
        rows = _xlsx_rows(path) if suffix == ".xlsx" else _csv_rows(path)
        header = next(rows, None)
    except (OSError, UnicodeDecodeError, ValueError, KeyError) as error:
        raise FileProblem(_("Cannot read “%(name)s”: %(error)s") % {"name": path.name, "error": error}) from error
    if header is None:
        raise FileProblem(_("“%(name)s” is empty.") % {"name": path.name})
    width = len(header)
    while width and not header[width - 1].strip():  # XLSX sheets may be wider than their header
        width -= 1
    return header[:width], rows


# --- scoring --------------------------------------------------------------------------------------


def _number(value: float) -> str:
    return "" if value is None or math.isnan(value) else f"{value:.6g}"


def _row_outcome(i: int, row: list[str], width: int, batch: BatchResult, compiled, columns) -> list[str]:
    if len(row) > width and any(cell.strip() for cell in row[width:]):
        reason = _("The row has %(cells)s cells; the header has %(width)s.") % {"cells": len(row), "width": width}
        return ["", "", "", "", "", ERROR, reason]
    unknown = int(batch.unknown_item[i])
    if unknown >= 0:
        question = compiled.questions[unknown]
        reason = _("Unknown answer “%(answer)s” to %(question)s.") % {
            "answer": columns[question][i],
            "question": question,
        }
        return ["", "", "", "", "", ERROR, reason]
    scores = [batch.economic[i], batch.social[i], batch.psychosocial[i], batch.composite[i]]
    cells = [_number(v) for v in scores] + [str(int(batch.missing_count[i]))]
    nulls = [name for name, value in zip(SCORE_COLUMNS, scores, strict=True) if math.isnan(value)]
    if nulls:
        reason = _("Not enough answers for: %(scores)s.") % {"scores": ", ".join(nulls)}
        return [*cells, INSUFFICIENT, reason]
    return [*cells, OK, ""]


def _score_chunk(rows: list[list[str]], width: int, mapping: dict[str, int], compiled: CompiledProfile):
    columns = {q: [row[j] if j < len(row) else "" for row in rows] for q, j in mapping.items()}
    try:
        batch = compiled.score_batch(columns, n=len(rows))
    except Exception:  # a chunk the engine chokes on: keep every row and say so, never crash
        logger.exception("batch scoring failed on a chunk of %s rows", len(rows))
        reason = _("This row could not be scored (unexpected error; see the log).")
        return [["", "", "", "", "", ERROR, reason] for _row in rows]
    return [_row_outcome(i, row, width, batch, compiled, columns) for i, row in enumerate(rows)]


def output_header(header: Sequence[str]) -> list[str]:
    taken = set(header)
    return [*header, *((f"score_{name}" if name in taken else name) for name in OUTPUT_COLUMNS)]


def score_rows(
    header: list[str], rows: Iterable[list[str]], out: TextIO, compiled: CompiledProfile, *, chunk: int = CHUNK_ROWS
) -> Summary:
    """Score `rows` (lists of cells under `header`) into CSV on `out`, `chunk` rows at a time."""
    mapping = map_columns(header, compiled.questions)
    summary = Summary(columns={q: header[j] for q, j in mapping.items()})
    writer = csv.writer(out)
    writer.writerow([safe_cell(name, keep_numbers=True) for name in output_header(header)])
    width = len(header)
    iterator = iter(rows)
    while block := list(itertools.islice(iterator, chunk)):
        outcomes = _score_chunk(block, width, mapping, compiled)
        for row, outcome in zip(block, outcomes, strict=True):
            cells = [safe_cell(cell, keep_numbers=True) for cell in row[:width]] + [""] * (width - len(row))
            writer.writerow(cells + outcome)
            summary.statuses[outcome[5]] += 1
        summary.rows += len(block)
    return summary


def score_file(input_path: Path, output_path: Path, compiled: CompiledProfile, *, chunk: int = CHUNK_ROWS) -> Summary:
    if input_path.resolve() == output_path.resolve():
        raise FileProblem(_("The output file must not be the input file."))
    header, rows = read_rows(input_path)
    mapping = map_columns(header, compiled.questions)  # before creating the output file
    del mapping
    with output_path.open("w", newline="", encoding="utf-8") as out:
        try:
            return score_rows(header, rows, out, compiled, chunk=chunk)
        except (csv.Error, UnicodeDecodeError) as error:
            raise FileProblem(
                _("Cannot read “%(name)s” past a broken line: %(error)s") % {"name": input_path.name, "error": error}
            ) from error
