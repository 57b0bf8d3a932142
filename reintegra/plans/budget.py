"""Money arithmetic: conversion to the programme currency and plan/case/programme totals.

Amounts are Decimals. A conversion is `amount × rate`, kept exact (2 + 6 decimal places) and
summed exactly; only a total shown or stored is rounded, half up, to cents. So a programme's total
is exactly the sum of its cases' totals before rounding.

Planned costs use the rate valid on the plan's date (the latest rate with `valid_from` on or
before it); disbursements use the rate valid on their payment date. The programme's own currency
converts at 1. A missing rate is an error that names the currency and the date.
"""

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext

from reintegra.plans.models import ExchangeRate, Modality

CENT = Decimal("0.01")
ZERO = Decimal("0")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class MissingRate(ValidationError):
    """No exchange rate for a currency on a date: the totals cannot be computed."""

    def __init__(self, currency: str, on: date, programme_currency: str):
        self.currency, self.on = currency, on
        super().__init__(
            gettext(
                "There is no exchange rate from %(currency)s to %(programme_currency)s valid on %(date)s. "
                "A programme manager or administrator enters it on the exchange rates page."
            )
            % {
                "currency": currency,
                "programme_currency": programme_currency,
                "date": date_format(on, "SHORT_DATE_FORMAT"),
            }
        )


class RateTable:
    """The exchange rates of one programme, loaded once (one query), looked up by currency and date."""

    def __init__(self, programme, currencies=None):
        self.currency = programme.currency.upper() if programme else ""
        self._rates: dict[str, tuple[list[date], list[Decimal]]] = {}
        if programme is None:
            return
        rows = ExchangeRate.objects.filter(programme=programme).order_by("currency", "valid_from")
        if currencies is not None:
            rows = rows.filter(currency__in={c.upper() for c in currencies})
        grouped: dict[str, list[tuple[date, Decimal]]] = defaultdict(list)
        for currency, valid_from, rate in rows.values_list("currency", "valid_from", "rate"):
            grouped[currency.upper()].append((valid_from, rate))
        self._rates = {c: ([d for d, _r in pairs], [r for _d, r in pairs]) for c, pairs in grouped.items()}

    def rate(self, currency: str, on: date) -> Decimal:
        currency = currency.upper()
        if currency == self.currency:
            return Decimal(1)
        days, rates = self._rates.get(currency, ([], []))
        index = bisect_right(days, on)
        if index == 0:
            raise MissingRate(currency, on, self.currency or "?")
        return rates[index - 1]

    def convert(self, amount: Decimal, currency: str, on: date) -> Decimal:
        return amount * self.rate(currency, on)


@dataclass
class PlanTotals:
    """A plan's estimated costs in the programme currency (exact; round with `cents` to show)."""

    currency: str
    total: Decimal = ZERO
    cash: Decimal = ZERO
    by_dimension: dict[str, Decimal] = field(default_factory=dict)
    by_activity: dict[int, Decimal] = field(default_factory=dict)
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def counted(activity) -> bool:
    """Cancelled activities cost nothing."""
    return activity.status != activity.Status.CANCELLED


def plan_totals(plan, activities, rates: RateTable) -> PlanTotals:
    """Totals of `activities` (the plan's rows, already loaded) at the plan date's rates."""
    totals = PlanTotals(currency=rates.currency)
    try:
        for activity in activities:
            if not counted(activity):
                continue
            value = rates.convert(activity.estimated_cost, activity.currency, plan.plan_date)
            totals.by_activity[activity.pk] = value
            totals.total += value
            totals.by_dimension[activity.dimension] = totals.by_dimension.get(activity.dimension, ZERO) + value
            if activity.modality == Modality.CASH:
                totals.cash += value
    except MissingRate as missing:
        totals.error = missing.messages[0]
    return totals


def spent_total(disbursements, rates: RateTable) -> tuple[Decimal, dict[str, Decimal], str]:
    """(total, per activity lineage, error) of disbursements at their payment dates' rates."""
    total, by_lineage = ZERO, defaultdict(lambda: ZERO)
    try:
        for row in disbursements:
            value = rates.convert(row.amount, row.currency, row.paid_on)
            total += value
            by_lineage[str(row.activity.lineage)] += value
    except MissingRate as missing:
        return total, dict(by_lineage), missing.messages[0]
    return total, dict(by_lineage), ""


def grouped_sum(rows, rates: RateTable) -> Decimal:
    """Sum of (currency, date, amount) groups, converted: the aggregate form used for programmes."""
    return sum((rates.convert(amount or ZERO, currency, on) for currency, on, amount in rows), ZERO)
