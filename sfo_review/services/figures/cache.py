"""Figures computed once per change of the data, not once per page view.

The figures are aggregates over every review; a page view that recomputes them costs tens
to hundreds of milliseconds at national scale. They only change when the data behind them
does (or the day changes: overdue is counted against today), so they are kept under a key
made of the data version, the day, who asks and the filters.

The data version (`data_versions` row "figures") is moved at the commit of the same
transaction as any change to reviews, caseload contexts, systemic factors, findings or
actions, so a cached entry never outlives the data it was computed from. Bulk inserts that
bypass the ORM call `bump()` themselves. Entries live in Redis when REDIS_URL is set (shared
by every worker) and in the worker's memory otherwise, for FIGURES_CACHE_SECONDS at most
(0 turns the cache off). A cache that fails is skipped, never an error for the user.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from itertools import chain
from typing import Any

from flask import current_app
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from sfo_review.database import Listener, listen_once
from sfo_review.extensions import db
from sfo_review.models import (
    Action,
    ActionRecurrence,
    CaseloadContext,
    DataVersion,
    DeadlineExtension,
    Finding,
    FindingAttribution,
    JustCultureAssessment,
    Review,
    ReviewRating,
    SystemicFactor,
)

log = logging.getLogger(__name__)
NAME = "figures"
TRACKED = (
    Review,
    CaseloadContext,
    SystemicFactor,
    Finding,
    FindingAttribution,
    JustCultureAssessment,
    Action,
    ActionRecurrence,
    DeadlineExtension,
    ReviewRating,
)
LOCAL_ENTRIES = 256


def bump(connection: Any = None) -> None:
    """Move the data version (in the caller's transaction)."""
    target = connection if connection is not None else db.session
    table = DataVersion.__table__
    moved: Any = target.execute(
        update(table).where(table.c.name == NAME).values(version=table.c.version + 1)
    )
    if moved.rowcount == 0:
        target.execute(insert(table).values(name=NAME, version=1))


# The version moves once per transaction, at its commit: the shared row is locked (on
# PostgreSQL) only for the commit itself, not from a review's first change until the end of
# a long use case (approval renders its PDFs before committing).
CHANGED = "figures_changed"


def _data_changed(session: Session, _context: Any, _instances: Any) -> None:
    if any(isinstance(o, TRACKED) for o in chain(session.new, session.dirty, session.deleted)):
        session.info[CHANGED] = True


def _bump_on_commit(session: Session) -> None:
    session.flush()  # what is still pending may be a tracked change too
    if session.info.pop(CHANGED, False):
        bump(session.connection())


def _forget_on_rollback(session: Session) -> None:
    session.info.pop(CHANGED, None)


def version() -> int | None:
    return db.session.scalar(select(DataVersion.version).where(DataVersion.name == NAME))


class _Local:
    """A small in-process store (per worker), oldest entries dropped first."""

    def __init__(self) -> None:
        self.entries: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> str | None:
        with self.lock:
            found = self.entries.get(key)
            if found is None or found[0] < time.monotonic():
                return None
            return found[1]

    def set(self, key: str, value: str, seconds: int) -> None:
        with self.lock:
            self.entries[key] = (time.monotonic() + seconds, value)
            self.entries.move_to_end(key)
            while len(self.entries) > LOCAL_ENTRIES:
                self.entries.popitem(last=False)


_local = _Local()
_redis_clients: dict[str, Any] = {}


def _redis() -> Any:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    if url not in _redis_clients:
        import redis

        _redis_clients[url] = redis.Redis.from_url(url, socket_timeout=0.5)
    return _redis_clients[url]


def _get(key: str) -> str | None:
    client = _redis()
    if client is None:
        return _local.get(key)
    raw = client.get(key)
    return raw.decode() if raw is not None else None


def _set(key: str, value: str, seconds: int) -> None:
    client = _redis()
    if client is None:
        _local.set(key, value, seconds)
    else:
        client.set(key, value, ex=seconds)


def remember(parts: list[Any], compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """`compute()`, or what it gave for the same `parts` at the current data version."""
    seconds = int(current_app.config.get("FIGURES_CACHE_SECONDS", 0))
    current = version() if seconds > 0 else None
    if current is None:
        return compute()
    key = "sfo-review:figures:" + json.dumps([current, *parts], sort_keys=True, default=str)
    try:
        cached = _get(key)
    except Exception:  # a cache that fails is skipped (logged), never the user's problem
        log.exception("Figures cache unavailable")
        return compute()
    if cached is not None:
        result: dict[str, Any] = json.loads(cached)
        return result
    figures = compute()
    try:
        _set(key, json.dumps(figures), seconds)
    except Exception:
        log.exception("Figures cache unavailable")
    return figures


def clear_local() -> None:
    """Forget this worker's entries (tests)."""
    with _local.lock:
        _local.entries.clear()


# Registered by create_app (init_app), never at import.
LISTENERS: list[Listener] = [
    (Session, "before_flush", _data_changed),
    (Session, "before_commit", _bump_on_commit),
    (Session, "after_rollback", _forget_on_rollback),
]


def init_app() -> None:
    listen_once(LISTENERS)
