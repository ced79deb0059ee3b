"""Migration 0008: one waiting extension request per review, kept by the database; the
indexes another index covers are dropped. On a database that already holds data."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from sfo_review.extensions import db
from tests.migrations.rows import add_review, add_user, sqlite_app

DROPPED = {"ix_reviews_region", "ix_reviews_notification_date", "ix_deadline_extensions_review_id"}
ADDED = "uq_deadline_extensions_one_waiting"
EXTENSION = (
    "INSERT INTO deadline_extensions (review_id, reason, previous_due_date, new_due_date, "
    "status, requested_by_id, requested_at, version, created_at, updated_at) VALUES "
    "(:review, 'Waiting for the police', '2026-03-01', '2026-04-01', :status, 1, "
    "'2026-02-01', 1, '2026-02-01', '2026-02-01')"
)


def _indexes(conn) -> set[str]:
    rows = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'index'"))
    return {row[0] for row in rows}


def _at_0007(tmp_path, name: str):
    from flask_migrate import upgrade

    app = sqlite_app(tmp_path / name)
    with app.app_context():
        upgrade(revision="0007")
        with db.engine.begin() as conn:
            add_user(conn)
            for n in (1, 2):
                add_review(conn, n)
    return app


def test_upgrade_keeps_the_requests_and_the_database_refuses_a_second_waiting_one(tmp_path):
    from flask_migrate import downgrade, upgrade

    app = _at_0007(tmp_path, "one.db")
    with app.app_context():
        with db.engine.begin() as conn:
            for status in ("refused", "agreed", "requested"):
                conn.execute(text(EXTENSION), {"review": 1, "status": status})
            conn.execute(text(EXTENSION), {"review": 2, "status": "requested"})
            assert DROPPED <= _indexes(conn)

        upgrade(revision="0008")
        with db.engine.connect() as conn:
            names = _indexes(conn)
            assert ADDED in names and not DROPPED & names
            assert conn.execute(text("SELECT count(*) FROM deadline_extensions")).scalar() == 4
            with pytest.raises(IntegrityError):
                conn.execute(text(EXTENSION), {"review": 1, "status": "requested"})
            conn.rollback()
            conn.execute(text(EXTENSION), {"review": 1, "status": "refused"})  # decided: fine
            conn.commit()

        downgrade(revision="0007")
        with db.engine.connect() as conn:
            names = _indexes(conn)
            assert DROPPED <= names and ADDED not in names
            assert conn.execute(text("SELECT count(*) FROM deadline_extensions")).scalar() == 5
        upgrade()
        db.engine.dispose()


def test_two_waiting_requests_for_one_review_stop_the_upgrade_and_name_it(tmp_path, capfd):
    from flask_migrate import upgrade

    app = _at_0007(tmp_path, "two.db")
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text(EXTENSION), {"review": 2, "status": "requested"})
            conn.execute(text(EXTENSION), {"review": 2, "status": "requested"})

        with pytest.raises(SystemExit) as stopped:  # `flask db upgrade` exits with the error
            upgrade(revision="0008")
        assert stopped.value.code == 1
        assert "(ids 2): agree or refuse all but one of each" in capfd.readouterr().err
        with db.engine.connect() as conn:
            assert ADDED not in _indexes(conn)
            assert conn.execute(text("SELECT count(*) FROM deadline_extensions")).scalar() == 2
        db.engine.dispose()
