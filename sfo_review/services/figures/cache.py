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

Each section of the figures (deadlines, factors, findings, …) is kept as well, under a data
version of its own (`data_versions` rows "figures:<section>"), moved only by a change to
the data that section reads (`SOURCES`): after an action is added only the action figures
are computed again, after a finding is edited only the sections that read findings. A
change to a review moves every section only when it touches a column the figures or the
visibility rule read (`REVIEW_COLUMNS`), not when it saves the review's overall judgement.

The action figures are kept finer still, in BUCKETS buckets of reviews (`in_buckets`): an
action added moves its review's bucket counter, and only that bucket is counted again. The
dashboard keeps its drawn fragments here too (`through_text`, dashboard/fragments.py).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from flask import current_app
from sqlalchemy import inspect, select
from sqlalchemy.orm import InstanceState, Session

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
    Participant,
    Review,
    ReviewRating,
    SystemicFactor,
)
from sfo_review.services import data_versions

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
    Participant,
)
# One dashboard view keeps up to 40 entries (the figures, 14 sections, 16 action buckets, 9
# drawn fragments) per person and filter: room for a few dozen views in each worker.
LOCAL_ENTRIES = 1024
# What each section of the figures reads besides the reviews themselves (which every section
# reads: its scope). A participant is part of the visibility rule (officers see the reviews
# they take part in) and the subject of findings: every section.
_FINDING_ROWS = (Finding, FindingAttribution)
SOURCES: dict[str, tuple[type, ...]] = {
    "deadlines": (DeadlineExtension,),
    "factors": (SystemicFactor,),
    # The balance rule reads the finding's factors and the subjects' caseload contexts.
    "findings": (*_FINDING_ROWS, SystemicFactor, CaseloadContext),
    "just_culture": (*_FINDING_ROWS, JustCultureAssessment),
    "conditions": (CaseloadContext,),
    "actions": (Action,),
    # An action deleted takes its recurrences with it (ON DELETE CASCADE): see _touched.
    "recurrences": (ActionRecurrence,),
    "attribution": (*_FINDING_ROWS, JustCultureAssessment, CaseloadContext),
    "ratings": (ReviewRating,),
    "areas": (),
    "owners": (Action,),
    # What the action figures' buckets are kept under besides their own counters: moved by
    # what moves every section (a review's change, a participant, a bulk change), never by
    # an action alone (see Sections.in_buckets).
    "action_reviews": (),
}
SECTIONS = tuple(SOURCES)
# The action figures are the sum of BUCKETS parts, one per bucket of reviews (review id %
# BUCKETS), each kept under its own counter ("figures:actions:<bucket>"), moved only by a
# change to an action of a review in that bucket: after an action is added, one bucket's
# actions are counted again, not the country's.
BUCKETS = 16
# The columns of a review that some figure or the visibility rule reads; a change to any
# other (its judgement, the family summary, the optimistic-lock version) moves no section.
REVIEW_COLUMNS = frozenset(
    {
        "id",
        "reference",
        "notification_date",
        "region",
        "pdu",
        "status",
        "due_date",
        "effective_due_date",
        "reviewer_id",
        "created_by_id",
        "countersigner_id",
        "approved_at",
    }
)


def section_name(section: str) -> str:
    return f"{NAME}:{section}"


def bump(connection: Any = None, sections: Iterable[str] = SECTIONS) -> None:
    """Move the data version, and that of `sections` (every one unless told), in the
    caller's transaction."""
    target = connection if connection is not None else db.session
    # The data version first, on its own: every commit that moves sections holds it before
    # it locks any section's row, so no two commits lock those rows crosswise.
    data_versions.move(target, NAME)
    data_versions.move(target, *(section_name(section) for section in sections))


# The version moves once per transaction, at its commit: the shared row is locked (on
# PostgreSQL) only for the commit itself, not from a review's first change until the end of
# a long use case (approval renders its PDFs before committing).
CHANGED = "figures_changed"


