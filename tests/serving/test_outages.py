"""Outages: the database down or frozen, the job queue out of reach.

The API answers `503 service_unavailable` with Retry-After (the contract keeps 500 for
bugs); browser pages show the service's own page without touching the database; /healthz
says the process is alive and /readyz whether it can serve; a frozen database fails a
request after its timeouts instead of holding it for as long as it stays frozen.
"""

from __future__ import annotations

import inspect
import os
import socket
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from typing import Any

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import exc as sa_exc
from sqlalchemy import text

import config
from sfo_review import create_app, jobs, outages
from sfo_review.extensions import db
from tests.helpers_forms import page, text_of
from tests.serving.freezable import FreezableProxy

ON_POSTGRES = (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgres")
needs_postgres = pytest.mark.skipif(not ON_POSTGRES, reason="needs TEST_DATABASE_URL (PostgreSQL)")
UNAVAILABLE = "Sorry, the service is unavailable"


def closed_port() -> int:
    with closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def silent_server() -> Iterator[int]:
    """A port whose connections are accepted (by the kernel) and never answered: a frozen
    database as a new connection sees it."""
    with closing(socket.socket()) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield int(listener.getsockname()[1])


@pytest.fixture
def app_on() -> Iterator[Callable[..., Flask]]:
    """Another app, on the database at `url` (the test config otherwise)."""
    made: list[Flask] = []

    def make(url: str, **settings: Any) -> Flask:
        made.append(create_app({"SQLALCHEMY_DATABASE_URI": url, **settings}))
        return made[-1]

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


def down_url() -> str:
    return f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/down"


def assert_service_unavailable(response: Any) -> None:
    assert response.status_code == 503
    assert response.get_json() == {
        "error": {
            "code": "service_unavailable",
            "message": outages.MESSAGE,
        }
    }
    assert int(response.headers["Retry-After"]) > 0


def test_an_api_request_while_the_database_is_down_answers_503(app_on: Callable[..., Flask]):
    down = app_on(down_url(), DATABASE_CONNECT_TIMEOUT_SECONDS=1).test_client()

    response = down.get("/api/v1/reviews", headers={"Authorization": "Bearer whatever"})

    assert_service_unavailable(response)


def test_a_signed_in_page_while_the_database_is_down_is_the_services_own_page(
    client: FlaskClient, login_as: Callable[..., Any], app_on: Callable[..., Flask]
):
    login_as("reviewer")
    cookie = client.get_cookie("session")
    assert cookie is not None
    down = app_on(down_url(), DATABASE_CONNECT_TIMEOUT_SECONDS=1).test_client()
    down.set_cookie("session", cookie.value)

    response = down.get("/")

    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert response.mimetype == "text/html"
    soup = page(response)
    assert soup.select_one("h1").get_text(strip=True) == UNAVAILABLE
    assert "Try again in a few minutes" in text_of(response)
    assert soup.select_one(".govuk-header") is not None  # the service's page, not a bare one
    assert "Signed in as" not in text_of(response)  # who is signed in is in the database


def test_healthz_says_the_process_is_alive_without_asking_the_database(
    app_on: Callable[..., Flask],
):
    down = app_on(down_url(), DATABASE_CONNECT_TIMEOUT_SECONDS=1).test_client()

    response = down.get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_is_ready_when_the_database_and_the_job_queue_answer(client: FlaskClient):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ready",
        "checks": {"database": "ok", "job_queue": "ok"},
    }
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_not_ready_while_the_database_is_down(app_on: Callable[..., Flask]):
    down = app_on(down_url(), DATABASE_CONNECT_TIMEOUT_SECONDS=1).test_client()

    response = down.get("/readyz")

    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert response.get_json() == {
        "status": "not_ready",
        "checks": {"database": "unavailable", "job_queue": "ok"},
    }


def test_readyz_is_not_ready_while_the_job_queue_is_out_of_reach(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
):
    def refused() -> int:
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(jobs.huey.storage, "queue_size", refused)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.get_json()["checks"] == {"database": "ok", "job_queue": "unavailable"}


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_the_probes_are_public_and_need_no_session(client: FlaskClient, path: str):
    response = client.get(path)

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert client.get_cookie("session") is None  # no session started for a probe


def test_a_frozen_database_fails_a_request_cleanly(app_on: Callable[..., Flask]):
    """A server that accepts the connection and never answers: the connect timeout ends it
    (without one the request waits for as long as the database stays frozen)."""
    with silent_server() as port:
        url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/frozen"
        frozen = app_on(url, DATABASE_CONNECT_TIMEOUT_SECONDS=1).test_client()

        api = frozen.get("/api/v1/reviews", headers={"Authorization": "Bearer whatever"})
        ready = frozen.get("/readyz")

    assert_service_unavailable(api)
    assert ready.status_code == 503


@pytest.mark.parametrize(
    ("error", "outage"),
    [
        (sqlite3.OperationalError("database is locked"), True),
        (sqlite3.OperationalError("unable to open database file"), True),
        (sqlite3.OperationalError("disk I/O error"), True),
        (sqlite3.OperationalError("no such table: reviews"), False),  # a bug, not an outage
        (sqlite3.OperationalError('near "SELCT": syntax error'), False),
        (psycopg.OperationalError("connection refused"), True),
        (psycopg.errors.QueryCanceled("canceling statement due to statement timeout"), True),
        (psycopg.errors.AdminShutdown("terminating connection"), True),
    ],
)
def test_what_counts_as_an_outage(error: Exception, outage: bool):
    wrapped = sa_exc.OperationalError("SELECT 1", {}, error)
    assert outages.is_outage(wrapped) is outage


