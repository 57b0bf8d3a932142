"""XLSForm parsing with pyxform: XForm round trip, errors naming sheet/row/column, shipped definitions."""

import xml.etree.ElementTree as ET

import pytest

from reintegra.instruments.engine import FormModel, check_expressions
from reintegra.instruments.flags import parse_flag_rules
from reintegra.instruments.registry import SHIPPED
from reintegra.instruments.tests.conftest import household_source
from reintegra.instruments.xlsform import XLSFormError, parse_source, source_to_xlsx

XF = "{http://www.w3.org/2002/xforms}"
SETTINGS = "| settings |\n| | form_id | version |\n| | t | 1 |\n"
CHOICES = "| choices |\n| | list_name | name | label |\n| | yn | yes | Yes |\n"


def broken(survey: str, choices: str = CHOICES) -> bytes:
    return ("| survey |\n" + survey + choices + SETTINGS).encode()


def binds(xform: str) -> dict[str, dict]:
    root = ET.fromstring(xform.encode())  # noqa: S314 - XML made by pyxform in this test
    return {b.get("nodeset"): b.attrib for b in root.iter(f"{XF}bind")}


def test_the_xform_of_the_test_form_parses_as_xml_and_keeps_its_binds():
    parsed = parse_source(household_source(), "md")
    found = binds(parsed.xform)
    assert found["/data/about/job"]["relevant"].strip().startswith("/data/about/works")
    assert found["/data/about/age"]["required"] == "true()"
    assert "&gt;" not in found["/data/about/age"]["constraint"]  # attribute is unescaped by the parser
    assert found["/data/needs_count"]["calculate"].startswith("count-selected(")
    assert "/data/members/member_school" in found
    assert parsed.form_id == "household" and parsed.version == "2026.1"


def test_an_xlsx_download_of_a_markdown_form_parses_to_the_same_definition():
    source = household_source()
    xlsx = source_to_xlsx(source, "md")
    assert xlsx.startswith(b"PK")
    assert parse_source(xlsx, "xlsx").definition["children"] == parse_source(source, "md").definition["children"]


@pytest.mark.parametrize(
    ("survey", "sheet", "row", "column"),
    [
        ("| | type | name | label |\n| | integer | a | A |\n| | foo | b | B |\n", "survey", 3, "type"),
        ("| | type | name | label |\n| | select_one zz | a | A |\n", "survey", 2, "type"),
        ("| | type | name | label | relevent |\n| | integer | a | A | x |\n", "survey", 1, "relevent"),
        ("| | type | name | label |\n| | integer | a | A |\n| | text | a | B |\n", "survey", 3, "name"),
        ("| | type | name | label | relevant |\n| | integer | a | A | ${zz} = 1 |\n", "survey", 2, "relevant"),
    ],
    ids=["unknown type", "missing choices list", "bad column", "duplicate name", "unknown reference"],
)
def test_a_malformed_form_gets_an_error_naming_sheet_row_and_column(survey, sheet, row, column):
    with pytest.raises(XLSFormError) as caught:
        parse_source(broken(survey), "md")
    error = caught.value
    assert (error.sheet, error.row, error.column) == (sheet, row, column)
    assert f"row {row}" in error.describe() and sheet in error.describe()


def test_an_unknown_function_is_refused_with_its_row_and_column():
    source = broken("| | type | name | label | constraint |\n| | integer | a | A | frobnicate(.) |\n")
    parsed = parse_source(source, "md")
    with pytest.raises(XLSFormError) as caught:
        check_expressions(FormModel.from_definition(parsed.definition), parsed.survey_rows)
    assert (caught.value.sheet, caught.value.row, caught.value.column) == ("survey", 2, "constraint")
    assert "frobnicate" in caught.value.describe()


def test_an_unsupported_question_type_is_refused():
    parsed = parse_source(broken("| | type | name | label |\n| | geopoint | where | Where |\n"), "md")
    with pytest.raises(XLSFormError, match="geopoint"):
        FormModel.from_definition(parsed.definition)


def test_a_file_that_is_not_a_workbook_is_refused_clearly():
    with pytest.raises(XLSFormError):
        parse_source(b"PK\x03\x04 not really a zip", "xlsx")


@pytest.mark.parametrize("shipped", [s for s in SHIPPED if s.source_path.exists()], ids=lambda s: s.code)
def test_each_shipped_definition_parses_in_both_languages_with_its_flag_rules(shipped):
    parsed = parse_source(shipped.source_path.read_bytes(), "md")
    form = FormModel.from_definition(parsed.definition)
    check_expressions(form, parsed.survey_rows)
    assert parsed.form_id == shipped.code
    labelled = [q for q in form.walk() if q.labels and q.type != "calculate"]
    assert labelled and all(q.labels.get("en") and q.labels.get("fr") for q in labelled)
    ET.fromstring(parsed.xform.encode())  # noqa: S314 - XML made by pyxform in this test
    if shipped.flags_path.exists():
        rules, version = parse_flag_rules(shipped.flags_path.read_bytes(), form)
        assert rules and version == parsed.version
