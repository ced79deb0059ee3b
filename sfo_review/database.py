"""How transactions begin: reads never take SQLite's write lock, writers take it up front.

SQLite (WAL) lets readers and one writer work at once. Every transaction begins DEFERRED
(a read: pages, /healthz, the report's content) unless a writer asks for the lock first:
`begin_write()` — called by every use case (services/_common.py) and by the few writers
outside one (the outbox, the bulk seed) — ends whatever read transaction the
session has open and begins with BEGIN IMMEDIATE, which waits (busy_timeout) for the write
lock and then holds it to the commit, so writers queue instead of failing half-way.

A read transaction is never upgraded in place: once another connection has committed since
it began, SQLite refuses its first write at once with SQLITE_BUSY_SNAPSHOT, which
busy_timeout does not retry. And nothing slow runs inside a write transaction: a PDF is
laid out between a read and a short write (services/reports/).

On PostgreSQL BEGIN is BEGIN; `begin_write()` still ends the read transaction, so the use
case reads what it checks afresh, after any lock it takes.

A test's outer transaction (the session joined to a connection the test began, with
`join_transaction_mode="create_savepoint"`, or `session.info["outer_transaction"]` set) is
the caller's: `begin_write()` and `end_read()` leave it alone.
"""

from __future__ import annotations

import itertools
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, scoped_session

OUTER_TRANSACTION = "outer_transaction"  # session.info key a test fixture may set
IN_USE_CASE = "in_use_case"  # session.info key: a use case's write transaction is open
BUSY_TIMEOUT_MS = 5000  # how long a statement waits for a lock SQLite holds (reads, commits)
_WRITE_INTENT: ContextVar[bool] = ContextVar("sqlite_write_intent", default=False)

AnySession = Session | scoped_session[Any]
Listener = tuple[type[Engine] | type[Session], str, Callable[..., Any]]


def listen_once(listeners: list[Listener]) -> None:
    """Register SQLAlchemy event listeners, each once however many apps are made."""
    for target, name, function in listeners:
        if not event.contains(target, name, function):
            event.listen(target, name, function)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy emit BEGIN itself (see _sqlite_begin), so it can be IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    if conn.dialect.name != "sqlite":
        return
    if _WRITE_INTENT.get():
        _begin_immediate(conn)
    else:
        conn.exec_driver_sql("BEGIN")


# Waiting for SQLite's write lock: SQLite's own busy handler sleeps 1, 2, 5, 10, 15, 20, 25,
# 25, 25, 50, 50, 100 ms between tries, so a writer that finds the lock taken a few times
# in a row sleeps on long after it was released: with PDF downloads adding one audit write
# each, ordinary pages' p95 went from about 60 to 150-215 ms (`make bench-load`, SQLite).
# Writers here ask again every few milliseconds instead, for the same 5 s in all.
WRITE_LOCK_WAIT_SECONDS = BUSY_TIMEOUT_MS / 1000
WRITE_LOCK_POLL_SECONDS = (0.0005, 0.001, 0.002, 0.003)  # then the last, until the wait ends


def _begin_immediate(conn: Connection) -> None:
    conn.exec_driver_sql("PRAGMA busy_timeout=0")
    try:
        deadline = time.monotonic() + WRITE_LOCK_WAIT_SECONDS
        for attempt in itertools.count():
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                return
            except OperationalError as exc:
                if "locked" not in str(exc.orig) or time.monotonic() >= deadline:
                    raise
            time.sleep(WRITE_LOCK_POLL_SECONDS[min(attempt, len(WRITE_LOCK_POLL_SECONDS) - 1)])
    finally:
        conn.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


@contextmanager
def _write_intent() -> Iterator[None]:
    token = _WRITE_INTENT.set(True)
    try:
        yield
    finally:
        _WRITE_INTENT.reset(token)


def _actual(session: AnySession) -> Session:
    return session() if isinstance(session, scoped_session) else session


def joins_outer_transaction(session: AnySession) -> bool:
    """Whether the session works inside a transaction its caller began (a test's)."""
    if session.info.get(OUTER_TRANSACTION):
        return True
    return isinstance(session.bind, Connection) or isinstance(session.get_bind(), Connection)


# A transaction that has written (a flush, or an INSERT/UPDATE/DELETE statement) is a write
# transaction whatever it began as: it is never ended as if it were a read.
_WROTE = "transaction_wrote"


def _flushed(session: Session, _context: Any) -> None:
    session.info[_WROTE] = True


def _executed(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_WROTE, None)


def _has_written(session: Session) -> bool:
    return bool(session.info.get(_WROTE) or session.new or session.dirty or session.deleted)


def end_read(session: AnySession) -> None:
    """End the session's read transaction (its snapshot, its locks) before something slow.

    What it loaded is expired and read again when next used. Never inside a use case or
    any transaction that has written: what is slow does not belong in a write transaction.
    """
    session = _actual(session)
    if session.info.get(IN_USE_CASE):
        raise RuntimeError("end_read() inside a use case: do the slow part before or after it")
    if joins_outer_transaction(session) or not session.in_transaction():
        return
    if _has_written(session):
        raise RuntimeError("end_read() in a transaction that has written")
    session.rollback()


def begin_write(session: AnySession) -> None:
    """Begin the transaction of a writer: the read transaction ends, then (SQLite) BEGIN
    IMMEDIATE.

    A transaction that has written already (changes made outside a use case — a test's
    fixtures) is kept: the writer joins it and commits it whole, as before.
    """
    session = _actual(session)
    if joins_outer_transaction(session):
        return
    if session.in_transaction():
        if _has_written(session):
            return
        session.rollback()
    with _write_intent():
        session.connection()


# Registered by create_app (init_app), never at import.
LISTENERS: list[Listener] = [
    (Engine, "connect", _sqlite_on_connect),
    (Engine, "begin", _sqlite_begin),
    (Session, "after_flush", _flushed),
    (Session, "do_orm_execute", _executed),
    (Session, "after_transaction_end", _ended),
]


def init_app() -> None:
    listen_once(LISTENERS)
