"""Migration 0020: each review's content version, 0 for the reviews already there."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text

from sfo_review.extensions import db
from tests.migrations.rows import add_review, add_user, sqlite_app


def _columns() -> list[str]:
    return [c["name"] for c in inspect(db.engine).get_columns("reviews")]


def test_upgrade_from_0019_starts_every_review_at_0_and_downgrade_drops_only_it(
    tmp_path: Path,
) -> None:
    from flask_migrate import downgrade, upgrade

    app = sqlite_app(tmp_path / "at_0019.db")
    with app.app_context():
        upgrade(revision="0019")
        with db.engine.begin() as conn:
            add_user(conn)
            add_review(conn, 1, "factual_accuracy")
        before = _columns()
        assert "content_version" not in before

        upgrade(revision="0020")
        with db.engine.connect() as conn:
            found = conn.execute(text("SELECT id, status, content_version FROM reviews")).all()
        assert [tuple(r) for r in found] == [(1, "factual_accuracy", 0)]

        downgrade(revision="0019")
        assert _columns() == before
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT id, status FROM reviews")).all() == [
                (1, "factual_accuracy")
            ]
        db.engine.dispose()
