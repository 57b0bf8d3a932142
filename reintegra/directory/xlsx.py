"""The directory as a spreadsheet: the columns, reading an uploaded workbook, writing an export.

One row per service, the organisation's details repeated on each of its rows. An organisation
without services has one row with an empty `service` cell. Export and import use the same
columns, so a file can go out, be edited and come back (docs/directory.md).
"""

import io
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from reintegra.directory.models import Organisation, Service
from reintegra.lib.cells import restore, safe_xlsx_cell

ORGANISATION_COLUMNS = [
    "organisation",
    "acronym",
    "organisation_kind",
    "organisation_country",
    "organisation_website",
    "organisation_email",
    "organisation_phone",
    "organisation_address",
    "organisation_active",
]
SERVICE_COLUMNS = [
    "service",
    "description",
    "categories",
    "coverage",
    "eligibility",
    "accessibility",
    "contact_person",
    "contact_phone",
    "contact_email",
    "opening_hours",
    "languages",
    "cost",
    "cost_note",
    "response_days",
    "first_contact_data",
    "service_active",
]
COLUMNS = ORGANISATION_COLUMNS + SERVICE_COLUMNS
REQUIRED_COLUMNS = ["organisation", "service"]
MAX_ROWS = 5000
MAX_CELL = 5000
XLSX_SIGNATURE = b"PK\x03\x04"


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return restore(str(value).strip())[:MAX_CELL]


# ------------------------------------------------------------------ reading


def check_upload(upload) -> None:
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("The file is too large: the limit is %(size)s MB.")
            % {"size": round(settings.UPLOAD_MAX_BYTES / (1024 * 1024), 1)}
        )
    if not upload.name.lower().endswith(".xlsx"):
        raise ValidationError(_("Upload an Excel workbook (.xlsx)."))
    head = upload.read(4)
    upload.seek(0)
    if head != XLSX_SIGNATURE:
        raise ValidationError(_("This file is not a valid Excel workbook (.xlsx)."))


def read_rows(upload) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """(row number, {column: text}) for each non-empty row, and the ignored header names.

    File-level problems (not a workbook, missing columns, too many rows) raise ValidationError.
    """
    check_upload(upload)
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 -- openpyxl raises many kinds on a damaged file
        raise ValidationError(_("This file is not a valid Excel workbook (.xlsx).")) from error
    try:
        sheet = workbook.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        header = [cell_text(v).lower() for v in next(lines, ())]
        missing = [name for name in REQUIRED_COLUMNS if name not in header]
        if missing:
            raise ValidationError(
                _("The first row must name the columns; missing: %(columns)s.") % {"columns": ", ".join(missing)}
            )
        ignored = [name for name in header if name and name not in COLUMNS]
        positions = {name: header.index(name) for name in COLUMNS if name in header}
        rows = []
        for number, values in enumerate(lines, start=2):
            if number > MAX_ROWS + 1:
                raise ValidationError(_("The file has more than %(max)s rows; split it.") % {"max": MAX_ROWS})
            row = {name: cell_text(values[i]) if i < len(values) else "" for name, i in positions.items()}
            if any(row.values()):
                rows.append((number, row))
        return rows, ignored
    finally:
        workbook.close()


# ------------------------------------------------------------------ writing


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def organisation_cells(organisation: Organisation) -> list:
    return [
        organisation.name,
        organisation.acronym,
        organisation.kind,
        organisation.country,
        organisation.website,
        organisation.email,
        organisation.phone,
        organisation.address,
        _yes_no(organisation.active),
    ]


def service_cells(service: Service | None) -> list:
    if service is None:
        return [""] * len(SERVICE_COLUMNS)
    return [
        service.name,
        service.description,
        "; ".join(c.code for c in service.categories.all()),
        "; ".join(a.as_line() for a in service.areas.all()),
        service.eligibility,
        service.accessibility,
        service.contact_person,
        service.contact_phone,
        service.contact_email,
        service.opening_hours,
        service.languages,
        service.cost,
        service.cost_note,
        service.response_days if service.response_days is not None else "",
        service.first_contact_data,
        _yes_no(service.active),
    ]


def write_workbook(rows: Iterable[tuple[Organisation, Service | None]]) -> bytes:
    """The export: a header row, then one row per service (or per organisation without services)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("directory")
    sheet.append(COLUMNS)
    for organisation, service in rows:
        cells = organisation_cells(organisation) + service_cells(service)
        sheet.append([safe_xlsx_cell(c) if isinstance(c, str) else c for c in cells])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


SPLIT_LIST = re.compile(r"[;\n]+")
SPLIT_CODES = re.compile(r"[;,\n]+")


def split_list(text: str, pattern: re.Pattern = SPLIT_LIST) -> Iterator[str]:
    return (part.strip() for part in pattern.split(text) if part.strip())
