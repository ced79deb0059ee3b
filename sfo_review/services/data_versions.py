"""Named counters (`data_versions` rows) that move in the same transaction as the changes
they stand for: the figures' versions (services/figures/cache.py) and the PDFs' names
version (services/reports/versions.py). A row is made the first time its counter moves."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import BindParameter, bindparam, insert, select, update

from sfo_review.extensions import db
from sfo_review.models import DataVersion


@functools.cache
def _statements() -> tuple[Any, Any]:
    """The UPDATE and the SELECT of `move`, built once (they run in most commits): SQLAlchemy
    finds their SQL in its cache by the statement, without building and hashing it again."""
    table = DataVersion.__table__
    names: BindParameter[list[str]] = bindparam("names", expanding=True)
    return (
        update(table).where(table.c.name.in_(names)).values(version=table.c.version + 1),
        select(table.c.name).where(table.c.name.in_(names)),
    )


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
    moving, naming = _statements()
    moved: Any = target.execute(moving, {"names": wanted})
    if moved.rowcount == len(wanted):
        return
    present = set(target.execute(naming, {"names": wanted}).scalars())
    missing = [name for name in wanted if name not in present]
    target.execute(insert(DataVersion.__table__), [{"name": n, "version": 1} for n in missing])


def read(name: str) -> int | None:
    """The counter `name`, or None if it never moved."""
    return db.session.scalar(select(DataVersion.version).where(DataVersion.name == name))