# A finding's attributes that some section reads, and which; those no figure reads (its
# text, its chronology links, the officers' replies). Any other change to a finding moves
# every section that reads findings.
_READ_FINDINGS = ("findings", "just_culture", "attribution")
FINDING_READS: dict[str, tuple[str, ...]] = {
    "judgement": _READ_FINDINGS,
    "context_note": ("findings",),  # the balance rule's note
    "systemic_factors": ("findings",),
    "caseload_contexts": ("findings",),
    "subjects": ("findings", "attribution"),
    "just_culture": ("just_culture", "attribution"),
}
FINDING_UNREAD = frozenset(
    {
        "title",
        "practice_area",
        "narrative",
        "chronology_entries",
        "responses",
        "statements",
        "version",
        "created_at",
        "updated_at",
    }
)


def _finding_sections(finding: Finding) -> set[str]:
    """The sections an edit of a finding (already saved) changes."""
    state: InstanceState[Finding] = inspect(finding)
    touched: set[str] = set()
    for attr in state.attrs:
        if attr.key in FINDING_UNREAD or not attr.history.has_changes():
            continue
        touched.update(FINDING_READS.get(attr.key, _READ_FINDINGS))
    return touched


def _review_changed(review: Review) -> bool:
    """A review saved with a change to a column some figure reads."""
    state: InstanceState[Review] = inspect(review)
    return any(
        state.attrs[column].history.has_changes()
        for column in REVIEW_COLUMNS
        if column in state.attrs
    )


def _touched(new: Iterable[Any], dirty: Iterable[Any], deleted: Iterable[Any]) -> set[str]:
    """The sections a flush of these objects changes (empty: none of the figures)."""
    touched: set[str] = set()
    everything = set(SECTIONS)
    for kind, objects in (("new", new), ("dirty", dirty), ("deleted", deleted)):
        for o in objects:
            if not isinstance(o, TRACKED):
                continue
            if isinstance(o, Review):
                if kind != "dirty" or _review_changed(o):
                    return everything
                continue
            if isinstance(o, Participant):
                return everything
            if isinstance(o, Finding) and kind == "dirty":
                touched.update(_finding_sections(o))
                continue
            touched.update(s for s, sources in SOURCES.items() if isinstance(o, sources))
            if isinstance(o, Action):
                touched.update(_action_buckets(o))
                if kind == "deleted":
                    touched.add("recurrences")
    return touched


def bucket_name(bucket: int) -> str:
    """The bucket's counter, as a section's name (`bump` moves it as one)."""
    return f"actions:{bucket}"


def _action_buckets(action: Action) -> set[str]:
    """The buckets of the reviews an action belongs to, or belonged to before this change
    (every bucket when its review is not known yet)."""
    state: InstanceState[Action] = inspect(action)
    history = state.attrs["review_id"].history
    ids = {i for i in (*history.added, *history.unchanged, *history.deleted) if i is not None}
    if action.review_id is None and action.review is not None:
        ids.add(action.review.id)
    if not ids or None in ids:
        return {bucket_name(b) for b in range(BUCKETS)}
    return {bucket_name(i % BUCKETS) for i in ids}


def _data_changed(session: Session, _context: Any, _instances: Any) -> None:
    touched = _touched(session.new, session.dirty, session.deleted)
    if touched:
        session.info[CHANGED] = session.info.get(CHANGED, set()) | touched


def _bump_on_commit(session: Session) -> None:
    session.flush()  # what is still pending may be a tracked change too
    touched = session.info.pop(CHANGED, None)
    if touched:
        bump(session.connection(), touched)


def _forget_on_rollback(session: Session) -> None:
    session.info.pop(CHANGED, None)


def version() -> int | None:
    return data_versions.read(NAME)


def section_versions() -> dict[str, int]:
    """The data version of every section, in one query (0 for a section never moved)."""
    names = {section_name(s): s for s in SECTIONS}
    rows = db.session.execute(
        select(DataVersion.name, DataVersion.version).where(DataVersion.name.in_(names))
    )
    found = {names[name]: int(number) for name, number in rows}
    return {s: found.get(s, 0) for s in SECTIONS}


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
    return _through(key, seconds, compute)


