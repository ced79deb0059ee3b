"""Migration 0012: when a background render started and how often it was asked for."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text

from sfo_review.extensions import db
from tests.migrations.rows import add_review, add_user, sqlite_app

ROW = (
    "INSERT INTO rendered_reports (review_id, variant, content_key, state, requested_at) "
    "VALUES (:review, :variant, 'k', 'pending', '2026-12-02')"
)


def _columns() -> set[str]:
    return {c["name"] for c in inspect(db.engine).get_columns("rendered_reports")}


def test_upgrade_counts_a_waiting_render_as_asked_once_and_downgrade_keeps_it(
    tmp_path: Path,
) -> None:
    from flask_migrate import downgrade, upgrade

    app = sqlite_app(tmp_path / "at_0011.db")
    with app.app_context():
        upgrade(revision="0011")
        with db.engine.begin() as conn:
            add_user(conn)
            add_review(conn, 1, "factual_accuracy")
            conn.execute(text(ROW), {"review": 1, "variant": "full"})

        upgrade(revision="0012")
        assert {"started_at", "attempts"} <= _columns()
        with db.engine.begin() as conn:
            rows = conn.execute(text("SELECT state, started_at, attempts FROM rendered_reports"))
            assert rows.all() == [("pending", None, 1)]
            conn.execute(text(ROW), {"review": 1, "variant": "family_summary"})  # the default
            attempts = conn.execute(text("SELECT attempts FROM rendered_reports")).scalars()
            assert attempts.all() == [1, 1]

        downgrade(revision="0011")
        assert not {"started_at", "attempts"} & _columns()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM rendered_reports")).scalar() == 2
        upgrade()
        assert {"started_at", "attempts"} <= _columns()
        db.engine.dispose()
