"""Migration 0011: API tokens get an expiry (tokens made before it keep working for 90 days);
set-password links; secret outbox emails."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import inspect, text

from sfo_review.extensions import db
from sfo_review.models._base import utcnow
from tests.migrations.rows import add_user, sqlite_app

TOKEN = "sfo_made-before-the-upgrade"
ROW = text(
    "INSERT INTO api_tokens (id, user_id, token_hash, created_at) "
    "VALUES (1, 1, :hash, '2026-01-01 00:00:00')"
)

OUTBOX = text(
    'INSERT INTO outbox (id, "to", subject, body, created_at, attempts) '
    "VALUES (1, 'r@x.gov.uk', 'S', 'B', '2026-01-01 00:00:00', 0)"
)


def _columns(table: str) -> set[str]:
    return {c["name"] for c in inspect(db.engine).get_columns(table)}


def test_tokens_made_before_get_90_days_and_downgrade_removes_the_expiry(tmp_path: Path):
    from flask_migrate import downgrade, upgrade

    app = sqlite_app(tmp_path / "at_0010.db")
    with app.app_context():
        upgrade(revision="0010")
        with db.engine.begin() as conn:
            add_user(conn)
            conn.execute(ROW, {"hash": hashlib.sha256(TOKEN.encode()).hexdigest()})

        with db.engine.begin() as conn:
            conn.execute(OUTBOX)

        before = utcnow()
        upgrade(revision="0011")
        assert "expires_at" in _columns("api_tokens")
        assert "password_links" in inspect(db.engine).get_table_names()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT secret FROM outbox")).scalar() in (False, 0)
        # Read with SQL, not the models: they describe the latest schema (later migrations
        # add columns to users), not the schema at 0011.
        with db.engine.connect() as conn:
            row = conn.execute(text("SELECT user_id, expires_at FROM api_tokens")).one()
        expires_at = datetime.fromisoformat(str(row.expires_at))
        expires_at = expires_at if expires_at.tzinfo else expires_at.replace(tzinfo=UTC)
        assert row.user_id == 1
        assert before + timedelta(days=90) <= expires_at <= utcnow() + timedelta(days=90)

        downgrade(revision="0010")
        assert "expires_at" not in _columns("api_tokens")
        assert "secret" not in _columns("outbox")
        assert "password_links" not in inspect(db.engine).get_table_names()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM api_tokens")).scalar() == 1
        upgrade()
        db.engine.dispose()
