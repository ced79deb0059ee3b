"""Migration 0013: the individual's side of every finding (api-v1.1 section A)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text

from sfo_review.extensions import db
from tests.migrations.rows import add_review, add_user, sqlite_app

ENTRY = (
    "INSERT INTO chronology_entries (id, review_id, occurred_on, source, summary, significant, "
    "version, created_at, updated_at) VALUES (:id, 1, '2025-05-02', 'Probation', 'Visit', 1, 1, "
    "'2026-01-01', '2026-01-01')"
)
FINDING = (
    "INSERT INTO findings (id, review_id, title, practice_area, judgement, narrative, version, "
    "created_at, updated_at) VALUES (1, 1, 'Risk not reassessed', 'assessment', "
    "'insufficient', 'Not updated', 1, '2026-01-01', '2026-01-01')"
)
NEW_TABLES = {
    "finding_subjects",
    "finding_statements",
    "just_culture_assessments",
    "caseload_accounts",
    "statement_access",
}


def _tables() -> set[str]:
    return set(inspect(db.engine).get_table_names())


def _columns(table: str) -> set[str]:
    return {c["name"] for c in inspect(db.engine).get_columns(table)}


def test_existing_entries_are_unclear_findings_unassessed_and_downgrade_keeps_them(
    tmp_path: Path,
) -> None:
    from flask_migrate import downgrade, upgrade

    app = sqlite_app(tmp_path / "at_0012.db")
    with app.app_context():
        upgrade(revision="0012")
        with db.engine.begin() as conn:
            add_user(conn)
            add_review(conn, 1, "factual_accuracy")
            conn.execute(text(ENTRY), {"id": 1})
            conn.execute(text(FINDING))
            conn.execute(text("INSERT INTO finding_attributions VALUES (1, 'individual', 0)"))

        upgrade(revision="0013")
        assert NEW_TABLES <= _tables()
        assert "statements_outstanding_reason" in _columns("reviews")
        assert "factual_accuracy_done_at" in _columns("participants")
        assert {"outcome", "outcome_note", "outcome_at", "outcome_by_id"} <= _columns(
            "finding_responses"
        )
        with db.engine.begin() as conn:
            known = conn.execute(text("SELECT known_at_the_time FROM chronology_entries"))
            assert known.scalars().all() == ["unclear"]
            # an entry written without the column (an older client's SQL) is unclear too
            conn.execute(text(ENTRY), {"id": 2})
            known = conn.execute(text("SELECT known_at_the_time FROM chronology_entries"))
            assert known.scalars().all() == ["unclear", "unclear"]
            # existing findings get no assessment: the rules apply from the next move to QA
            assessed = conn.execute(text("SELECT count(*) FROM just_culture_assessments"))
            assert assessed.scalar() == 0
            # the review's expression index survived (no table copy on SQLite)
            indexes = conn.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'reviews'")
            )
            assert "ix_reviews_status_order_id" in indexes.scalars().all()

        downgrade(revision="0012")
        assert not NEW_TABLES & _tables()
        assert "known_at_the_time" not in _columns("chronology_entries")
        assert "statements_outstanding_reason" not in _columns("reviews")
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM chronology_entries")).scalar() == 2
            assert conn.execute(text("SELECT count(*) FROM findings")).scalar() == 1
        upgrade()
        assert NEW_TABLES <= _tables()
        db.engine.dispose()
