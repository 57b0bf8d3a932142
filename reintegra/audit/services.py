"""Writing audit events. Services call `audit_record` inside their own transaction."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile

from reintegra.audit.models import AuditEvent


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, (date, datetime, Decimal)):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, FieldFile):  # `.url` of an empty file raises, so test the type
        return value.name or ""
    return value


def diff_fields(instance: models.Model, before: dict[str, Any], fields: list[str]) -> dict[str, list[Any]]:
    """Changed fields as {name: [old, new]} between a snapshot and the instance now."""
    changes = {}
    for name in fields:
        old, new = _plain(before.get(name)), _plain(getattr(instance, name))
        if old != new:
            changes[name] = [old, new]
    return changes


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in fields}


def audit_record(
    *,
    actor,
    event_type: str,
    subject: models.Model,
    office=None,
    case=None,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        office=office,
        case=case,
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        event_type=event_type,
        changes={k: _plain(v) for k, v in (changes or {}).items()},
    )
