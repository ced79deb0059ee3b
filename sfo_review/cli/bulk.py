"""`flask seed-bulk --reviews N`: realistic synthetic reviews, fast, for scale and benchmarks.

Rows are built in Python from one seeded random generator (the same `--seed` and the same
day give the same reviews) and written with Core bulk inserts (executemany), in one
transaction: nothing is written unless everything is. Ids are assigned here, after the
largest existing one, so children can point at their parents without a round trip; the
PostgreSQL sequences are moved past them at the end.

The data obeys the rules real data does: approved and closed reviews have a countersigner,
an overall judgement and only balanced findings; closed ones have every action done; the
deadline in force follows the latest agreed extension.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Table, func, insert, select, text

from sfo_review.cli.bulk_actions import add_recurrences
from sfo_review.cli.bulk_chronology import add_long_chronology
from sfo_review.cli.bulk_reviews import ReviewMaker
from sfo_review.database import begin_write
from sfo_review.extensions import db
from sfo_review.models import Review, User
from sfo_review.services.figures import cache, contributions

BATCH = 1_000  # reviews generated and inserted at a time
MAX_REVIEWS = 50_000  # references stay SFO-YYYY-NNNN (four digits a year)
TABLES = (
    "reviews",
    "participants",
    "chronology_entries",
    "caseload_contexts",
    "systemic_factors",
    "findings",
    "finding_attributions",
    "finding_systemic_factors",
    "finding_caseload_contexts",
    "finding_chronology_entries",
    "finding_subjects",
    "just_culture_assessments",
    "statements",
    "actions",
    "action_findings",
    "action_systemic_factors",
    "action_reminders",
    "deadline_extensions",
    "audit_events",
    "review_ratings",
)
ROLE_POOLS = {  # role: (minimum, one per this many reviews)
    "reviewer": (5, 40),
    "officer": (12, 4),
    "quality_assurer": (3, 300),
    "leadership": (3, 5_000),
}


@dataclass
class Pools:
    """The users the synthetic reviews are shared among, by role."""

    by_role: dict[str, list[int]] = field(default_factory=dict)


def _ensure_users(reviews: int, password_hash: str) -> Pools:
    wanted = {role: max(minimum, reviews // per) for role, (minimum, per) in ROLE_POOLS.items()}
    emails = {
        f"bulk-{role.replace('_', '-')}-{n}@example.gov.uk": role
        for role, count in wanted.items()
        for n in range(1, count + 1)
    }
    existing = dict(
        db.session.execute(select(User.email, User.id).where(User.email.like("bulk-%"))).all()
    )
    now = datetime.now(UTC)
    missing = [
        {
            "email": email,
            "name": f"{role.replace('_', ' ').title()} {email.split('-')[-1].split('@')[0]}",
            "role": role,
            "password_hash": password_hash,
            "active": True,
            "session_token": secrets.token_urlsafe(32),
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        for email, role in emails.items()
        if email not in existing
    ]
    if missing:
        db.session.execute(insert(User.__table__), missing)
        existing = dict(
            db.session.execute(select(User.email, User.id).where(User.email.like("bulk-%"))).all()
        )
    pools = Pools()
    for email, role in emails.items():
        pools.by_role.setdefault(role, []).append(existing[email])
    return pools


def _next_ids() -> dict[str, int]:
    ids = {}
    for name in TABLES:
        table = db.metadata.tables[name]
        if "id" in table.c:
            ids[name] = (db.session.scalar(select(func.max(table.c.id))) or 0) + 1
    return ids


def _reference_numbers() -> dict[int, int]:
    """The last reference number used in each year (SFO-YYYY-NNNN)."""
    last: dict[int, int] = {}
    for (reference,) in db.session.execute(select(Review.reference)):
        _, year, number = reference.split("-")
        last[int(year)] = max(last.get(int(year), 0), int(number))
    return last


def _batches(count: int) -> Iterator[range]:
    for start in range(0, count, BATCH):
        yield range(start, min(start + BATCH, count))


def _write(rows: dict[str, list[dict[str, Any]]]) -> int:
    written = 0
    for name in TABLES:
        if rows.get(name):
            table: Table = db.metadata.tables[name]
            db.session.execute(insert(table), rows[name])
            written += len(rows[name])
    return written


def _move_sequences() -> None:
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for name in TABLES:
        if "id" in db.metadata.tables[name].c:
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608 - our own table names
                    f"(SELECT COALESCE(MAX(id), 1) FROM {name}))"
                )
            )


def seed_bulk(
    reviews: int,
    seed: int,
    today: date,
    working_days: int,
    password_hash: str,
    long_chronology: int = 0,
) -> dict[str, int]:
    """Add `reviews` synthetic reviews with everything on them, and with `long_chronology`
    one more review in review with that many chronology entries (its id under
    "long_chronology_review"); returns rows per table."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    try:
        begin_write(db.session)  # reads the ids it continues from, then writes: one lock
        pools = _ensure_users(reviews, password_hash)
        first_ids = _next_ids()
        maker = ReviewMaker(
            rng, today, pools.by_role, dict(first_ids), _reference_numbers(), working_days
        )
        counts: dict[str, int] = {}
        for batch in _batches(reviews):
            rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
            for _ in batch:
                maker.review(rows)
            _write(rows)
            for name, found in rows.items():
                counts[name] = counts.get(name, 0) + len(found)
        if long_chronology:
            rows = {name: [] for name in TABLES}
            counts["long_chronology_review"] = add_long_chronology(maker, rows, long_chronology)
            _write(rows)
            for name, found in rows.items():
                counts[name] = counts.get(name, 0) + len(found)
        counts["action_recurrences"] = add_recurrences(first_ids["reviews"])
        _move_sequences()
        contributions.refresh(db.session.connection())  # the ORM's listeners see no Core insert
        cache.bump()  # Core inserts pass by the ORM's listener: the figures change
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    fresh_statistics()
    return counts


def fresh_statistics() -> None:
    """After a bulk load: fresh statistics, so the query planner knows the tables' new sizes;
    on PostgreSQL a VACUUM of the tables written too, as autovacuum would do a little later,
    so the visibility map lets index-only scans (the home page's counts, the figures) skip
    the tables' pages. A table another transaction holds is skipped (SKIP_LOCKED: waiting
    would only hold up the command): autovacuum does it later."""
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    if db.session.get_bind().dialect.name != "postgresql":
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f"VACUUM (SKIP_LOCKED) {', '.join(TABLES)}"))
