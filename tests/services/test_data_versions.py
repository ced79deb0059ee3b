"""The named counters (services/data_versions.py): several move in one UPDATE, a counter
that never moved is made at 1, and the figures' bump moves its data version on its own
first (the order that keeps two commits from locking section rows crosswise)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, select

from sfo_review.extensions import db
from sfo_review.models import DataVersion
from sfo_review.services import data_versions
from sfo_review.services.figures import cache


@contextmanager
def writes() -> Iterator[list[str]]:
    """The UPDATE and INSERT statements run in the block, each with its parameters."""
    found: list[str] = []

    def record(_conn, _cursor, statement, parameters, *_args):
        if statement.split()[0].upper() in ("UPDATE", "INSERT"):
            found.append(f"{statement} {parameters!r}")

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield found
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def _counters(*names: str) -> dict[str, int]:
    rows = db.session.execute(
        select(DataVersion.name, DataVersion.version).where(DataVersion.name.in_(names))
    )
    return {name: int(version) for name, version in rows}


def test_new_counters_start_at_one_and_known_ones_move_on_together(db):
    data_versions.move(db.session, "test:a")
    with writes() as statements:
        data_versions.move(db.session, "test:a", "test:b", "test:c", "test:b")
    assert _counters("test:a", "test:b", "test:c") == {"test:a": 2, "test:b": 1, "test:c": 1}
    # one UPDATE for the three, one INSERT for the two that never moved
    assert [s.split()[0].upper() for s in statements] == ["UPDATE", "INSERT"]
    with writes() as statements:
        data_versions.move(db.session, "test:c", "test:b", "test:a")
    assert _counters("test:a", "test:b", "test:c") == {"test:a": 3, "test:b": 2, "test:c": 2}
    assert len(statements) == 1
    assert data_versions.read("test:b") == 2
    assert data_versions.read("test:never") is None


def test_moving_no_counter_writes_nothing(db):
    with writes() as statements:
        data_versions.move(db.session)
    assert statements == []


def test_the_figures_bump_moves_the_data_version_first_then_its_sections_at_once(db):
    cache.bump()  # every counter exists from here on
    before = cache.section_versions()
    version = cache.version()
    assert version is not None
    with writes() as statements:
        cache.bump(sections=["actions", "findings"])
    assert len(statements) == 2
    first, second = statements
    assert repr(cache.NAME) in first and "figures:" not in first  # the data version alone
    assert "figures:actions" in second and "figures:findings" in second
    assert cache.version() == version + 1
    after = cache.section_versions()
    moved = {s for s in cache.SECTIONS if after[s] != before[s]}
    assert moved == {"actions", "findings"}
    assert all(after[s] == before[s] + 1 for s in moved)
