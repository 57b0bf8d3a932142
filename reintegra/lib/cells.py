"""Spreadsheet cells that cannot run as formulas (CSV/formula injection, OWASP advice).

Spreadsheet programs run a cell starting with = + - @ (or a tab or carriage return followed by
one) as a formula. Every text cell written to a CSV or XLSX file goes through `safe_cell`, which
puts a leading apostrophe before such a start; `restore` takes it off again when a file we
exported comes back as an import. XLSX cells also lose the control characters XML refuses.

One helper for the whole project: the scoring batch files, the import report, the service
directory and the exports use it.
"""

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A whole cell that is a plain number ("-3.5", "+221", "1e3") cannot be a formula.
PLAIN_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
# What openpyxl refuses in a cell (XML 1.0 forbids these control characters).
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_cell(value: str, *, keep_numbers: bool = False) -> str:
    """`value` with a leading apostrophe when it starts like a formula.

    `keep_numbers=True` leaves a cell that is wholly a plain number alone (the scoring batch
    files keep "-0.5" numeric); by default every risky start is neutralised.
    """
    if value.startswith(FORMULA_STARTS) and not (keep_numbers and PLAIN_NUMBER.match(value)):
        return "'" + value
    return value


def safe_xlsx_cell(value: str, *, keep_numbers: bool = False) -> str:
    """`safe_cell` for a workbook: control characters XML refuses are dropped first."""
    return safe_cell(ILLEGAL_XML.sub("", value), keep_numbers=keep_numbers)


def restore(value: str) -> str:
    """The reverse of `safe_cell`, so that an exported file imports back unchanged."""
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value
