"""Writes of the dashboards app: only the audit of a chart's data leaving the system."""

from reintegra.audit.models import AuditEvent
from reintegra.audit.services import audit_record


def record_chart_download(*, actor, panel: str, filters: dict, rows: int, suppressed: bool, channel: str) -> None:
    """Audit a chart's CSV like any export: aggregates only, but the filters can narrow them to few people."""
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.EXPORT,
        subject=actor,
        changes={
            "export": f"dashboard.{panel}",
            "format": "csv" if channel == "dashboard" else "json",
            "filters": filters,
            "rows": rows,
            "identifiable": False,
            "small_cells_suppressed": suppressed,
            "channel": channel,
        },
    )
