"""Reading XLSForms with pyxform: definition JSON, XForm XML, and errors that name sheet, row and column.

pyxform does all the parsing (`get_xlsform`, `workbook_to_json`, `to_xml`); this module maps its
messages ("[row : 3] On the 'survey' sheet, the 'name' value ...") to a translated error with the
place in the workbook, adds the checks pyxform leaves out (unknown survey columns, question types
the web form cannot show, expressions our server cannot evaluate), and converts Markdown forms to
XLSX workbooks for download.
"""

import io
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from pyxform import aliases
from pyxform.builder import create_survey_element_from_dict
from pyxform.errors import PyXFormError
from pyxform.xls2json import workbook_to_json
from pyxform.xls2json_backends import get_xlsform, md_table_to_workbook

FILE_TYPES = {"md": ".md", "xlsx": ".xlsx"}
ROW_PATTERN = re.compile(r"\[row : (\d+)\]\s*")
SHEET_PATTERN = re.compile(r"On the '(\w+)' sheet")
COLUMN_PATTERN = re.compile(r"the '([\w:\- ()]+)' value")
KNOWN_SURVEY_COLUMNS = {
    "type",
    "name",
    "label",
    "hint",
    "guidance_hint",
    "default",
    "trigger",
    "parameters",
    "choice_filter",
    "appearance",
    "media",
    *aliases.survey_header,
    *aliases.TRANSLATABLE_SURVEY_COLUMNS,
    *aliases.TRANSLATABLE_SURVEY_COLUMNS.values(),
}
NAMESPACED_PREFIXES = ("bind::", "instance::", "body::", "control::", "media::")


class XLSFormError(Exception):
    """A malformed form: a translated message and, when known, where: sheet, row, column."""

    def __init__(self, message: str, *, sheet: str = "", row: int | None = None, column: str = ""):
        self.message, self.sheet, self.row, self.column = message, sheet, row, column
        super().__init__(self.describe())

    def where(self) -> str:
        values = {"sheet": self.sheet, "row": self.row, "column": self.column}
        if self.sheet and self.row and self.column:
            return _("Sheet “%(sheet)s”, row %(row)s, column “%(column)s”") % values
        if self.sheet and self.row:
            return _("Sheet “%(sheet)s”, row %(row)s") % values
        if self.sheet and self.column:
            return _("Sheet “%(sheet)s”, column “%(column)s”") % values
        if self.sheet:
            return _("Sheet “%(sheet)s”") % values
        return ""

    def describe(self) -> str:
        where = self.where()
        return _("%(where)s: %(message)s") % {"where": where, "message": self.message} if where else self.message


@dataclass
class ParsedForm:
    definition: dict
    xform: str
    form_id: str
    version: str
    title: str
    warnings: list[str] = field(default_factory=list)
    survey_rows: list[dict] = field(default_factory=list)


def _header_letters(header: list[dict] | None) -> dict[str, str]:
    names = list(header[0]) if header else []
    return {name: get_column_letter(index) for index, name in enumerate(names, 1)}


def _is_known_column(name: str) -> bool:
    base = name.split("::", 1)[0].strip()
    return name.startswith(NAMESPACED_PREFIXES) or base in KNOWN_SURVEY_COLUMNS


def _check_columns(workbook) -> None:
    for name, letter in _header_letters(workbook.survey_header).items():
        if not _is_known_column(name):
            raise XLSFormError(
                _("“%(name)s” is not an XLSForm column (column %(letter)s); check its spelling.")
                % {"name": name, "letter": letter},
                sheet="survey",
                row=1,
                column=name,
            )


def _locate_type(workbook, type_name: str) -> int | None:
    for index, row in enumerate(workbook.survey or [], 2):
        if (row.get("type") or "").strip() == type_name:
            return index
    return None


def _from_pyxform(exc: PyXFormError, workbook) -> XLSFormError:
    """pyxform's English message, kept verbatim, with sheet/row/column pulled out of it."""
    text = str(exc)
    context = getattr(exc, "context", None) or {}
    row_match = ROW_PATTERN.search(text)
    row = context.get("row") or (int(row_match.group(1)) if row_match else None)
    sheet_match = SHEET_PATTERN.search(text)
    sheet = context.get("sheet") or (sheet_match.group(1) if sheet_match else "")
    column_match = COLUMN_PATTERN.search(text)
    column = context.get("column") or (column_match.group(1) if column_match else "")
    lowered = text.lower()
    if "list name not in choices sheet" in lowered or "unmatched" in lowered:
        sheet, column = sheet or "survey", column or "type"
    elif "with no name" in lowered:
        sheet, column = sheet or "survey", column or "name"
    unknown_type = re.search(r"Unknown question type '([^']+)'", text)
    if unknown_type and workbook is not None:
        row = row or _locate_type(workbook, unknown_type.group(1))
        sheet, column = "survey", "type"
    if row and not sheet:
        sheet = "survey"
    detail = ROW_PATTERN.sub("", text).strip()
    return XLSFormError(
        _("The form is not valid: %(detail)s") % {"detail": detail}, sheet=sheet, row=row, column=column
    )


def _settings(workbook) -> dict:
    rows = workbook.settings or []
    return dict(rows[0]) if rows else {}


def parse_source(source: bytes, source_format: str) -> ParsedForm:
    """Parse an XLSForm (Markdown or XLSX bytes) with pyxform; raises XLSFormError."""
    if source_format not in FILE_TYPES:
        raise XLSFormError(_("Upload an XLSForm as an .xlsx workbook."))
    workbook = None
    warnings: list[str] = []
    try:
        workbook = get_xlsform(xlsform=io.BytesIO(source), file_type=FILE_TYPES[source_format])
        _check_columns(workbook)
        definition = workbook_to_json(workbook_dict=workbook, form_name="data", warnings=warnings)
        xform = create_survey_element_from_dict(definition).to_xml(validate=False, pretty_print=True, warnings=warnings)
    except PyXFormError as exc:
        raise _from_pyxform(exc, workbook) from exc
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise XLSFormError(_("The file could not be read as an XLSForm (%(error)s).") % {"error": exc}) from exc
    settings = _settings(workbook)
    version = str(definition.get("version") or settings.get("version") or "").strip()
    if not version:
        raise XLSFormError(_("Give the form a version in the settings sheet."), sheet="settings", column="version")
    return ParsedForm(
        definition=definition,
        xform=xform,
        form_id=str(definition.get("id_string") or ""),
        version=version,
        title=str(definition.get("title") or ""),
        warnings=warnings,
        survey_rows=list(workbook.survey or []),
    )


def source_to_xlsx(source: bytes, source_format: str) -> bytes:
    """The form as an .xlsx workbook (Markdown sources become survey/choices/settings sheets)."""
    if source_format == "xlsx":
        return bytes(source)
    workbook: Workbook = md_table_to_workbook(bytes(source).decode("utf-8"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
