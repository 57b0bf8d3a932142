"""The one formula-neutralisation helper (reintegra/lib/cells.py)."""

import pytest

from reintegra.lib.cells import restore, safe_cell, safe_xlsx_cell


@pytest.mark.parametrize("text", ["=1+1", "+221 77", "-2+3", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("x")'])
def test_it_prefixes_every_formula_start(text):
    assert safe_cell(text) == "'" + text
    assert restore(safe_cell(text)) == text


def test_it_leaves_ordinary_text_alone():
    assert safe_cell("Dakar") == "Dakar"
    assert safe_cell("") == ""
    assert safe_cell("a=b") == "a=b"


def test_plain_numbers_stay_numbers_only_when_asked():
    assert safe_cell("-0.5", keep_numbers=True) == "-0.5"
    assert safe_cell("-0.5") == "'-0.5"
    assert safe_cell("-1+1", keep_numbers=True) == "'-1+1"


def test_workbook_cells_lose_control_characters():
    assert safe_xlsx_cell("a\x00b\x07") == "ab"
    assert safe_xlsx_cell("\x01=1") == "'=1"
