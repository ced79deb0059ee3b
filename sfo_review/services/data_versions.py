"""Named counters (`data_versions` rows) that move in the same transaction as the changes
they stand for: the figures' versions (services/figures/cache.py) and the PDFs' names
version (services/reports/versions.py). A row is made the first time its counter moves."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update

from sfo_review.extensions import db
from sfo_review.models import DataVersion


def move(target: Any, name: str) -> None:
    """+1 on the counter `name` (made at 1 when new), through `target` (a session or a
    connection), in its transaction."""
    table = DataVersion.__table__
    moved: Any = target.execute(
        update(table).where(table.c.name == name).values(version=table.c.version + 1)
    )
    if moved.rowcount == 0:
        target.execute(insert(table).values(name=name, version=1))


def read(name: str) -> int | None:
    """The counter `name`, or None if it never moved."""
    return db.session.scalar(select(DataVersion.version).where(DataVersion.name == name))
