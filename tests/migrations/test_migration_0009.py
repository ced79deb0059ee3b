"""Migration 0009: the approved HTML kept while the background job stores the PDFs."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from sfo_review.extensions import db
from tests.migrations.rows import add_review, add_user, sqlite_app

ROW = (
    "INSERT INTO rendered_reports (review_id, variant, content_key, state, requested_at{extra}) "
    "VALUES (:review, 'full', 'k', 'pending', '2026-12-02'{value})"
)


def _columns() -> set[str]:
    return {c["name"] for c in inspect(db.engine).get_columns("rendered_reports")}


def test_upgrade_keeps_the_rows_and_downgrade_waits_for_the_approved_pdfs(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    from flask_migrate import downgrade, upgrade

    app = sqlite_app(tmp_path / "at_0008.db")
    with app.app_context():
        upgrade(revision="0008")
        with db.engine.begin() as conn:
            add_user(conn)
            add_review(conn, 1, "factual_accuracy")
            add_review(conn, 2, "approved")
            conn.execute(text(ROW.format(extra="", value="")), {"review": 1})

        upgrade(revision="0009")
        assert "approved_html" in _columns()
        with db.engine.begin() as conn:
            assert conn.execute(text("SELECT count(*) FROM rendered_reports")).scalar() == 1
            conn.execute(
                text(ROW.format(extra=", approved_html", value=", '<html></html>'")),
                {"review": 2},
            )

        with pytest.raises(SystemExit) as stopped:  # `flask db downgrade` exits with the error
            downgrade(revision="0008")
        assert stopped.value.code == 1
        assert "wait for their stored PDFs (review ids 2)" in capfd.readouterr().err
        assert "approved_html" in _columns()

        with db.engine.begin() as conn:
            conn.execute(text("UPDATE rendered_reports SET approved_html = NULL"))
        downgrade(revision="0008")
        assert "approved_html" not in _columns()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM rendered_reports")).scalar() == 2
        upgrade()
        assert "approved_html" in _columns()
        db.engine.dispose()