def test_bugs_and_other_errors_are_not_outages():
    assert not outages.is_outage(
        sa_exc.ProgrammingError("SELECT", {}, psycopg.errors.UndefinedTable("no table"))
    )
    assert not outages.is_outage(sa_exc.IntegrityError("INSERT", {}, Exception("duplicate")))
    assert not outages.is_outage(ValueError("nothing to do with the database"))
    assert outages.is_outage(sa_exc.TimeoutError("QueuePool limit of size 5 overflow 10"))
    lost = sa_exc.InterfaceError("SELECT", {}, Exception("closed"), connection_invalidated=True)
    assert outages.is_outage(lost)


def test_postgresql_connections_have_connect_statement_and_pool_timeouts():
    url = "postgresql+psycopg://u@h/d"
    defaults = config.engine_options(url, config.Config.__dict__)
    assert defaults["pool_timeout"] == 10
    assert defaults["connect_args"]["connect_timeout"] == 5
    assert defaults["connect_args"]["options"] == "-c statement_timeout=30000"

    settings = {
        "DATABASE_CONNECT_TIMEOUT_SECONDS": 2,
        "DATABASE_STATEMENT_TIMEOUT_SECONDS": 45,
        "DATABASE_POOL_TIMEOUT_SECONDS": 3,
    }
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, **settings})
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["pool_timeout"] == 3
    assert options["connect_args"]["connect_timeout"] == 2
    assert options["connect_args"]["options"] == "-c statement_timeout=45000"
    with app.app_context():
        db.engine.dispose()


def test_sqlite_keeps_its_busy_timeout_and_gets_a_pool_timeout():
    options = config.engine_options("sqlite:////tmp/x.db", config.Config.__dict__)
    assert options["pool_timeout"] == 10
    assert "connect_args" not in options  # busy_timeout: PRAGMA on connect (database.py)


def test_the_psycopg_hooks_the_deadline_relies_on_are_still_there():
    """db_deadlines.py overrides psycopg's `Connection.wait(gen, interval, timeout)` and
    catches `psycopg.errors._WaitTimeout`: if an upgrade moves either, this fails first."""
    parameters = inspect.signature(psycopg.Connection.wait).parameters
    assert list(parameters) == ["self", "gen", "interval", "timeout"], "Connection.wait moved"
    assert issubclass(psycopg.errors._WaitTimeout, psycopg.OperationalError), "_WaitTimeout moved"


@needs_postgres
def test_postgresql_sessions_carry_the_statement_timeout(app: Flask, db: Any):
    assert db.session.scalar(text("SHOW statement_timeout")) == "30s"
    db.session.rollback()


@needs_postgres
def test_a_statement_over_the_statement_timeout_is_an_outage(app_on: Callable[..., Flask]):
    other = app_on(str(db_url()), DATABASE_STATEMENT_TIMEOUT_SECONDS=1)
    with other.app_context(), pytest.raises(sa_exc.OperationalError) as raised:
        db.session.execute(text("SELECT pg_sleep(30)"))
    assert outages.is_outage(raised.value)


@needs_postgres
def test_a_database_frozen_mid_connection_fails_requests_then_recovers(
    app: Flask, db: Any, app_on: Callable[..., Flask]
):
    """Frozen after connecting (the server stopped, paused or unreachable with the socket
    open): the server enforces no statement_timeout then, and psycopg would wait for ever.
    The client-side deadline closes the connection and the request answers 503; once the
    database answers again, so does the service, without a restart."""
    with FreezableProxy(db_url().host or "127.0.0.1", db_url().port or 5432) as proxy:
        url = db_url().set(host="127.0.0.1", port=proxy.port)
        other = app_on(
            url.render_as_string(hide_password=False),
            DATABASE_CONNECT_TIMEOUT_SECONDS=1,
            DATABASE_STATEMENT_TIMEOUT_SECONDS=1,
        )
        probe = other.test_client()
        assert probe.get("/readyz").status_code == 200  # a pooled connection now exists

        with other.app_context():
            connection = db.engine.connect()
            assert connection.scalar(text("SELECT 1")) == 1
            proxy.freeze()
            with pytest.raises(sa_exc.OperationalError) as raised:
                connection.execute(text("SELECT 2"))  # mid-connection: the statement deadline
            assert outages.is_outage(raised.value)
            connection.close()
        frozen = probe.get("/readyz")  # the pooled connection's ping, then a new connection
        api = probe.get("/api/v1/reviews", headers={"Authorization": "Bearer whatever"})

        proxy.thaw()
        recovered = probe.get("/readyz")

    assert frozen.status_code == 503
    assert frozen.get_json()["checks"]["database"] == "unavailable"
    assert_service_unavailable(api)
    assert recovered.status_code == 200


def db_url() -> Any:
    from sqlalchemy.engine import make_url

    url = config.database_url(None)
    assert url is not None
    return make_url(url)
