"""Migration 0014: learning that sticks (api-v1.1 section B)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text

from sfo_review.extensions import db
from tests.migrations.rows import add_review, add_user, sqlite_app

ACTION = (
    "INSERT INTO actions (id, review_id, description, owner, level, due_date, status, "
    "completion_note, version, created_at, updated_at) VALUES (:id, 1, 'Recruit', "
    "'Head of PDU', 'pdu', '2026-03-01', :status, :note, 1, '2026-01-01', '2026-01-01')"
)
NEW_TABLES = {"action_systemic_factors", "action_reminders", "action_recurrences"}
NEW_COLUMNS = {
    "success_measure",
    "review_date",
    "owner_id",
    "verification_note",
    "verified_at",
    "verified_by_id",
    "sent_back_reason",
    "sent_back_at",
    "agreed_at",
}


def _tables() -> set[str]:
    return set(inspect(db.engine).get_table_names())


def _columns(table: str) -> set[str]:
    return {c["name"] for c in inspect(db.engine).get_columns(table)}


def _indexes(table: str) -> set[str]:
    return {str(i["name"]) for i in inspect(db.engine).get_indexes(table)}


def test_existing_actions_keep_working_and_downgrade_keeps_them(tmp_path: Path) -> None:
    from flask_migrate import downgrade, upgrade

    app = sqlite_app(tmp_path / "at_0013.db")
    with app.app_context():
        upgrade(revision="0013")
        with db.engine.begin() as conn:
            add_user(conn)
            add_review(conn, 1, "approved")
            conn.execute(text(ACTION), {"id": 1, "status": "done", "note": "Recruited two"})
            conn.execute(text(ACTION), {"id": 2, "status": "open", "note": None})
        before = _indexes("actions")

        upgrade(revision="0014")
        assert NEW_TABLES <= _tables()
        assert NEW_COLUMNS <= _columns("actions")
        # the table copy SQLite needs for the foreign keys kept every index
        assert before | {"ix_actions_owner_id_due_date", "ix_actions_status_due_date"} == _indexes(
            "actions"
        )
        with db.engine.begin() as conn:
            rows = conn.execute(
                text("SELECT id, status, owner, owner_id, completion_note FROM actions ORDER BY id")
            ).all()
            # done stays done (shown as awaiting verification); no owner account until set
            assert [tuple(r) for r in rows] == [
                (1, "done", "Head of PDU", None, "Recruited two"),
                (2, "open", "Head of PDU", None, None),
            ]
            conn.execute(text("UPDATE actions SET status = 'verified', owner_id = 1 WHERE id = 1"))
            conn.execute(
                text(
                    "INSERT INTO action_recurrences (action_id, review_id, category, "
                    "recorded_at) VALUES (1, 1, 'staffing', '2026-02-01')"
                )
            )

        downgrade(revision="0013")
        assert not NEW_TABLES & _tables()
        assert not NEW_COLUMNS & _columns("actions")
        with db.engine.begin() as conn:
            statuses = conn.execute(text("SELECT status FROM actions ORDER BY id"))
            assert statuses.scalars().all() == ["done", "open"]
