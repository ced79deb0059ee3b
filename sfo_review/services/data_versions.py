"""Named counters (`data_versions` rows) that move in the same transaction as the changes
they stand for: the figures' versions (services/figures/cache.py) and the PDFs' names
version (services/reports/versions.py). A row is made the first time its counter moves."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update

from sfo_review.extensions import db
from sfo_review.models import DataVersion


def move(target: Any, *names: str) -> None:
    """+1 on each counter of `names` (each made at 1 when new), through `target` (a session
    or a connection), in its transaction: one UPDATE for them all (a commit that changes
    every section of the figures moves 14 counters), and an INSERT only for a counter that
    never moved before. One UPDATE locks its rows in no set order (on PostgreSQL): a caller
    whose commits may move overlapping sets moves one shared counter alone first, which
    orders them (services/figures/cache.py: `bump`)."""
    wanted = sorted(set(names))
    if not wanted:
        return
    table = DataVersion.__table__
    moved: Any = target.execute(
        update(table).where(table.c.name.in_(wanted)).values(version=table.c.version + 1)
    )
    if moved.rowcount == len(wanted):
        return
    present = set(target.execute(select(table.c.name).where(table.c.name.in_(wanted))).scalars())
    missing = [name for name in wanted if name not in present]
    target.execute(insert(table), [{"name": name, "version": 1} for name in missing])


def read(name: str) -> int | None:
    """The counter `name`, or None if it never moved."""
    return db.session.scalar(select(DataVersion.version).where(DataVersion.name == name))
