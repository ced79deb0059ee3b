"""Migration 0007 on a database that already holds an approved review: nothing lost."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text

from sfo_review.extensions import db
from tests.migrations.rows import add_review, add_user, sqlite_app


def test_upgrade_from_0006_keeps_snapshots_and_downgrade_removes_only_the_additions(
    tmp_path: Path,
) -> None:
    from flask_migrate import downgrade, upgrade

    app = sqlite_app(tmp_path / "at_0006.db")
    with app.app_context():
        upgrade(revision="0006")
        assert "rendered_reports" not in inspect(db.engine).get_table_names()
        with db.engine.begin() as conn:
            add_user(conn)
            add_review(conn, 1, "approved")
            conn.execute(
                text(
                    "INSERT INTO report_snapshots (id, review_id, variant, pdf, sha256, "
                    "created_at) VALUES (1, 1, 'full', X'255044462D', 'abc', '2026-02-01'), "
                    "(2, 1, 'family_summary', X'255044462D', 'def', '2026-02-01')"
                )
            )

        upgrade(revision="0007")
        inspector = inspect(db.engine)
        assert "rendered_reports" in inspector.get_table_names()
        with db.engine.connect() as conn:
            rows = conn.execute(
                text("SELECT variant, format, sha256 FROM report_snapshots ORDER BY id")
            ).all()
            assert [tuple(r) for r in rows] == [
                ("full", "standard", "abc"),
                ("family_summary", "standard", "def"),
            ]
            conn.execute(
                text(
                    "INSERT INTO report_snapshots (review_id, variant, format, pdf, sha256, "
                    "created_at) VALUES (1, 'full', 'archival', X'25', 'ghi', '2026-02-01')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO rendered_reports (review_id, variant, content_key, state, "
                    "requested_at) VALUES (1, 'full', 'k', 'pending', '2026-02-01')"
                )
            )
            conn.commit()

        downgrade(revision="0006")
        inspector = inspect(db.engine)
        assert "rendered_reports" not in inspector.get_table_names()
        assert "format" not in {c["name"] for c in inspector.get_columns("report_snapshots")}
        with db.engine.connect() as conn:
            left = conn.execute(text("SELECT variant, sha256 FROM report_snapshots ORDER BY id"))
            assert [tuple(r) for r in left] == [("full", "abc"), ("family_summary", "def")]
            assert conn.execute(text("SELECT count(*) FROM reviews")).scalar_one() == 1
        upgrade()
        db.engine.dispose()
