"""A client-side deadline on every wait for PostgreSQL, for a server that stops answering.

PostgreSQL's statement_timeout is enforced by the server, and libpq's connect_timeout only
covers connecting: a server that is frozen (stopped, paused, or cut off with the socket still
open) enforces nothing, and psycopg would wait on the socket for as long as it stays frozen —
holding every request, and soon every web thread, with it. Here psycopg's connection gives up
after a deadline instead: statement_timeout plus a margin for statements and commits (so a
slow query is still stopped by the server first), and the connect timeout for the pool's
pre-ping of an idle connection. The connection is closed, SQLAlchemy takes it as a
disconnect and discards the pool, and the request answers 503 (outages.py).

The deadlines come from the engine's connect arguments (config.engine_options), which this
module's do_connect hook removes before psycopg sees them. This is the one module touching
psycopg's internals — `Connection.wait(gen, interval, timeout)` and `errors._WaitTimeout` —
and tests/serving/test_outages.py fails first, naming them, if an upgrade moves them.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.abc import PQGen
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.pool import ConnectionPoolEntry

from sfo_review.database import Listener, listen_once

DEADLINE = "sfo_deadline_seconds"
PING_DEADLINE = "sfo_ping_deadline_seconds"
WAIT_INTERVAL = 0.1  # psycopg's own: how often a wait wakes to notice Ctrl-C


class DeadlineConnection(psycopg.Connection[Any]):
    """psycopg's connection, waiting for the server at most `deadline` seconds at a time."""

    deadline: float | None = None
    statement_deadline: float | None = None
    ping_deadline: float | None = None

    def wait(
        self, gen: PQGen[Any], interval: float = WAIT_INTERVAL, timeout: float | None = None
    ) -> Any:
        limit = timeout if timeout is not None else self.deadline
        try:
            return super().wait(gen, interval=interval, timeout=limit)
        except psycopg.errors._WaitTimeout:
            # Half-way through the protocol the connection cannot be used again: close it, so
            # SQLAlchemy sees a disconnect (is_disconnect: closed) and replaces it.
            self.close()
            raise psycopg.OperationalError(
                f"The database did not answer within {limit:g} seconds; the connection was closed."
            ) from None


def _connect(
    dialect: Dialect, _record: ConnectionPoolEntry, cargs: tuple[Any, ...], cparams: dict[str, Any]
) -> DeadlineConnection | None:
    deadline = cparams.pop(DEADLINE, None)
    ping = cparams.pop(PING_DEADLINE, None)
    if deadline is None or dialect.driver != "psycopg":
        return None  # SQLAlchemy connects as usual
    conn = DeadlineConnection.connect(*cargs, **cparams)
    conn.deadline = conn.statement_deadline = float(deadline)
    conn.ping_deadline = float(ping) if ping is not None else conn.deadline
    return conn


def _idle(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # Back in the pool: the next wait is the pre-ping at checkout, which a healthy server
    # answers at once — give up on a frozen one as soon as on a server that does not connect.
    if isinstance(dbapi_connection, DeadlineConnection):
        dbapi_connection.deadline = dbapi_connection.ping_deadline


def _in_use(dbapi_connection: Any, _record: ConnectionPoolEntry, _proxy: Any) -> None:
    # The pre-ping has run (before this event): statements get the statement deadline.
    if isinstance(dbapi_connection, DeadlineConnection):
        dbapi_connection.deadline = dbapi_connection.statement_deadline


# Registered by create_app (init_app), never at import.
LISTENERS: list[Listener] = [
    (Engine, "do_connect", _connect),
    (Engine, "checkin", _idle),
    (Engine, "checkout", _in_use),
]


def init_app() -> None:
    listen_once(LISTENERS)
