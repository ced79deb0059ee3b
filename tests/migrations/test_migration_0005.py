"""Migration 0005 on a database that already holds data: indexes and the data version are
added, nothing is lost going up or down."""

from __future__ import annotations

from sqlalchemy import inspect, text

from sfo_review.extensions import db
from tests.migrations.rows import add_review, add_user, sqlite_app

NEW_INDEXES = {
    "reviews": {"ix_reviews_notification_date", "ix_reviews_region_pdu"},
    "systemic_factors": {"ix_systemic_factors_review_id_category_level"},
    "actions": {"ix_actions_review_id_status_due_date_level", "ix_actions_level_due_date_status"},
    "deadline_extensions": {"ix_deadline_extensions_review_id_status"},
    "caseload_contexts": {"ix_caseload_contexts_review_id_figures"},
}


def _indexes(table: str) -> set[str]:
    return {i["name"] for i in inspect(db.engine).get_indexes(table)}


def test_upgrade_from_0004_keeps_data_and_downgrade_removes_only_the_additions(tmp_path):
    from flask_migrate import downgrade, upgrade

    app = sqlite_app(tmp_path / "at_0004.db")
    with app.app_context():
        upgrade(revision="0004")
        with db.engine.begin() as conn:
            add_user(conn)
            add_review(conn, 1, "in_review", "Wales", "Gwent")
            conn.execute(
                text(
                    "INSERT INTO systemic_factors (id, review_id, category, level, description, "
                    "version, created_at, updated_at) VALUES (1, 1, 'other', 'team', 'x', 1, "
                    "'2026-01-01', '2026-01-01')"
                )
            )
        assert "data_versions" not in inspect(db.engine).get_table_names()

        upgrade(revision="0005")
        for table, names in NEW_INDEXES.items():
            assert names <= _indexes(table), table
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT name, version FROM data_versions")).all() == [
                ("figures", 1)
            ]
            assert conn.execute(text("SELECT count(*) FROM systemic_factors")).scalar_one() == 1

        downgrade(revision="0004")
        assert "data_versions" not in inspect(db.engine).get_table_names()
        for table, names in NEW_INDEXES.items():
            assert not names & _indexes(table), table
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT region, pdu FROM reviews")).one() == ("Wales", "Gwent")
            assert conn.execute(text("SELECT count(*) FROM systemic_factors")).scalar_one() == 1
        upgrade()
        db.engine.dispose()
