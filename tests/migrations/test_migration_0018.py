"""Migration 0018: the action figures' covering index; nothing is lost going up or down."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text

from sfo_review.extensions import db
from tests.migrations.rows import add_review, add_user, sqlite_app

INDEX = "ix_actions_review_id_figures"
ACTION = text(
    "INSERT INTO actions (id, review_id, description, owner, level, due_date, status, version, "
    "created_at, updated_at) VALUES (1, 1, 'Review the allocation policy', 'Head of PDU', "
    "'local', '2026-06-01', 'not_started', 1, '2026-01-01', '2026-01-01')"
)


def _indexes() -> dict[str, list[str]]:
    return {i["name"]: i["column_names"] for i in inspect(db.engine).get_indexes("actions")}


def _actions() -> list[tuple[int, str, str]]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text("SELECT id, owner, level FROM actions"))]


def test_upgrade_from_0017_adds_the_index_and_downgrade_removes_only_it(tmp_path: Path) -> None:
    from flask_migrate import downgrade, upgrade

    app = sqlite_app(tmp_path / "at_0017.db")
    with app.app_context():
        upgrade(revision="0017")
        with db.engine.begin() as conn:
            add_user(conn)
            add_review(conn, 1, "approved")
            conn.execute(ACTION)
        before = _indexes()
        assert INDEX not in before

        upgrade(revision="0018")
        assert _indexes()[INDEX] == ["review_id", "level", "owner", "status", "due_date"]
        assert _actions() == [(1, "Head of PDU", "local")]

        downgrade(revision="0017")
        assert _indexes() == before
        assert _actions() == [(1, "Head of PDU", "local")]
        db.engine.dispose()


def test_an_empty_database_goes_up_to_0018_and_back(tmp_path: Path) -> None:
    from flask_migrate import downgrade, upgrade

    app = sqlite_app(tmp_path / "empty.db")
    with app.app_context():
        upgrade(revision="0018")
        assert INDEX in _indexes()
        assert _actions() == []
        downgrade(revision="0017")
        assert INDEX not in _indexes()
        upgrade()
        assert INDEX in _indexes()
        db.engine.dispose()
