"""Import pages: upload a Kobo/ODK export, read its row-by-row report, download the report as CSV.

Only users with casework rights (access.identifying) import, into the cases they may work on;
everyone else (M&E officers, partners, administrators, users without a role) gets 404.
A report is read by the user who made the import only.
"""

import io

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from reintegra.cases.forms import add_service_errors
from reintegra.cases.views.common import case_page
from reintegra.instruments import importer, selectors
from reintegra.instruments.import_forms import ImportForm

PAGE_SIZE = 200
NEW_ROWS_PER_UPLOAD = 1000  # ~15 s of work; uploading the same file again continues (rows already in are skipped)


def _require_importer(request) -> None:
    if not selectors.user_access(request.user).identifying:
        raise Http404


@case_page
def import_start(request):
    _require_importer(request)
    form = ImportForm(request.POST or None, request.FILES or None, instrument=request.GET.get("instrument", ""))
    if request.method == "POST" and form.is_valid():
        try:
            batch = importer.responses_import_upload(
                actor=request.user,
                upload=form.cleaned_data["file"],
                max_new_rows=NEW_ROWS_PER_UPLOAD,
                **form.service_kwargs(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except importer.ImportProblem as problem:
            form.add_error("file", str(problem))
        else:
            return redirect("instruments:import_report", pk=batch.pk)
    context = {"form": form, "batches": importer.import_batches_for(request.user)[:10]}
    return render(request, "instruments/import.html", context, status=400 if form.errors else 200)


@case_page
def import_report(request, pk):
    _require_importer(request)
    batch = importer.import_batch_for(request.user, pk)
    status = request.GET.get("status", "")
    rows = batch.report.get("rows", [])
    if status in importer.STATUSES:
        rows = [row for row in rows if row["status"] == status]
    context = {
        "batch": batch,
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "status": status,
        "statuses": importer.STATUS_LABELS.items(),
    }
    return render(request, "instruments/import_report.html", context)


@case_page
def import_report_csv(request, pk):
    _require_importer(request)
    batch = importer.import_batch_for(request.user, pk)
    out = io.StringIO()
    importer.write_report(batch, out)
    importer.record_report_download(actor=request.user, batch=batch)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-report-{batch.pk}.csv"'
    return response
