"""Rows for the migration tests, in plain SQL: at an older revision the models (which
describe the newest schema) cannot write them."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import Connection, text

USER = text(
    "INSERT INTO users (id, email, name, role, password_hash, active, session_token, version, "
    "created_at, updated_at) VALUES (1, 'r@x.gov.uk', 'R', 'reviewer', 'x', 1, 'tok', 1, "
    "'2026-01-01', '2026-01-01')"
)
# From revision 0004 on (the deadline in force); reviewer and creator are user 1.
REVIEW = text(
    "INSERT INTO reviews (id, reference, case_reference, person_initials, offence_charged, "
    "offence_category, charge_date, notification_date, region, pdu, sentence_type, rosh_level, "
    "status, due_date, effective_due_date, reviewer_id, created_by_id, version, created_at, "
    "updated_at) VALUES (:id, :reference, 'X123456', 'JM', 'Murder', 'murder', '2026-01-01', "
    "'2026-01-02', :region, :pdu, 'licence', 'medium', :status, '2026-03-01', '2026-03-01', "
    "1, 1, 1, '2026-01-01', '2026-01-01')"
)


def add_user(conn: Connection) -> None:
    """User 1, a reviewer."""
    conn.execute(USER)


def add_review(
    conn: Connection,
    review_id: int = 1,
    status: str = "in_review",
    region: str = "London",
    pdu: str = "Camden",
) -> None:
    """A review numbered `review_id` (reference SFO-2026-000n), due 1 March 2026."""
    conn.execute(
        REVIEW,
        {
            "id": review_id,
            "reference": f"SFO-2026-{review_id:04d}",
            "status": status,
            "region": region,
            "pdu": pdu,
        },
    )


def sqlite_app(path: Path) -> Flask:
    """The app on its own SQLite file at `path`, for a test to migrate up and down."""
    from config import TestConfig
    from sfo_review import create_app

    class OnItsOwnFile(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{path}"

    return create_app(OnItsOwnFile)
