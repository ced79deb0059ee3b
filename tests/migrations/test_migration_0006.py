"""Migration 0006 (the list indexes) on a database that already holds reviews and extensions:
nothing lost going up or down, and the status sort's expression index is really used."""

from __future__ import annotations

from sqlalchemy import text

from sfo_review.extensions import db
from tests.migrations.rows import add_review, add_user, sqlite_app

NEW_INDEXES = {
    "ix_reviews_effective_due_date_id",
    "ix_reviews_notification_date_id",
    "ix_reviews_status_order_id",
    "ix_reviews_pdu",
    "ix_reviews_offence_category",
    "ix_reviews_person_initials",
    "ix_reviews_created_by_id",
    "ix_reviews_region_status_due",
    "ix_deadline_extensions_status_review_id",
}


def _indexes(conn) -> set[str]:
    rows = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'index'"))
    return {row[0] for row in rows}


def test_upgrade_from_0005_keeps_the_data_and_downgrade_removes_only_the_indexes(tmp_path):
    from flask_migrate import downgrade, upgrade

    app = sqlite_app(tmp_path / "at_0005.db")
    with app.app_context():
        upgrade(revision="0005")
        with db.engine.begin() as conn:
            assert not NEW_INDEXES & _indexes(conn)
            add_user(conn)
            for n, status in enumerate(("closed", "in_review", "approved"), start=1):
                add_review(conn, n, status)
            conn.execute(
                text(
                    "INSERT INTO deadline_extensions (id, review_id, reason, previous_due_date, "
                    "new_due_date, status, requested_by_id, requested_at, version, created_at, "
                    "updated_at) VALUES (1, 2, 'Waiting for the police', '2026-03-01', "
                    "'2026-04-01', 'requested', 1, '2026-02-01', 1, '2026-02-01', '2026-02-01')"
                )
            )

        upgrade(revision="0006")
        with db.engine.connect() as conn:
            assert NEW_INDEXES <= _indexes(conn)
            sort = (
                "SELECT id FROM reviews ORDER BY (CASE reviews.status WHEN 'in_review' THEN 0 "
                "WHEN 'factual_accuracy' THEN 1 WHEN 'quality_assurance' THEN 2 "
                "WHEN 'approved' THEN 3 WHEN 'closed' THEN 4 ELSE 5 END), id"
            )
            assert [r[0] for r in conn.execute(text(sort))] == [2, 3, 1]
            plan = " ".join(str(r[-1]) for r in conn.execute(text(f"EXPLAIN QUERY PLAN {sort}")))
            assert "ix_reviews_status_order_id" in plan, plan
            assert conn.execute(text("SELECT count(*) FROM deadline_extensions")).scalar() == 1

        downgrade(revision="0005")
        with db.engine.connect() as conn:
            assert not NEW_INDEXES & _indexes(conn)
            assert conn.execute(text("SELECT count(*) FROM reviews")).scalar() == 3
            assert conn.execute(text("SELECT count(*) FROM deadline_extensions")).scalar() == 1
        upgrade()
        db.engine.dispose()
