"""Configuration and database set-up."""

from __future__ import annotations

import pytest
from sqlalchemy import text

import config
from sfo_review import create_app
from sfo_review.extensions import db as _db
from sfo_review.models import (
    Action,
    CaseloadContext,
    ChronologyEntry,
    Finding,
    Review,
    Statement,
    SystemicFactor,
    User,
)


def test_production_refuses_to_start_without_secrets(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY, DATABASE_URL"):
        create_app(config.ProductionConfig)
    monkeypatch.setenv("SECRET_KEY", "s3cret")
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        create_app(config.ProductionConfig)


def test_database_url_is_normalised_for_psycopg3(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h:5432/d")
    assert config.database_url(None) == "postgresql+psycopg://u@h:5432/d"
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/d")
    assert config.database_url(None) == "postgresql+psycopg://u@h/d"
    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/x.db")
    assert config.database_url(None) == "sqlite:////tmp/x.db"


def test_production_cookies_are_secure():
    assert config.ProductionConfig.SESSION_COOKIE_SECURE is True
    assert config.ProductionConfig.SESSION_COOKIE_HTTPONLY is True
    assert config.ProductionConfig.SESSION_COOKIE_SAMESITE == "Lax"


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(app, db, committed_db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_sqlite_reads_begin_deferred_and_writers_take_the_lock_first(app, db, committed_db):
    """Reads never hold SQLite's write lock (issue 13); a writer takes it up front, so it
    queues instead of failing half-way (sfo_review/database.py)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    statements: list[str] = []
    from sqlalchemy import event

    from sfo_review.database import begin_write

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    db.session.rollback()
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        with db.engine.begin() as conn:
            conn.execute(text("SELECT 1"))
        db.session.execute(text("SELECT 1"))  # a page's read
        begin_write(db.session)  # a use case: the read ends, the write begins
        db.session.rollback()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert [s for s in statements if s.startswith("BEGIN")] == ["BEGIN", "BEGIN", "BEGIN IMMEDIATE"]


@pytest.mark.parametrize(
    "model",
    [User, Review, ChronologyEntry, CaseloadContext, SystemicFactor, Finding, Statement, Action],
)
def test_every_editable_table_is_versioned(model):
    mapper = _db.inspect(model)
    assert mapper.version_id_col is not None
    assert mapper.version_id_col.name == "version"
