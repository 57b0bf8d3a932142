"""Importing a KoboToolbox / ODK Central / ODK Briefcase export (CSV or XLSX) into the cases, row by row.

The file is read as a stream (`reintegra.scoring.batch.read_rows`: CSV with a sniffed delimiter and a
tolerated UTF-8 BOM, XLSX through openpyxl in read-only mode). Columns are matched to the questions
of the chosen instrument version on their last path segment (`economic/e1_…`, `grp-x/…`,
`group:…`), with the helper the batch scorer uses (`reintegra.scoring.batch.question_of`).
Kobo's "separate columns" for select_multiple (`q/option` holding 1 or 0) are put back together;
questions inside repeats cannot come from a flat export and are listed as ignored columns.

Each row: the case is looked up by number among the cases the user may work on (anything else is
"case not found"), the answers are validated by the engine (`validate_answers`, not partial) and
recorded with `services.response_record(..., source="import", external_id=...)`, which raises the
flags and scores the RSS. Each row has its own transaction; a rejected row says why, question by
question. The external id (`_uuid`, `meta/instanceID`, `instanceID`, `KEY`, `_id`, or a hash of
version + case number + row when the file has none) makes a re-import report "already imported"
instead of creating duplicates. The report is kept in an ImportBatch and the import is audited.
"""

import csv
import hashlib
import json
import logging
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reintegra.accounts.access import access_for
from reintegra.accounts.models import User
from reintegra.audit.models import AuditEvent
from reintegra.audit.services import audit_record
from reintegra.cases.models import Case
from reintegra.cases.selectors import cases_for
from reintegra.instruments.engine import FormModel, Question, validate_answers
from reintegra.instruments.models import ImportBatch, InstrumentVersion, InterviewMode, Occasion, Response
from reintegra.instruments.services import form_for, response_record
from reintegra.lib.cells import safe_cell
from reintegra.scoring.batch import FileProblem, question_of, read_rows

logger = logging.getLogger(__name__)

ACCEPTED, REJECTED, ALREADY = "accepted", "rejected", "already_imported"
STATUSES = (ACCEPTED, REJECTED, ALREADY)
STATUS_LABELS = {
    ACCEPTED: gettext_lazy("Accepted"),
    REJECTED: gettext_lazy("Rejected"),
    ALREADY: gettext_lazy("Already imported"),
}
SUFFIXES = (".csv", ".xlsx")
XLSX_SIGNATURE = b"PK\x03\x04"

# Column names, matched on their last path segment; the first match in each list wins.
CASE_COLUMNS = ("case_number", "case_no", "numero_dossier")
EXTERNAL_ID_COLUMNS = ("_uuid", "instanceID", "KEY", "_id")  # meta/instanceID is matched as instanceID
DATE_COLUMNS = ("interview_date", "today", "start", "_submission_time", "SubmissionDate")
INTERVIEWER_COLUMNS = ("username", "_submitted_by", "deviceid", "SubmitterName")
METADATA_COLUMNS = frozenset(
    {
        *EXTERNAL_ID_COLUMNS,
        *DATE_COLUMNS,
        *INTERVIEWER_COLUMNS,
        "end",
        "subscriberid",
        "simserial",
        "phonenumber",
        "email",
        "audit",
        "uuid",
        "instanceName",
        "deprecatedID",
        "rootUuid",
        "_validation_status",
        "_notes",
        "_status",
        "__version__",
        "_version_",
        "_tags",
        "_index",
        "_parent_index",
        "_parent_table_name",
        "_xform_id_string",
        "_attachments",
        "_geolocation",
        "_duration",
        "_media_all_received",
        "_total_media",
        "_media_count",
        "PARENT_KEY",
        "SubmitterID",
        "AttachmentsPresent",
        "AttachmentsExpected",
        "Status",
        "ReviewState",
        "DeviceID",
        "Edits",
        "FormVersion",
    }
)
OPTION_SEPARATORS = ("/", ":", ".", "-")
TICKED = {"1", "true", "yes", "y", "x"}
UNTICKED = {"", "0", "false", "no", "n"}
ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
MAX_LISTED_COLUMNS = 40


class ImportProblem(Exception):
    """The file as a whole cannot be imported (unreadable, no case-number column…): a translated message."""


# --- Columns ------------------------------------------------------------------------------------


