"""Working days in England and Wales (bank holidays from the maintained `holidays` package),
and the deadline flags every list of reviews shows.

A review is **overdue** when it is not yet approved or closed and the deadline in force
(`Review.effective_due_date`: the due date, or the new date of the latest agreed extension)
has passed. It is **due soon** when that deadline is today or within the next
`DUE_SOON_WORKING_DAYS` working days (10 by default).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

import holidays
from flask import current_app
from sqlalchemy import ColumnElement, and_

from sfo_review import clock, lifecycle
from sfo_review.clock import LONDON
from sfo_review.models import Review

# Dates and deadlines are England and Wales's: "today" is London's, whatever the server's zone.

OVERDUE = "overdue"
DUE_SOON = "due_soon"
FLAG_LABELS = {OVERDUE: "Overdue", DUE_SOON: "Due soon"}


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    # England and Wales share one list of bank holidays (subdivision ENG).
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


@lru_cache(maxsize=256)
def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (start itself not counted)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (negative when `end` is earlier)."""
    if end < start:
        return -working_days_between(end, start)
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count


def london_datetime(value: datetime | None) -> str:
    """‘3 June 2025 at 2:05pm’ in UK time (stored in UTC); '' for None."""
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    hour = local.hour % 12 or 12
    return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


class DeadlineWindow(NamedTuple):
    """What 'overdue' and 'due soon' mean on one day: computed once per request, not per row."""

    today: date
    due_soon_until: date

    @classmethod
    def on(cls, today: date, due_soon_days: int) -> DeadlineWindow:
        return cls(today, add_working_days(today, due_soon_days))

    def flag(self, status: str, deadline: date) -> str | None:
        """`overdue`, `due_soon` or None for a review with this status and deadline in force."""
        if status in lifecycle.FINISHED:  # met its deadline (or closed it): never flagged
            return None
        if deadline < self.today:
            return OVERDUE
        if deadline <= self.due_soon_until:
            return DUE_SOON
        return None

    # The same rule in SQL, for the list's filters and the dashboard's counts.
    def overdue_sql(self) -> ColumnElement[bool]:
        return and_(
            Review.status.not_in(lifecycle.FINISHED), Review.effective_due_date < self.today
        )

    def due_soon_sql(self) -> ColumnElement[bool]:
        return and_(
            Review.status.not_in(lifecycle.FINISHED),
            Review.effective_due_date.between(self.today, self.due_soon_until),
        )


def deadline_window() -> DeadlineWindow:
    """Today's window, with the configured number of working days for "due soon"."""
    return DeadlineWindow.on(clock.today(), current_app.config["DUE_SOON_WORKING_DAYS"])
