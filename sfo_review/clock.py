"""The app's clock: the date and time in London, where the service's days begin and end (a
server on UTC is an hour behind during British Summer Time). Tests move it with
time-machine, never by replacing these functions."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def now() -> datetime:
    return datetime.now(LONDON)


def today() -> date:
    return now().date()