class Sections:
    """One computation of the figures, section by section: each section is taken from the
    cache when its own data version has not moved since it was computed for the same
    `parts` (who asks, the day, the filters), and computed otherwise."""

    def __init__(self, parts: list[Any]) -> None:
        self.parts = parts
        self.seconds = int(current_app.config.get("FIGURES_CACHE_SECONDS", 0))
        self.versions = section_versions() if self.seconds > 0 else {}

    def get(self, section: str, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        if self.seconds <= 0:
            return compute()
        parts = [section, self.versions[section], *self.parts]
        key = "sfo-review:figure-sections:" + json.dumps(parts, sort_keys=True, default=str)
        return _through(key, self.seconds, compute)

    def in_buckets(
        self, section: str, compute: Callable[[list[int]], dict[int, list[Any]]]
    ) -> list[Any]:
        """The rows of `section` for every bucket of reviews, each bucket's from the cache
        when neither its counter nor the reviews have moved since it was counted, the others
        counted now by `compute(buckets)` (a dictionary: bucket → its rows)."""
        every = list(range(BUCKETS))
        if self.seconds <= 0:
            return [row for rows in compute(every).values() for row in rows]
        names = {section_name(bucket_name(b)): b for b in every}
        found = db.session.execute(
            select(DataVersion.name, DataVersion.version).where(DataVersion.name.in_(names))
        )
        counters = {names[name]: int(number) for name, number in found}
        base = self.versions["action_reviews"]
        keys = {
            b: "sfo-review:figure-buckets:"
            + json.dumps(
                [section, b, counters.get(b, 0), base, *self.parts], sort_keys=True, default=str
            )
            for b in every
        }
        try:
            kept = _get_many(list(keys.values()))
        except Exception:  # a cache that fails is skipped (logged), never the user's problem
            log.exception("Figures cache unavailable")
            kept = [None] * len(every)
        rows: dict[int, list[Any]] = {
            b: json.loads(text) for b, text in zip(every, kept, strict=True) if text is not None
        }
        missing = [b for b in every if b not in rows]
        if missing:
            counted = compute(missing)
            for b in missing:
                rows[b] = [list(row) for row in counted.get(b, [])]
                try:
                    _set(keys[b], json.dumps(rows[b]), self.seconds)
                except Exception:
                    log.exception("Figures cache unavailable")
        return [row for b in every for row in rows[b]]


def _get_many(keys: list[str]) -> list[str | None]:
    client = _redis()
    if client is None:
        return [_local.get(key) for key in keys]
    return [raw.decode() if raw is not None else None for raw in client.mget(keys)]


def _through(key: str, seconds: int, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The figures under `key`, or `compute()` stored there (as JSON)."""
    computed: list[dict[str, Any]] = []

    def text() -> str:
        computed.append(compute())
        return json.dumps(computed[0])

    kept = _text_through(key, seconds, text)
    if computed:  # computed now: no need to read back what was just written
        return computed[0]
    result: dict[str, Any] = json.loads(kept)
    return result


def _text_through(key: str, seconds: int, compute: Callable[[], str]) -> str:
    """The text under `key`, or `compute()` stored there for `seconds`. A cache that fails
    is skipped (logged), never the user's problem."""
    try:
        cached = _get(key)
    except Exception:
        log.exception("Figures cache unavailable")
        return compute()
    if cached is not None:
        return cached
    text = compute()
    try:
        _set(key, text, seconds)
    except Exception:
        log.exception("Figures cache unavailable")
    return text


def through_text(key: str, compute: Callable[[], str]) -> str:
    """The text kept under `key` (for FIGURES_CACHE_SECONDS), or `compute()` kept there: the
    dashboard's fragments, keyed by the section versions they are drawn from. With the cache
    turned off, `compute()`."""
    seconds = int(current_app.config.get("FIGURES_CACHE_SECONDS", 0))
    if seconds <= 0:
        return compute()
    return _text_through(key, seconds, compute)


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
