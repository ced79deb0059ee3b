"""A time limit on a WeasyPrint render that stops the render itself, in any thread.

WeasyPrint reports its progress on the documented `weasyprint.progress` logger: once per
step and once per page it lays out. A filter on that logger checks the deadline of the
render running in the current thread and raises `RenderTimedOut` from inside WeasyPrint,
so an overrunning render unwinds and frees its memory instead of running on in an
abandoned thread. The check is cooperative: it fires between pages and between steps.
In the background worker Huey's task timeout (an alarm signal) backs it up (jobs.py).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

PROGRESS = logging.getLogger("weasyprint.progress")


class RenderTimedOut(Exception):
    """The render went past its time limit and was stopped."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"rendering stopped at the {seconds:g} second time limit")
        self.seconds = seconds


class _Deadlines(logging.Filter):
    def __init__(self) -> None:
        super().__init__()
        self.local = threading.local()

    def filter(self, record: logging.LogRecord) -> bool:
        deadline: tuple[float, float] | None = getattr(self.local, "deadline", None)
        if deadline is not None and time.monotonic() > deadline[0]:
            raise RenderTimedOut(deadline[1])
        return False  # the progress messages themselves are not wanted anywhere


_DEADLINES = _Deadlines()


def _install() -> None:
    # Idempotent. Alembic's fileConfig (and any dictConfig) disables loggers that exist
    # already; a disabled logger would skip the filter, so switch it back on every time.
    if _DEADLINES not in PROGRESS.filters:
        PROGRESS.addFilter(_DEADLINES)
    PROGRESS.disabled = False
    PROGRESS.setLevel(logging.INFO)
    PROGRESS.propagate = False


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Stop a WeasyPrint render in this block after `seconds` with RenderTimedOut."""
    _install()
    _DEADLINES.local.deadline = (time.monotonic() + seconds, seconds)
    try:
        yield
    finally:
        _DEADLINES.local.deadline = None


def remaining() -> float | None:
    """Seconds left before the current thread's deadline (None when there is none)."""
    deadline: tuple[float, float] | None = getattr(_DEADLINES.local, "deadline", None)
    return None if deadline is None else max(0.0, deadline[0] - time.monotonic())


def current_limit() -> float:
    """The current thread's time limit in seconds (0 when there is none)."""
    deadline: tuple[float, float] | None = getattr(_DEADLINES.local, "deadline", None)
    return 0.0 if deadline is None else deadline[1]
