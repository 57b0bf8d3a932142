"""Writing tables as CSV (streamed, text in constant memory) or XLSX (openpyxl write-only, to a temp file).

Every text cell goes through `reintegra.lib.cells` (formula neutralisation). Numbers, dates and
yes/no stay numbers and dates in a workbook; a CSV writes them as plain text (ISO dates).
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import IO

from openpyxl import Workbook

from reintegra.exports.datasets import CODEBOOK_COLUMNS, Table, codebook_labels
from reintegra.lib.cells import safe_cell, safe_xlsx_cell

BUFFER_CHARS = 64 * 1024  # one streamed piece: many rows, so the response is not a write per row
SHEET_TITLE_MAX = 31
BOM = "\ufeff"  # lets spreadsheet programs read the UTF-8 file with its accents


class _Echo:
    """A file-like object whose write() returns the line, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return safe_cell(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, date | Decimal | int):
        return str(value) if not isinstance(value, date) else value.isoformat()
    return safe_cell(str(value))


def csv_stream(table: Table, *, bom: bool = False) -> Iterator[str]:
    """The table as CSV text in pieces of about BUFFER_CHARS: one header row of column codes, then the rows."""
    writer = csv.writer(_Echo())
    pending = [(BOM if bom else "") + writer.writerow([safe_cell(code) for code in table.codes])]
    size = len(pending[0])
    for row in table.rows:
        line = writer.writerow([csv_text(value) for value in row])
        pending.append(line)
        size += len(line)
        if size >= BUFFER_CHARS:
            yield "".join(pending)
            pending, size = [], 0
    if pending:
        yield "".join(pending)


def write_csv(table: Table, out: IO[str]) -> None:
    for piece in csv_stream(table):
        out.write(piece)


def xlsx_value(value):
    if isinstance(value, str):
        return safe_xlsx_cell(value)
    return value


def _title(name: str, used: set[str]) -> str:
    """A sheet title Excel accepts: at most 31 characters, none of []:*?/\\ and unique in the workbook."""
    base = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:SHEET_TITLE_MAX] or "sheet"
    title, n = base, 1
    while title.lower() in used:
        n += 1
        suffix = f" ({n})"
        title = base[: SHEET_TITLE_MAX - len(suffix)] + suffix
    used.add(title.lower())
    return title


def _append_table(workbook: Workbook, table: Table, used: set[str]) -> None:
    sheet = workbook.create_sheet(_title(table.name, used))
    sheet.append([safe_xlsx_cell(code) for code in table.codes])
    sheet.append([safe_xlsx_cell(label) for label in table.labels])
    for row in table.rows:
        sheet.append([xlsx_value(value) for value in row])


def _append_codebook(workbook: Workbook, name: str, tables: Iterable[Table], used: set[str]) -> None:
    sheet = workbook.create_sheet(_title(name, used))
    sheet.append(CODEBOOK_COLUMNS)
    sheet.append(codebook_labels())
    for table in tables:
        for row in table.codebook():
            sheet.append([xlsx_value(value) for value in row])


def write_xlsx(tables: list[Table], out, *, codebook_per_table: bool = False) -> None:
    """A workbook: each table on its sheet (codes row, labels row, data), and the codebook.

    `codebook_per_table` puts a codebook sheet after each table (assessments: one per instrument
    version); otherwise one `codebook` sheet closes the workbook.
    """
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    for table in tables:
        _append_table(workbook, table, used)
        if codebook_per_table:
            _append_codebook(workbook, f"{table.name} codebook", [table], used)
    if not codebook_per_table:
        _append_codebook(workbook, "codebook", tables, used)
    workbook.save(out)


def xlsx_temp_file(tables: list[Table], *, codebook_per_table: bool = False) -> IO[bytes]:
    """The workbook in an anonymous temporary file (removed when closed), rewound for streaming."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 -- FileResponse closes it
    write_xlsx(tables, handle, codebook_per_table=codebook_per_table)
    handle.seek(0)
    return handle