@dataclass
class ColumnPlan:
    """Which column holds what: questions, option columns, case number, external id, date, interviewer."""

    header: list[str]
    questions: dict[str, int] = field(default_factory=dict)  # question name -> column
    options: dict[str, dict[str, int]] = field(default_factory=dict)  # select_multiple -> {choice: column}
    case: int = 0
    external_id: int | None = None
    dates: list[int] = field(default_factory=list)
    interviewers: list[int] = field(default_factory=list)
    ignored: list[dict] = field(default_factory=list)  # {"column", "reason"}

    def column(self, index: int | None) -> str:
        return self.header[index] if index is not None else ""


def _matches(header: Sequence[str], candidates: Iterable[str]) -> list[int]:
    """Columns whose last segment is one of the candidates, in the candidates' order of preference."""
    found: list[int] = []
    for candidate in candidates:
        found += [i for i, name in enumerate(header) if i not in found and question_of(name, (candidate,))]
    return found


def _listed(header: Sequence[str]) -> str:
    names = [name for name in header if name.strip()]
    shown = ", ".join(names[:MAX_LISTED_COLUMNS])
    return shown + (" …" if len(names) > MAX_LISTED_COLUMNS else "")


def _case_column(header: Sequence[str], chosen: str) -> int:
    chosen = (chosen or "").strip()
    if chosen:
        for index, name in enumerate(header):
            if name.strip() == chosen:
                return index
        raise ImportProblem(
            _("The file has no column “%(column)s”. Its columns are: %(columns)s.")
            % {"column": chosen, "columns": _listed(header)}
        )
    found = _matches(header, CASE_COLUMNS)
    if not found:
        raise ImportProblem(
            _(
                "No case-number column was found (case_number, case_no or numero_dossier). "
                "Name the column that holds the case number. The file's columns are: %(columns)s."
            )
            % {"columns": _listed(header)}
        )
    return found[0]


def _option_of(name: str, selects: dict[str, Question]) -> tuple[str, str] | None:
    """(question, choice) when the column is one of Kobo's separate select_multiple columns (`q/option`)."""
    for separator in OPTION_SEPARATORS:
        if separator not in name:
            continue
        head, choice = name.rsplit(separator, 1)
        question = question_of(head, selects)
        if question and choice.strip() in selects[question].choice_names:
            return question, choice.strip()
    return None


def _ignored_reason(question: Question | None, name: str, taken: dict[str, int]) -> str | None:
    """Why a column is not read as an answer, or None when it is."""
    if question is None:
        if question_of(name, METADATA_COLUMNS):
            return _("Kobo/ODK metadata, not an answer.")
        return _("Not a question of this version of the form.")
    if question.repeat is not None or question.type == "repeat":
        repeat = question if question.type == "repeat" else question.repeat
        return _("Question inside the repeat “%(repeat)s”: repeats cannot be imported from a flat export.") % {
            "repeat": repeat.name
        }
    if question.type == "calculate":
        return _("Calculated by Reintegra from the other answers.")
    if question.type in ("note", "group"):
        return _("A note or group holds no answer.")
    if question.name in taken:
        return _("Question %(question)s is already read from another column.") % {"question": question.name}
    return None


def plan_columns(header: Sequence[str], form: FormModel, case_column: str = "") -> ColumnPlan:
    """Map the header to the form; raises ImportProblem when the file cannot be imported at all."""
    plan = ColumnPlan(header=[str(name).strip() for name in header])
    header = plan.header
    plan.case = _case_column(header, case_column)
    ids = _matches(header, EXTERNAL_ID_COLUMNS)
    plan.external_id = ids[0] if ids else None
    plan.dates = _matches(header, DATE_COLUMNS)
    plan.interviewers = _matches(header, INTERVIEWER_COLUMNS)
    meta = {plan.case, plan.external_id, *plan.dates, *plan.interviewers}
    selects = {q.name: q for q in form.top_level() if q.type == "select_multiple"}
    names = frozenset(form.by_name)
    for index, name in enumerate(header):
        if not name:
            plan.ignored.append(
                {"column": _("column %(number)s") % {"number": index + 1}, "reason": _("The column has no name.")}
            )
            continue
        option = _option_of(name, selects)
        if option is not None:
            plan.options.setdefault(option[0], {})[option[1]] = index
            continue
        matched = question_of(name, names)
        question = form.by_name[matched] if matched else None
        reason = _ignored_reason(question, name, plan.questions)
        if reason is None:
            plan.questions[question.name] = index
        elif index not in meta:
            plan.ignored.append({"column": name, "reason": reason})
    _drop_redundant_options(plan)
    if not plan.questions and not plan.options:
        raise ImportProblem(
            _(
                "No column of the file matches a question of %(form)s version %(version)s. "
                "Export the data with XML values and headers (question names), not labels."
            )
            % {"form": form.form_id, "version": form.version}
        )
    return plan


