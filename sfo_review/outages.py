"""Which errors mean "the database cannot serve right now" rather than a bug.

An outage answers 503 with Retry-After (the API: `service_unavailable`; the browser: the
service's own page, drawn without the database); anything else stays a 500, which the API
contract keeps for bugs. web.py registers the handlers; /readyz asks the same question.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import exc as sa_exc

MESSAGE = "The service is unavailable for a moment. Try again in a few minutes."
# Seconds a client is asked to wait before trying again.
RETRY_AFTER_SECONDS = 30
# SQLite's operational errors that are about the database file, not the SQL: "no such table"
# or a syntax error is a bug (500), a locked or unreadable database an outage.
SQLITE_OUTAGES = (
    "database is locked",
    "database table is locked",
    "database is busy",
    "unable to open database file",
    "disk i/o error",
    "database or disk is full",
)


def is_outage(exc: BaseException) -> bool:
    """The database is out of reach, frozen, over a timeout or busy: not a bug."""
    if isinstance(exc, sa_exc.TimeoutError | sa_exc.DisconnectionError):
        return True  # no pooled connection came free in time, or none could be made
    if not isinstance(exc, sa_exc.DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    if isinstance(exc.orig, sqlite3.OperationalError):
        message = str(exc.orig).lower()
        return any(problem in message for problem in SQLITE_OUTAGES)
    # psycopg's OperationalError: connections (SQLSTATE 08), resources (53), operator
    # intervention such as a statement timeout or a shutdown (57), system errors (58).
    return isinstance(exc, sa_exc.OperationalError)
