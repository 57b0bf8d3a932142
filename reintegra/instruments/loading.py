"""Loading the shipped instrument definitions (management command and post_migrate hook)."""

import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from reintegra.instruments.registry import SHIPPED, Shipped
from reintegra.instruments.services import load_shipped
from reintegra.instruments.xlsform import XLSFormError

logger = logging.getLogger(__name__)


@dataclass
class LoadResult:
    code: str
    version: str = ""
    created: bool = False
    missing: bool = False
    error: str = ""


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    if isinstance(exc, XLSFormError):
        return exc.describe()
    return str(exc)


def load_one(shipped: Shipped) -> LoadResult:
    try:
        version, created = load_shipped(shipped)
    except (ValidationError, XLSFormError) as exc:
        return LoadResult(shipped.code, error=_message(exc))
    if version is None:
        return LoadResult(shipped.code, missing=True)
    return LoadResult(shipped.code, version=version.version, created=created)


def load_all(codes: list[str] | None = None) -> list[LoadResult]:
    return [load_one(item) for item in SHIPPED if not codes or item.code in codes]


def load_after_migrate(sender, **kwargs) -> None:
    """post_migrate: load new shipped versions; a broken definition is logged, never blocks migrate."""
    from django.db import connection

    if "instruments_instrumentversion" not in connection.introspection.table_names():
        return
    for result in load_all():
        if result.error:
            logger.error("Instrument %s was not loaded: %s", result.code, result.error)