def _drop_redundant_options(plan: ColumnPlan) -> None:
    """Kobo can export a select_multiple both ways; the single column wins and the others are listed."""
    for question in [q for q in plan.options if q in plan.questions]:
        for index in plan.options.pop(question).values():
            plan.ignored.append(
                {
                    "column": plan.header[index],
                    "reason": _("Option column of %(question)s; the column %(column)s is read instead.")
                    % {"question": question, "column": plan.header[plan.questions[question]]},
                }
            )


# --- One row ------------------------------------------------------------------------------------


def _cell(row: Sequence[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return str(row[index]).strip()


def _iso_date(text: str) -> str | None:
    match = ISO_DATE.match(text.strip())
    return match.group(1) if match else None


def _answer_text(question: Question, text: str) -> str:
    """Dates exported with a time (XLSX cells, `2026-01-15T00:00:00`) become `YYYY-MM-DD`."""
    if question.type == "date":
        return _iso_date(text) or text
    return text


def raw_answers(plan: ColumnPlan, form: FormModel, row: Sequence[str]) -> tuple[dict, dict[str, str]]:
    """The row's answers by question name, as the web form would post them, and column-level errors."""
    raw: dict = {}
    errors: dict[str, str] = {}
    for name, index in plan.questions.items():
        text = _cell(row, index)
        if text:
            raw[name] = _answer_text(form.by_name[name], text)
    for name, columns in plan.options.items():
        ticked, unreadable = set(), []
        for choice, index in columns.items():
            value = _cell(row, index).lower()
            if value in TICKED:
                ticked.add(choice)
            elif value not in UNTICKED:
                unreadable.append(plan.header[index])
        if unreadable:
            errors[name] = _("The option columns %(columns)s must hold 1 or 0.") % {"columns": ", ".join(unreadable)}
        elif ticked:
            raw[name] = [choice.name for choice in form.by_name[name].choices if choice.name in ticked]
    return raw, errors


def external_id_of(plan: ColumnPlan, row: Sequence[str], version: InstrumentVersion, case_number: str) -> str:
    """The submission's instance id (without ODK's `uuid:` prefix), or a stable hash of the row."""
    value = _cell(row, plan.external_id)
    if value:
        return value.removeprefix("uuid:")[:100]
    cells = [str(cell).strip() for cell in row]
    while cells and not cells[-1]:
        cells.pop()
    payload = json.dumps([version.instrument.code, version.version, case_number, cells], ensure_ascii=False)
    return "row-sha256:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:48]


@dataclass
class RowMeta:
    interview_date: date | None = None
    interviewer_name: str = ""
    error: str = ""
    note: str = ""


def row_meta(plan: ColumnPlan, row: Sequence[str], today: date) -> RowMeta:
    """Interview date (first filled date column, else today with a note) and the interviewer as recorded."""
    meta = RowMeta(interviewer_name=next((v for i in plan.interviewers if (v := _cell(row, i))), "")[:120])
    for index in plan.dates:
        text = _cell(row, index)
        if not text:
            continue
        found = _iso_date(text)
        if found is None:
            meta.error = _("Interview date: “%(value)s” in column %(column)s is not a date (YYYY-MM-DD).") % {
                "value": text,
                "column": plan.header[index],
            }
            return meta
        try:
            meta.interview_date = date.fromisoformat(found)
        except ValueError:
            meta.error = _("Interview date: “%(value)s” is not a valid date.") % {"value": text}
        return meta
    meta.interview_date = today
    meta.note = _("No interview date in the row; the import date was used.")
    return meta


def _service_messages(error: ValidationError) -> list[str]:
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    messages = []
    for key, values in error.message_dict.items():
        try:
            label = str(Response._meta.get_field(key).verbose_name) if key != "__all__" else ""
        except FieldDoesNotExist:  # a question name
            label = key
        messages += [_("%(question)s: %(message)s") % {"question": label, "message": m} if label else m for m in values]
    return messages


@dataclass
class Run:
    """Everything the rows share: who imports what, the column plan, the cases seen so far."""

    actor: User
    version: InstrumentVersion
    form: FormModel
    plan: ColumnPlan
    occasion: str
    occasion_number: int
    mode: str
    check_only: bool
    cases: QuerySet[Case]
    today: date
    max_new_rows: int | None = None
    found: dict[str, Case | None] = field(default_factory=dict)
    seen: dict[str, int] = field(default_factory=dict)  # external id -> row accepted in this file

    def case(self, number: str) -> Case | None:
        key = number.strip().upper()
        if key not in self.found:
            self.found[key] = self.cases.filter(number=key).first()
        return self.found[key]

    def already_recorded(self, external_id: str) -> bool:
        return Response.objects.filter(
            instrument_version__instrument_id=self.version.instrument_id, external_id=external_id
        ).exists()


def _reason(form: FormModel, key: str, message: str, raw: dict) -> str:
    """`question: message`, with the answer given when it is a code or a number (never free text)."""
    question = form.by_name.get(key)
    value = raw.get(key)
    if question is not None and question.type != "text" and value not in (None, ""):
        shown = " ".join(value) if isinstance(value, list) else str(value)
        return _("%(question)s: %(message)s (answer: “%(value)s”)") % {
            "question": key,
            "message": message,
            "value": shown[:80],
        }
    return _("%(question)s: %(message)s") % {"question": key, "message": message}


def import_row(run: Run, number: int, row: Sequence[str]) -> dict:
    """The outcome of one row: accepted, rejected (with reasons) or already imported."""
    plan = run.plan
    case_number = _cell(row, plan.case)
    entry: dict = {"row": number, "case": case_number, "status": REJECTED, "errors": [], "notes": []}
    errors: list[str] = entry["errors"]
    if len(row) > len(plan.header) and any(str(cell).strip() for cell in row[len(plan.header) :]):
        errors.append(_("The row has more cells than the header has columns."))
    case = run.case(case_number) if case_number else None
    if not case_number:
        errors.append(_("The row has no case number."))
    elif case is None:
        errors.append(_("Case %(number)s not found.") % {"number": case_number})
    entry["external_id"] = external_id = external_id_of(plan, row, run.version, case_number)
    if case is not None and not errors:
        if external_id in run.seen:
            entry["status"] = ALREADY
            entry["notes"].append(_("Same submission as row %(row)s of this file.") % {"row": run.seen[external_id]})
            return entry
        if run.already_recorded(external_id):
            entry["status"] = ALREADY
            return entry
    raw, column_errors = raw_answers(plan, run.form, row)
    clean, answer_errors = validate_answers(run.form, raw, partial=False)
    for key, message in {**answer_errors, **column_errors}.items():
        errors.append(_reason(run.form, key, message, raw))
    skipped = [name for name in raw if name not in clean and name not in answer_errors]
    if skipped:
        entry["notes"].append(
            _("Answers to questions that do not apply (skip logic) were not kept: %(questions)s.")
            % {"questions": ", ".join(skipped)}
        )
    meta = row_meta(plan, row, run.today)
    if meta.error:
        errors.append(meta.error)
    if meta.note:
        entry["notes"].append(meta.note)
    if errors:
        return entry
    return _record_row(run, entry, case, raw, meta)


def _record_row(run: Run, entry: dict, case: Case, raw: dict, meta: RowMeta) -> dict:
    try:
        with transaction.atomic():
            response = response_record(
                actor=run.actor,
                case=case,
                version=run.version,
                answers=raw,
                occasion=run.occasion,
                occasion_number=run.occasion_number,
                interview_date=meta.interview_date,
                mode=run.mode,
                interviewer_name=meta.interviewer_name,
                source=Response.Source.IMPORT,
                external_id=entry["external_id"],
            )
            if run.check_only:
                transaction.set_rollback(True)
    except ValidationError as error:
        entry["errors"] += _service_messages(error)
        return entry
    except PermissionDenied:
        entry["errors"].append(_("Case %(number)s not found.") % {"number": entry["case"]})
        return entry
    except IntegrityError:  # recorded meanwhile by another import of the same submission
        entry["status"] = ALREADY
        return entry
    entry["status"] = ACCEPTED
    if not run.check_only:
        entry["response"] = response.pk
    run.seen[entry["external_id"]] = entry["row"]
    return entry


# --- The import ---------------------------------------------------------------------------------


def _check_request(actor: User, occasion: str, occasion_number: int, mode: str) -> None:
    if not access_for(actor).identifying:
        raise PermissionDenied(_("Only users with casework rights may import responses into cases."))
    errors = {}
    if occasion not in Occasion.values:
        errors["occasion"] = _("Choose an occasion.")
    elif occasion == Occasion.FOLLOW_UP and occasion_number < 1:
        errors["occasion_number"] = _("Give the follow-up number (1 for the first follow-up).")
    if mode not in InterviewMode.values:
        errors["mode"] = _("Choose how the interviews took place.")
    if errors:
        raise ValidationError(errors)


def _safe_row(run: Run, number: int, row: list[str]) -> dict:
    try:
        return import_row(run, number, row)
    except Exception:  # one row the code chokes on is reported, the others still go in
        logger.exception("import of row %s failed", number)
        return {
            "row": number,
            "case": _cell(row, run.plan.case),
            "status": REJECTED,
            "errors": [_("This row could not be imported (unexpected error; see the log).")],
            "notes": [],
        }


def _rows(rows: Iterator[list[str]], run: Run, notes: list[str]) -> list[dict]:
    report: list[dict] = []
    numbered = enumerate(rows, start=2)
    while True:
        try:
            number, row = next(numbered)
        except StopIteration:
            break
        except (csv.Error, UnicodeDecodeError) as error:
            notes.append(
                _("The file could not be read after row %(row)s (%(error)s); the rows after it were not imported.")
                % {"row": len(report) + 1, "error": error}
            )
            break
        report.append(_safe_row(run, number, row))
        if run.max_new_rows and len(run.seen) >= run.max_new_rows:
            _stop_early(run, rows, number, notes)
            break
    return report


def _stop_early(run: Run, rows: Iterator[list[str]], number: int, notes: list[str]) -> None:
    """The page imports a bounded number of new rows per upload; uploading the file again continues."""
    if next(rows, None) is None:
        return
    values = {"count": run.max_new_rows, "row": number}
    if run.check_only:
        message = _(
            "The check stopped at row %(row)s, after %(count)s rows that would be accepted; the rest of the file "
            "was not checked. Check the whole file with the import_responses command (--check)."
        )
    else:
        message = _(
            "The import stopped at row %(row)s, after %(count)s new responses, to keep the page responsive. "
            "Upload the same file again to continue: rows already imported are skipped. "
            "Large files go faster with the import_responses command."
        )
    notes.append(message % values)


def responses_import(
    *,
    actor: User,
    version: InstrumentVersion,
    path: Path,
    file_name: str = "",
    occasion: str,
    occasion_number: int = 0,
    mode: str = InterviewMode.IN_PERSON,
    case_column: str = "",
    check_only: bool = False,
    max_new_rows: int | None = None,
) -> ImportBatch:
    """Import an export file into the actor's cases; the report comes back as an ImportBatch.

    `max_new_rows` bounds the rows accepted in one go (the web page); the rest waits for the next upload.
    Raises PermissionDenied (no casework rights), ValidationError (bad options) or ImportProblem (file).
    """
    _check_request(actor, occasion, occasion_number, mode)
    try:
        header, rows = read_rows(Path(path))
    except FileProblem as problem:
        raise ImportProblem(str(problem)) from problem
    form = form_for(version)
    plan = plan_columns(header, form, case_column)
    access = access_for(actor)
    run = Run(
        actor=actor,
        version=version,
        form=form,
        plan=plan,
        occasion=occasion,
        occasion_number=occasion_number if occasion == Occasion.FOLLOW_UP else 0,
        mode=mode,
        check_only=check_only,
        cases=cases_for(actor).filter(office_id__in=access.identifying).select_related("office"),
        today=timezone.localdate(),
        max_new_rows=max_new_rows,
    )
    notes: list[str] = []
    if not plan.dates:
        notes.append(_("The file has no interview date column; the import date was used for every row."))
    report = _rows(rows, run, notes)
    return _record(run, file_name or Path(path).name, report, notes)


def responses_import_upload(*, upload, **options) -> ImportBatch:
    """The same from an uploaded file: it is spooled to a temporary file and read as a stream."""
    suffix = Path(upload.name).suffix.lower()
    with tempfile.NamedTemporaryFile(suffix=suffix) as spooled:
        for chunk in upload.chunks():
            spooled.write(chunk)
        spooled.flush()
        return responses_import(path=Path(spooled.name), file_name=upload.name, **options)


@transaction.atomic
def _record(run: Run, file_name: str, report: list[dict], notes: list[str]) -> ImportBatch:
    counts = {status: sum(1 for entry in report if entry["status"] == status) for status in STATUSES}
    version = run.version
    batch = ImportBatch.objects.create(
        actor=run.actor,
        instrument_version=version,
        occasion=run.occasion,
        occasion_number=run.occasion_number,
        file_name=file_name[:255],
        check_only=run.check_only,
        row_count=len(report),
        accepted_count=counts[ACCEPTED],
        rejected_count=counts[REJECTED],
        already_imported_count=counts[ALREADY],
        report={
            "rows": report,
            "ignored_columns": run.plan.ignored,
            "notes": notes,
            "columns": {
                "case": run.plan.column(run.plan.case),
                "external_id": run.plan.column(run.plan.external_id),
                "interview_date": [run.plan.header[i] for i in run.plan.dates],
                "interviewer": [run.plan.header[i] for i in run.plan.interviewers],
                "questions": len(run.plan.questions) + len(run.plan.options),
            },
        },
    )
    audit_record(
        actor=run.actor,
        event_type=AuditEvent.Type.RESPONSES_IMPORTED,
        subject=batch,
        changes={
            "file": batch.file_name,
            "instrument": version.instrument.code,
            "version": version.version,
            "occasion": run.occasion,
            "check_only": run.check_only,
            "rows": len(report),
            **counts,
        },
    )
    return batch


# --- Reads and the CSV report -------------------------------------------------------------------


def import_batches_for(user) -> QuerySet[ImportBatch]:
    """The user's own imports, newest first (the report lists case numbers: only its author reads it)."""
    return ImportBatch.objects.filter(actor_id=user.pk).select_related("instrument_version__instrument")


def import_batch_for(user, pk: int) -> ImportBatch:
    batch = import_batches_for(user).filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch


REPORT_HEADER = ("row", "status", "case_number", "external_id", "response", "reasons", "notes")


def report_lines(batch: ImportBatch) -> Iterator[list[str]]:
    """The report as CSV lines (formula-neutralised): the rows, then one line per ignored column."""
    yield list(REPORT_HEADER)
    for entry in batch.report.get("rows", []):
        cells = [
            str(entry["row"]),
            entry["status"],
            entry.get("case", ""),
            entry.get("external_id", ""),
            str(entry.get("response", "")),
            " | ".join(entry.get("errors", [])),
            " | ".join(entry.get("notes", [])),
        ]
        yield [safe_cell(cell, keep_numbers=True) for cell in cells]
    for item in batch.report.get("ignored_columns", []):
        yield [
            safe_cell(cell, keep_numbers=True)
            for cell in ("", "ignored_column", "", "", "", item["column"], item["reason"])
        ]
    for note in batch.report.get("notes", []):
        yield [safe_cell(cell, keep_numbers=True) for cell in ("", "note", "", "", "", "", note)]


def write_report(batch: ImportBatch, out) -> None:
    writer = csv.writer(out)
    for line in report_lines(batch):
        writer.writerow(line)


def check_upload(upload) -> None:
    """Size, extension and (for XLSX) signature of an uploaded export; raises ValidationError."""
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("The file is too large: the limit is %(size)s MB. Import larger files with the import_responses command.")
            % {"size": round(settings.UPLOAD_MAX_BYTES / (1024 * 1024), 1)}
        )
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in SUFFIXES:
        raise ValidationError(_("Upload a CSV (.csv) or Excel (.xlsx) export."))
    if suffix == ".xlsx":
        head = upload.read(4)
        upload.seek(0)
        if head != XLSX_SIGNATURE:
            raise ValidationError(_("This file is not a valid Excel workbook (.xlsx)."))


def record_report_download(*, actor, batch: ImportBatch) -> None:
    """Audit a download of an import's row report (it lists case numbers and rejected answers)."""
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.EXPORT,
        subject=batch,
        changes={"export": "import_report", "rows": batch.row_count},
    )
