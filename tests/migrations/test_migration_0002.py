"""Migration 0002 on a database that already holds data: nothing lost going up or down."""

from __future__ import annotations

from sqlalchemy import inspect, text

from sfo_review.extensions import db
from tests.migrations.rows import add_user, sqlite_app

NEW_TABLES = {"notifications", "outbox", "settings", "statement_addenda"}


def test_upgrade_from_0001_keeps_reviews_and_downgrade_removes_only_the_additions(tmp_path):
    from flask_migrate import downgrade, upgrade

    app = sqlite_app(tmp_path / "at_0001.db")
    with app.app_context():
        upgrade(revision="0001")
        assert not NEW_TABLES & set(inspect(db.engine).get_table_names())
        with db.engine.begin() as conn:
            add_user(conn)
            conn.execute(
                text(
                    "INSERT INTO reviews (id, reference, case_reference, person_initials, "
                    "offence_charged, offence_category, charge_date, notification_date, region, "
                    "pdu, sentence_type, rosh_level, status, due_date, reviewer_id, "
                    "created_by_id, version, created_at, updated_at) VALUES (1, 'SFO-2026-0001', "
                    "'X123456', 'JM', 'Murder', 'murder', '2026-01-01', '2026-01-02', 'London', "
                    "'Camden', 'licence', 'medium', 'factual_accuracy', '2026-03-01', 1, 1, 1, "
                    "'2026-01-01', '2026-01-01')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO participants (id, review_id, user_id, role_in_case, created_at) "
                    "VALUES (1, 1, 1, 'responsible_officer', '2026-01-01')"
                )
            )

        upgrade(revision="0002")
        inspector = inspect(db.engine)
        assert NEW_TABLES <= set(inspector.get_table_names())
        assert "factual_accuracy_ends_on" in {c["name"] for c in inspector.get_columns("reviews")}
        with db.engine.connect() as conn:
            row = conn.execute(
                text("SELECT reference, status, factual_accuracy_ends_on FROM reviews")
            ).one()
            assert tuple(row) == ("SFO-2026-0001", "factual_accuracy", None)
            conn.execute(text("UPDATE reviews SET factual_accuracy_ends_on = '2026-01-16'"))
            conn.commit()

        downgrade(revision="0001")
        inspector = inspect(db.engine)
        assert not NEW_TABLES & set(inspector.get_table_names())
        assert "factual_accuracy_ends_on" not in {
            c["name"] for c in inspector.get_columns("reviews")
        }
        with db.engine.connect() as conn:
            assert (
                conn.execute(text("SELECT reference FROM reviews")).scalar_one() == "SFO-2026-0001"
            )
            # no cascade: the participants of the review are still there
            assert conn.execute(text("SELECT count(*) FROM participants")).scalar_one() == 1
        upgrade()
        db.engine.dispose()
