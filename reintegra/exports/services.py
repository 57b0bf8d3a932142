"""Starting an export: the access checks, the tables, and the audit event (one per export).

`export_open` is the one entry point of the page, the API and the `export_dataset` command. It
refuses outsiders (404), refuses an identifiable export the user may not have (PermissionDenied),
counts the rows and records `AuditEvent.Type.EXPORT` with the dataset, format, filters, row
count and whether identities are in it, before a single row is written.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from reintegra.accounts.access import access_for
from reintegra.accounts.models import Office
from reintegra.audit.models import AuditEvent
from reintegra.audit.services import audit_record
from reintegra.exports import access as export_access
from reintegra.exports import selectors
from reintegra.exports.datasets import DATASETS, Context, Table

CSV, XLSX = "csv", "xlsx"
FORMATS = (CSV, XLSX)


@dataclass(frozen=True)
class ExportSpec:
    dataset: str
    format: str
    filters: selectors.Filters
    identifiable: bool = False
    language: str = "en"


@dataclass
class Export:
    spec: ExportSpec
    tables: list[Table]
    rows: int

    @property
    def filename(self) -> str:
        kind = "identifiable" if self.spec.identifiable else "pseudonymised"
        return f"reintegra-{self.spec.dataset}-{kind}-{timezone.localdate():%Y-%m-%d}.{self.spec.format}"

    @property
    def codebook_per_table(self) -> bool:
        return not DATASETS[self.spec.dataset].one_table


def export_context(user, spec: ExportSpec) -> Context:
    """The scoped, filtered context of an export; 404 for users without a case role."""
    access = access_for(user)
    if not export_access.may_export(access) or spec.dataset not in DATASETS:
        raise Http404
    cases = selectors.export_cases(user, spec.filters)
    return Context(
        user=user,
        access=access,
        cases=cases,
        filters=spec.filters,
        identifiable=spec.identifiable,
        language=spec.language,
    )


def export_size(user, spec: ExportSpec) -> int:
    """How many rows the export would have (shown on the page before downloading)."""
    return DATASETS[spec.dataset].count(export_context(user, spec))


def export_open(*, actor, spec: ExportSpec, channel: str) -> Export:
    """Check, prepare and audit an export; the returned tables produce their rows lazily."""
    context = export_context(actor, spec)
    if spec.format not in FORMATS:
        raise ValidationError({"format": _("Choose CSV or XLSX.")})
    dataset = DATASETS[spec.dataset]
    if spec.format == CSV and not dataset.one_table and not spec.filters.instrument_version_id:
        raise ValidationError({"instrument_version": _("A CSV holds one questionnaire: choose its version.")})
    if spec.identifiable:
        refusal = export_access.identifiable_refusal(context.access, context.cases)
        if refusal:
            raise PermissionDenied(refusal)
    rows = dataset.count(context)
    tables = dataset.tables(context)
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.EXPORT,
        subject=actor,
        office=Office.objects.filter(pk=spec.filters.office_id).first() if spec.filters.office_id else None,
        changes={
            "export": spec.dataset,
            "dataset": spec.dataset,
            "format": spec.format,
            "filters": spec.filters.as_audit(),
            "rows": rows,
            "identifiable": spec.identifiable,
            "channel": channel,
        },
    )
    return Export(spec=spec, tables=tables, rows=rows)
