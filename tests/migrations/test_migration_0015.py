"""Migration 0015: families, the criminal case and the inspectorate's standards (1.1 C)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text

from sfo_review.extensions import db
from tests.migrations.rows import add_review, add_user, sqlite_app

NEW_TABLES = {"family_contacts", "family_questions", "review_ratings"}
NEW_COLUMNS = {"case_outcome", "case_outcome_date", "family_summary", "family_summary_exceptions"}


def _tables() -> set[str]:
    return set(inspect(db.engine).get_table_names())


def _columns(table: str) -> set[str]:
    return {c["name"] for c in inspect(db.engine).get_columns(table)}


def _review_indexes() -> list[str]:
    with db.engine.begin() as conn:
        rows = conn.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'reviews'")
        )
        return sorted(rows.scalars().all())


def test_existing_reviews_await_the_case_and_have_no_ratings(tmp_path: Path) -> None:
    from flask_migrate import downgrade, upgrade

    app = sqlite_app(tmp_path / "at_0014.db")
    with app.app_context():
        upgrade(revision="0014")
        with db.engine.begin() as conn:
            add_user(conn)
            add_review(conn, 1, "approved")
        indexes = _review_indexes()

        upgrade(revision="0015")
        assert NEW_TABLES <= _tables()
        assert NEW_COLUMNS <= _columns("reviews")
        with db.engine.begin() as conn:
            row = conn.execute(
                text("SELECT case_outcome, case_outcome_date, family_summary FROM reviews")
            ).one()
            assert tuple(row) == ("awaiting", None, None)
            assert conn.execute(text("SELECT count(*) FROM review_ratings")).scalar() == 0
            # a review written by SQL that does not know the column awaits the outcome too
            add_review(conn, 2, "in_review")
            outcomes = conn.execute(text("SELECT case_outcome FROM reviews ORDER BY id"))
            assert outcomes.scalars().all() == ["awaiting", "awaiting"]
        # no table copy: the expression index on the status order survived
        assert _review_indexes() == indexes

        downgrade(revision="0014")
        assert not NEW_TABLES & _tables()
        assert not NEW_COLUMNS & _columns("reviews")
        assert _review_indexes() == indexes
        with db.engine.begin() as conn:
            assert conn.execute(text("SELECT count(*) FROM reviews")).scalar() == 2
