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


class _Clock:
    """sfo_review.database's `time`: a virtual clock whose sleep() calls `on_sleep`."""

    def __init__(self, on_sleep=None):
        self.now, self.sleeps, self.on_sleep = 0.0, [], on_sleep

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds
        if self.on_sleep is not None:
            self.on_sleep()


def _hold_write_lock(db):
    import sqlite3

    holder = sqlite3.connect(db.engine.url.database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    return holder


def test_a_sqlite_writer_asks_again_for_the_lock_in_millisecond_steps(
    app, db, committed_db, monkeypatch
):
    """SQLite's own busy handler sleeps up to 100 ms between tries (long after the lock is
    free); a writer here asks again within milliseconds, and gets the lock once it is free."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    from sfo_review import database

    holder = _hold_write_lock(db)
    released = []

    def release_after_three_tries():
        if len(clock.sleeps) == 3:
            holder.execute("COMMIT")
            released.append(True)

    clock = _Clock(release_after_three_tries)
    monkeypatch.setattr(database, "time", clock)
    db.session.rollback()
    with database._write_intent(), db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS lock_probe (x)"))
    holder.close()

    assert released and clock.sleeps == [0.0005, 0.001, 0.002]
    assert max(database.WRITE_LOCK_POLL_SECONDS) <= 0.005
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000  # as it was
        conn.execute(text("DROP TABLE lock_probe"))
        conn.commit()


def test_a_sqlite_writer_gives_up_after_the_same_five_seconds(app, db, committed_db, monkeypatch):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    from sqlalchemy.exc import OperationalError

    from sfo_review import database

    holder = _hold_write_lock(db)
    clock = _Clock()
    monkeypatch.setattr(database, "time", clock)
    db.session.rollback()
    try:
        with pytest.raises(OperationalError, match="database is locked"):
            with database._write_intent(), db.engine.begin() as conn:
                conn.execute(text("SELECT 1"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert sum(clock.sleeps) == pytest.approx(database.WRITE_LOCK_WAIT_SECONDS, abs=0.01)
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000


@pytest.mark.parametrize(
    "model",
    [User, Review, ChronologyEntry, CaseloadContext, SystemicFactor, Finding, Statement, Action],
)
def test_every_editable_table_is_versioned(model):
    mapper = _db.inspect(model)
    assert mapper.version_id_col is not None
    assert mapper.version_id_col.name == "version"
