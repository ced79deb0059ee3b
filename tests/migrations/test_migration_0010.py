"""Migration 0010: a region for leadership accounts; the accounts there stay as they were."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text

from sfo_review.extensions import db
from tests.migrations.rows import add_review, add_user, sqlite_app


def _columns() -> set[str]:
    return {c["name"] for c in inspect(db.engine).get_columns("users")}


def test_upgrade_keeps_the_accounts_with_no_region_and_downgrade_removes_it(
    tmp_path: Path,
) -> None:
    from flask_migrate import downgrade, upgrade

    app = sqlite_app(tmp_path / "at_0009.db")
    with app.app_context():
        upgrade(revision="0009")
        with db.engine.begin() as conn:
            add_user(conn)
            add_review(conn, 1)  # rows that refer to the user: the downgrade must keep them

        upgrade(revision="0010")
        assert "region" in _columns()
        with db.engine.begin() as conn:
            assert conn.execute(text("SELECT id, region FROM users")).all() == [(1, None)]
            conn.execute(text("UPDATE users SET region = 'Wales' WHERE id = 1"))

        downgrade(revision="0009")
        assert "region" not in _columns()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM users")).scalar() == 1
            assert conn.execute(text("SELECT reviewer_id FROM reviews")).scalar() == 1
        upgrade()
        assert "region" in _columns()
        db.engine.dispose()
