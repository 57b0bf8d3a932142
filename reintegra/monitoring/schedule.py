"""Date arithmetic of the follow-up schedule, done once per rule in Python so the database only compares dates.

A timed rule's occasion is due on `anchor + offset` (days, or calendar months with the day clamped
to the month's end: 31 January + 1 month = 28 February). Its window opens `window_before` days
earlier and closes `window_after` days later. Because the due date never decreases when the
anchor grows, "due on or before day X" is the same as "anchor on or before the latest anchor
whose due date is X or earlier"; `latest_anchor` finds that anchor, and the selectors filter
cases on their anchor column with it (an index range on the arrival date), never per case.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

DAY = timedelta(days=1)


def add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_from(anchor: date, *, offset: int, unit: str) -> date:
    return add_months(anchor, offset) if unit == "months" else anchor + timedelta(days=offset)


def latest_anchor(due_by: date, *, offset: int, unit: str) -> date:
    """The latest anchor whose due date is on or before `due_by`."""
    if unit != "months":
        return due_by - timedelta(days=offset)
    candidate = add_months(due_by, -offset)
    while due_from(candidate + DAY, offset=offset, unit=unit) <= due_by:
        candidate += DAY
    while due_from(candidate, offset=offset, unit=unit) > due_by:
        candidate -= DAY
    return candidate


@dataclass(frozen=True)
class Thresholds:
    """Anchor limits for one timed rule on one day.

    overdue: anchor <= overdue_until; due: overdue_until < anchor <= due_until; upcoming: anchor > due_until.
    """

    overdue_until: date
    due_until: date


def thresholds(today: date, *, offset: int, unit: str, before: int, after: int) -> Thresholds:
    # Overdue: the window closed before today, i.e. due date <= today - after - 1.
    # Due or overdue: the window has opened, i.e. due date <= today + before.
    return Thresholds(
        overdue_until=latest_anchor(today - timedelta(days=after + 1), offset=offset, unit=unit),
        due_until=latest_anchor(today + timedelta(days=before), offset=offset, unit=unit),
    )
