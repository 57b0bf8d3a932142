"""The export page and the download (docs/exports.md).

The page shows the form (and, through htmx, how many rows the filters give). The download
streams: CSV row by row as it is read, XLSX from a temporary file written first. Users without
a case role get 404; a refused identifiable export comes back as a form error.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from reintegra.accounts.access import access_for
from reintegra.exports import writers
from reintegra.exports.access import may_export
from reintegra.exports.forms import ExportForm
from reintegra.exports.services import CSV, Export, export_open, export_size

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_exporter(user) -> None:
    if not may_export(access_for(user)):
        raise Http404


@login_required
@require_GET
def export_page(request):
    _require_exporter(request.user)
    form = ExportForm(request.GET or None, user=request.user)
    rows = export_size(request.user, form.spec()) if form.is_bound and form.is_valid() else None
    template = "exports/export.html#estimate" if request.htmx else "exports/export.html"
    return render(request, template, {"form": form, "rows": rows})


@login_required
@require_GET
def export_download(request):
    _require_exporter(request.user)
    form = ExportForm(request.GET, user=request.user)
    if form.is_valid():
        try:
            return file_response(export_open(actor=request.user, spec=form.spec(), channel="page"))
        except PermissionDenied as refusal:
            form.add_error("identifiable", str(refusal))
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "exports/export.html", {"form": form, "rows": None}, status=400)


def file_response(export: Export, *, bom: bool = True):
    """The export as a download: CSV streamed (`streaming_content`), XLSX from its temporary file."""
    if export.spec.format == CSV:
        response = StreamingHttpResponse(
            writers.csv_stream(export.tables[0], bom=bom), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    else:
        handle = writers.xlsx_temp_file(export.tables, codebook_per_table=export.codebook_per_table)
        response = FileResponse(handle, as_attachment=True, filename=export.filename, content_type=XLSX_TYPE)
    response["Cache-Control"] = "no-store"
    response["X-Export-Rows"] = str(export.rows)
    return response
