"""Fixtures: an app on a database built by the real migrations, clients, users, factories.

The database is SQLite in a temporary folder unless TEST_DATABASE_URL names another one
(CI runs the suite a second time against PostgreSQL).
"""

from __future__ import annotations

import functools
import gc
import hashlib
import os
import pickle
import re
import subprocess
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
import time_machine
from bs4 import BeautifulSoup
from filelock import FileLock
from flask import Flask, current_app, g, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session as FlaskSQLAlchemySession
from psycopg._preparing import Prepare, PrepareManager
from psycopg.pq.abc import PGresult
from sqlalchemy import URL, Connection, Engine, create_engine, make_url, text

# Tests run Huey in immediate mode (in memory); its SQLite storage is never a file here.
os.environ.setdefault("HUEY_SQLITE_PATH", ":memory:")

from config import TestConfig, database_url  # noqa: E402 - after the environment above
from sfo_review import clock, create_app
from sfo_review.extensions import db as _db
from sfo_review.models import Review, User
from sfo_review.services import evidence, findings, regions, reviews, users
from tests import helpers_rules

# The report and PDF tests' fixtures (a rich review, PDF readers): tests/reports, tests/pdf;
# each distinct review those builders make, built once per module: tests/snapshots.py.
pytest_plugins = ["tests.report_fixtures", "tests.snapshots", "tests.openapi_answers"]

PASSWORD = "correct-horse-battery"  # noqa: S105
# The variable naming the database a run is for (PostgreSQL; unset: SQLite).
URL_VARIABLE = "TEST_DATABASE_URL"


def _worker() -> str | None:
    """The pytest-xdist worker running this process ("gw0", "gw1", …), None without xdist."""
    return os.environ.get("PYTEST_XDIST_WORKER")


def _empty_schema(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:  # start from an empty schema: migrations build it all
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _migrate(url: str) -> None:
    class Template(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    template = create_app(Template)
    with template.app_context():
        upgrade()
        _db.engine.dispose()


def _postgres_admin(url: URL, sql: str) -> None:
    """Run `sql` outside a transaction on the server's maintenance database."""
    engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()


def _worker_database(url: str, worker: str, shared: Path) -> str:
    """A PostgreSQL database for this xdist worker, copied from the migrated template.

    The database TEST_DATABASE_URL names is the template: the first worker to get here
    empties and migrates it (once per run, under a file lock), then each worker makes
    `<name>_<worker>` from it (CREATE DATABASE … TEMPLATE), so the migrations run once.
    """
    template = make_url(url)
    name = f"{template.database}_{worker}"
    with FileLock(str(shared / "postgres-template.lock")):
        done = shared / "postgres-template.migrated"
        if not done.exists():
            _empty_schema(url)
            _migrate(url)
            done.touch()
        _postgres_admin(template, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _postgres_admin(template, f'CREATE DATABASE "{name}" TEMPLATE "{template.database}"')
        # A test database needs no durability: a commit (committed_db's tests, their
        # cleanup) returns without waiting for the WAL to reach the disk. What a commit
        # makes visible to other connections is unchanged.
        _postgres_admin(template, f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    return template.set(database=name).render_as_string(hide_password=False)


def _database_uri(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, bool]:
    """(the test database's URL, whether the migrations still have to run on it).

    SQLite: a file of this worker's own. PostgreSQL (TEST_DATABASE_URL): that database
    without xdist, else one per worker made from it (see _worker_database).
    """
    url = os.environ.get(URL_VARIABLE)
    if not url:
        folder: Path = tmp_path_factory.mktemp("db")
        return f"sqlite:///{folder / 'test.db'}", True
    os.environ["DATABASE_URL"] = url
    normalised = database_url(None)
    assert normalised
    worker = _worker()
    if worker is None:
        _empty_schema(normalised)
        return normalised, True
    shared = tmp_path_factory.getbasetemp().parent  # the same folder for every worker
    mine = _worker_database(normalised, worker, shared)
    os.environ["DATABASE_URL"] = mine
    return mine, False


def _clear_g() -> None:
    for name in list(vars(g)):
        g.pop(name, None)


class Client(FlaskClient):
    """A test client whose requests don't share Flask-Login's cached user.

    Tests run inside one app context (so they can call services), and Flask reuses it for
    each request; without this, what extensions cache on `g` for one request (Flask-Login's
    user, Flask-WTF's CSRF token) would leak into the next, as it never does in a server.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        _clear_g()
        try:
            return super().open(*args, **kwargs)
        finally:
            _clear_g()


# -- one transaction per test ----------------------------------------------------------------
#
# Each test that asks for `db` runs inside a transaction on one connection, rolled back at
# the end: nothing it wrote is left for the next test, and nothing has to be deleted. The
# app's own commits (every @use_case) still happen: the session joins that connection with
# join_transaction_mode="create_savepoint", so its transactions are SAVEPOINTs, a commit
# releases one and a rollback rolls back to it. Tests whose data other connections must see
# (threads, a live server, a second engine, a subprocess) ask for `committed_db`: their
# data is committed for real and the tables emptied afterwards, as every test once did.

_BOUND: dict[Flask, Connection] = {}


class _TestSession(FlaskSQLAlchemySession):
    """Flask-SQLAlchemy's session, except that while a test holds a transaction open on the
    app's connection, every query of that app goes through that connection.

    (Flask-SQLAlchemy 3 picks the engine itself and ignores the session's `bind`, so the
    connection is looked up here, per app: other apps in the same process, such as a
    migration test's own app, keep their own engines.)
    """

    def get_bind(
        self,
        mapper: Any | None = None,
        clause: Any | None = None,
        bind: Engine | Connection | None = None,
        **kwargs: Any,
    ) -> Engine | Connection:
        if bind is None and has_app_context():
            connection = _BOUND.get(current_app._get_current_object())  # type: ignore[attr-defined]
            if connection is not None:
                return connection
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


def _use_test_sessions() -> None:
    _db.session = _db._make_scoped_session(
        {"class_": _TestSession, "join_transaction_mode": "create_savepoint"}
    )


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app, with the schema made by running every migration once."""
    uri, needs_migrations = _database_uri(tmp_path_factory)

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = uri

    application = create_app(Config)
    application.test_client_class = Client
    _use_test_sessions()
    with application.app_context():
        if needs_migrations:
            upgrade()
    yield application
    with application.app_context():
        _db.engine.dispose()


# Reference data the migrations seed (the list of regions and PDUs): kept between tests.
REFERENCE_TABLES = ("regions", "pdus")


def _empty_tables() -> None:
    """Delete every row but the reference data, children before parents (one transaction).

    DELETE, not TRUNCATE, on PostgreSQL too: TRUNCATE gives each of the ~40 tables a new
    file (about 0.8 s in all on this machine, ~25 ms for the DELETEs of a test's few rows).
    Sequences are not restarted: on PostgreSQL no test's rollback restarts them either.
    """
    tables = [t for t in reversed(_db.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
    with _db.engine.begin() as conn:
        for table in tables:
            conn.execute(table.delete())


class _PreparedAcrossRollbacks(PrepareManager):
    """psycopg's prepared statements, kept when the test's transaction is rolled back.

    psycopg forgets (DEALLOCATE ALL) every statement it has prepared at each ROLLBACK and
    ROLLBACK TO SAVEPOINT, in case the rollback undid a table a statement was planned
    against. The tests' rollbacks undo rows only (the schema is migrated before, in other
    transactions), so on the connection each test's transaction runs on, the statements
    the app repeats are planned once per worker, not again in every test: about 8% less CPU
    for the PostgreSQL run. A DROP, ALTER, DISCARD ALL or DEALLOCATE ALL still clears them.
    """

    _changes_schema = re.compile(rb"^(?:DROP|ALTER|DISCARD ALL|DEALLOCATE ALL)\b").match

    def clear(self) -> bool:  # what psycopg calls after a ROLLBACK
        return False

    def _should_discard(self, prep: Prepare, results: Sequence[PGresult]) -> bool:
        for result in results:
            if (status := result.command_status) and self._changes_schema(status):
                return super().clear()
        return False


def _keep_prepared_statements(connection: Connection) -> None:
    driver = connection.connection.driver_connection
    if isinstance(driver, psycopg.Connection) and not isinstance(
        driver._prepared, _PreparedAcrossRollbacks
    ):
        kept = _PreparedAcrossRollbacks()
        kept.prepare_threshold = driver._prepared.prepare_threshold
        kept.prepared_max = driver._prepared.prepared_max
        driver._prepared.clear()  # anything prepared so far is deallocated at the next command
        kept._to_flush.extend(driver._prepared._to_flush)
        driver._prepared = kept


@pytest.fixture
def db(app: Flask, request: pytest.FixtureRequest) -> Iterator[Any]:
    """An empty database for the test: its writes are rolled back at the end (see above),
    or, when the test also asks for `committed_db`, committed and then deleted."""
    with app.app_context():
        if "committed_db" in request.fixturenames:
            try:
                yield _db
            finally:
                _db.session.rollback()
                _db.session.remove()
                _empty_tables()
            return
        connection = _db.engine.connect()
        _keep_prepared_statements(connection)
        outer = connection.begin()
        _BOUND[app] = connection
        try:
            yield _db
        finally:
            _db.session.remove()
            del _BOUND[app]
            if outer.is_active:
                outer.rollback()
            connection.close()


@pytest.fixture
def committed_db(db: Any) -> Any:
    """For tests whose data other connections must see (threads, live server, engines):
    the app commits for real, and the tables are emptied after the test."""
    return db


@pytest.fixture(autouse=True)
def _csrf_as_in_production(request: pytest.FixtureRequest) -> Iterator[None]:
    """CSRF protection is off in TestConfig; tests marked `csrf` (the tests about it) run
    with it on, as the real server does."""
    if request.node.get_closest_marker("csrf") is None:
        yield
        return
    application: Flask = request.getfixturevalue("app")
    saved = application.config["WTF_CSRF_ENABLED"]
    application.config["WTF_CSRF_ENABLED"] = True
    try:
        yield
    finally:
        application.config["WTF_CSRF_ENABLED"] = saved


@pytest.fixture(autouse=True)
def _jobs_run_at_once() -> Iterator[None]:
    """Huey is one object per process: a test that makes an app with another config (an
    outage, production settings) switches it out of immediate mode for every later test in
    that worker; each test starts in immediate mode, as TestConfig says."""
    from sfo_review import jobs

    jobs.huey.immediate = True
    yield


@pytest.fixture(autouse=True)
def _figures_cache_forgotten() -> None:
    """Each test's data is rolled back, so the figures' data version (cache.py) counts the
    same numbers again in the next test: a worker's cached entries from an earlier test
    would look current. Each test starts with none (as a new worker process would)."""
    from sfo_review.services.figures import cache

    cache.clear_local()


# -- each distinct PDF laid out once per session --------------------------------------------
#
# Laying out a PDF costs about a second, and many tests ask for the same document: the same
# review built by the same fixture gives the same HTML. WeasyPrint's output is a function of
# its input (the HTML, the formats and what the engine's fingerprint covers), so a test that
# asks for a document laid out before in this run gets those bytes: everything above
# the layout (the HTML, the cache, the jobs, the locks, the time limit's start) runs as
# ever. Tests about the layout itself (its time limit, its locks, its line breaking) are
# marked `layout` and always lay out for real. Under xdist the workers share what they
# laid out (a file per document in the run's temporary folder), so a document is laid out
# once per run, not once per worker.
#
# .ci/run names one folder for its whole run in SFO_TEST_LAYOUTS (a new temporary folder,
# removed at its end), so the PostgreSQL run gets the layouts the SQLite run made of the
# same documents: 120 of its 129 layouts, about 45 CPU s. The key holds everything that
# shapes the bytes (the engine's fingerprint: stylesheet, fonts, templates, the PDF code,
# WeasyPrint's version; the formats; the whole HTML), and within one .ci/run none of it
# changes but the HTML.
LAYOUTS_VARIABLE = "SFO_TEST_LAYOUTS"

_LAID_OUT: dict[str, Any] = {}


def _shared_layouts(factory: pytest.TempPathFactory) -> Path | None:
    """The folder the processes share their layouts in: SFO_TEST_LAYOUTS's (.ci/run's, for
    both its runs), else this run's when under xdist, else None (this process only)."""
    if named := os.environ.get(LAYOUTS_VARIABLE):
        folder = Path(named)
    elif _worker() is not None:
        folder = factory.getbasetemp().parent / "layouts"  # the same folder for every worker
    else:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _laid_out(key: str, shared: Path | None, lay_out: Callable[[], Any]) -> Any:
    """The layout of `key`: from this process, else from another worker, else laid out now."""
    if key in _LAID_OUT:
        return _LAID_OUT[key]
    stored = shared / f"{key}.pickle" if shared is not None else None
    if stored is not None and stored.exists():
        _LAID_OUT[key] = pickle.loads(stored.read_bytes())  # noqa: S301 - written by this (CI) run
        return _LAID_OUT[key]
    _LAID_OUT[key] = lay_out()
    if stored is not None:  # whole or not at all: another worker may read it at any time
        partial = stored.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(pickle.dumps(_LAID_OUT[key]))
        partial.replace(stored)
    return _LAID_OUT[key]


@pytest.fixture(autouse=True)
def _each_pdf_laid_out_once(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    if request.node.get_closest_marker("layout") is not None:
        yield
        return
    from sfo_review.pdf import render

    real = render._Engine._write
    shared = _shared_layouts(tmp_path_factory)

    def write_once(engine: Any, html: str, formats: tuple[str, ...]) -> Any:
        key = hashlib.sha256(f"{engine.fingerprint}|{formats!r}|{html}".encode()).hexdigest()
        return dict(_laid_out(key, shared, lambda: real(engine, html, formats)))

    render._Engine._write = write_once  # type: ignore[method-assign]
    try:
        yield
    finally:
        render._Engine._write = real  # type: ignore[method-assign]


@pytest.fixture
def on_day() -> Iterator[Callable[[date | None], None]]:
    """Move the clock (time-machine) to noon in London on a day, or back to now (None)."""
    from sfo_review.clock import LONDON

    travels: list[Any] = []

    def move(day: date | None) -> None:
        while travels:
            travels.pop().stop()
        if day is not None:
            travels.append(time_machine.travel(datetime.combine(day, time(12), tzinfo=LONDON)))
            travels[-1].start()

    yield move
    move(None)


@pytest.fixture
def client(app: Flask, db: Any) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    counter = {"n": 0}

    def factory(role: str = "reviewer", **overrides: Any) -> User:
        counter["n"] += 1
        data = {
            "email": f"{role}{counter['n']}@example.gov.uk",
            "name": f"{role.replace('_', ' ').title()} {counter['n']}",
            "role": role,
            "password": PASSWORD,
        }
        data.update(overrides)
        return users.create_user(None, data)

    return factory


REVIEW_DATA: dict[str, Any] = {
    "case_reference": "X123456",
    "person_initials": "JM",
    "offence_charged": "Murder",
    "offence_category": "murder",
    "charge_date": "2023-06-26",
    "notification_date": "2023-06-28",
    "region": "London",
    "pdu": "Camden and Islington",
    "sentence_type": "licence",
    "rosh_level": "medium",
}


@pytest.fixture
def make_review(make_user: Callable[..., User]) -> Callable[..., Review]:
    def factory(reviewer: User | None = None, **overrides: Any) -> Review:
        data = {**REVIEW_DATA, **overrides}
        area = (data["region"], data["pdu"])
        if area in regions.areas() or not all(isinstance(v, str) and v for v in area):
            return reviews.create_review(reviewer or make_user("reviewer"), data)
        # A region or PDU not on the list (issue 19: hostile text, formulas, old names): the
        # review is made with the default area, then given the text as typed before the
        # list existed (migration 0016 keeps such values for an admin to map).
        review = reviews.create_review(
            reviewer or make_user("reviewer"),
            {**data, "region": REVIEW_DATA["region"], "pdu": REVIEW_DATA["pdu"]},
        )
        review.region, review.pdu = area
        _db.session.commit()
        return review

    return factory


def sign_in_through_session(client: FlaskClient, user: User) -> User:
    """Sign `client` in as `user` by writing the session the sign-in form would have left
    (Flask-Login's keys, and start_session's clock readings): no form, no password hash.
    The tests about signing in (tests/auth) use the real form instead."""
    from flask_login.utils import _create_identifier

    from sfo_review.auth import session as app_session

    with client.application.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()  # what Flask-Login checks the browser against
    with client.session_transaction() as session:
        session.clear()
        session.permanent = True
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session["_id"] = identifier
        session["login_at"] = session["last_seen"] = app_session._now()
    return user


def sign_in_through_form(client: FlaskClient, user: User) -> User:
    """Sign `client` in as `user` through the real sign-in form (with its CSRF token)."""
    html = client.get("/sign-in").get_data(as_text=True)
    token = BeautifulSoup(html, "html.parser").select_one("input[name=csrf_token]")
    data = {"email": user.email, "password": PASSWORD}
    if token is not None:
        data["csrf_token"] = str(token["value"])
    response = client.post("/sign-in", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return user


@pytest.fixture
def login_as(client: FlaskClient, make_user: Callable[..., User]) -> Callable[..., User]:
    """Sign the test client in as a new user of `role` (or as `user`), through the session."""

    def sign_in(role: str = "reviewer", user: User | None = None) -> User:
        return sign_in_through_session(client, user or make_user(role))

    return sign_in


@pytest.fixture
def full_review(
    make_user: Callable[..., User], make_review: Callable[..., Review]
) -> Callable[..., dict[str, Any]]:
    """A review ready for factual accuracy: participants, chronology, caseload, factor, finding."""

    def build(individual: bool = True, balanced: bool = True) -> dict[str, Any]:
        reviewer = make_user("reviewer")
        officer = make_user("officer")
        manager = make_user("officer")
        qa = make_user("quality_assurer")
        review = make_review(reviewer)
        review.family_summary = helpers_rules.FAMILY_SUMMARY  # api-v1.1 C, checked clean
        _db.session.commit()
        po = reviews.add_participant(
            reviewer, review, {"email": officer.email, "role_in_case": "responsible_officer"}
        )
        reviews.add_participant(
            reviewer, review, {"email": manager.email, "role_in_case": "line_manager"}
        )
        entry = evidence.add_chronology_entry(
            reviewer,
            review,
            {
                "occurred_on": "2023-05-02",
                "source": "Probation",
                "summary": "Home visit missed",
                "significant": True,
            },
        )
        context = evidence.add_caseload_context(
            reviewer,
            review,
            {
                "participant_id": po.id,
                "period_start": "2023-01-01",
                "period_end": "2023-06-26",
                "caseload_count": 58,
                "high_risk_count": 12,
                "workload_percent": 143,
                "grade": "probation_services_officer",
                "months_in_role": 14,
                "team_vacancy_percent": 30,
                "officer_changes_on_case": 3,
                "management_oversight_sessions": 1,
            },
        )
        factor = evidence.add_systemic_factor(
            reviewer,
            review,
            {
                "category": "workload_and_capacity",
                "level": "team",
                "description": "Team carrying 30% vacancies",
                "evidence": "Staffing return",
            },
        )
        finding = findings.add_finding(
            reviewer,
            review,
            {
                "title": "Risk not reassessed",
                "practice_area": "assessment",
                "judgement": "insufficient",
                "narrative": "The assessment was not updated.",
                "attribution": ["individual", "team"] if individual else ["team"],
                "systemic_factor_ids": [factor.id] if balanced else [],
                "chronology_ids": [entry.id],
                "subject_participant_ids": [po.id] if individual else [],
            },
        )
        # api-v1.1 A: what was known at the time; whom the finding is about and how it was
        # weighed (balanced: the subject's caseload context linked beside the factor); the
        # statements may still come in at factual accuracy, for the reason recorded.
        helpers_rules.known_at_the_time(entry)
        if individual:
            helpers_rules.name_subjects(finding, po)
            helpers_rules.assess(finding)
            if balanced:
                finding.caseload_contexts.append(context)
        review.statements_outstanding_reason = helpers_rules.STATEMENTS_REASON
        _db.session.commit()  # as the services would: the review as one request left it
        return {
            "review": review,
            "reviewer": reviewer,
            "officer": officer,
            "manager": manager,
            "qa": qa,
            "participant": po,
            "entry": entry,
            "context": context,
            "factor": factor,
            "finding": finding,
        }

    return build


def days_ago(n: int) -> str:
    return (date.today() - timedelta(days=n)).isoformat()


@dataclass(frozen=True)
class FromToday:
    """A date `days` from the app's today (London), for a parametrize value: worked out when
    the test runs by `when_run`, not when the suite is collected (a run that crosses
    midnight would otherwise test yesterday's "tomorrow")."""

    days: int

    def __str__(self) -> str:
        return (clock.today() + timedelta(days=self.days)).isoformat()


def when_run(value: Any) -> Any:
    """`value`, or the ISO date a FromToday stands for today."""
    return str(value) if isinstance(value, FromToday) else value


SYSTEM_PACKAGES = Path(__file__).resolve().parents[1] / ".ci" / "system-packages"


# Python's cyclic garbage collector, run less often in the test processes: by default it
# looks at the youngest objects after every 700 net allocations, and each test allocates
# millions (ORM rows, parsed pages, PDF boxes), so a worker spent about 8% of its time in
# collections, most of them finding nothing. At 20,000 the collector's time halves and
# `pytest -n 2 -m "not browser" tests/reviews tests/api` used 140 → 123 CPU s (user), at
# about 5% more memory (the peak process: 320 → 337 MB on tests/reports, pdf, dashboard).
# Garbage is still collected, only later; the app's servers keep Python's defaults.
GC_THRESHOLDS = (20_000, 20, 20)


def pytest_configure(config: pytest.Config) -> None:
    """Stop before any test, with one line saying what to install, when a system package
    the suite uses is missing (.ci/system-packages installs them: make test runs it).
    Every test process (xdist's workers too) collects its garbage less often (above)."""
    gc.set_threshold(*GC_THRESHOLDS)
    if hasattr(config, "workerinput"):
        return  # an xdist worker: the main process has checked
    args = [str(SYSTEM_PACKAGES), "--check"]
    if "not browser" in (config.option.markexpr or ""):
        args.append("--no-browser")
    found = subprocess.run(args, capture_output=True, text=True, check=False)  # noqa: S603
    if found.returncode != 0:
        pytest.exit(found.stdout.strip() or found.stderr.strip(), returncode=4)


def _reaches_the_test_database(item: pytest.Item) -> bool:
    """Whether the test can meet the database TEST_DATABASE_URL names: it uses the `app`
    fixture (every database fixture stands on it), or its module reads TEST_DATABASE_URL
    itself. Anything else makes its own SQLite files, or no database at all."""
    return "app" in getattr(item, "fixturenames", ()) or _reads_the_url(item.path)


@functools.cache
def _reads_the_url(module: Path) -> bool:
    return module.suffix == ".py" and URL_VARIABLE in module.read_text(encoding="utf-8")


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook, which reads the group marks
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under xdist (`--dist loadgroup`), each browser test module runs on one worker, so its
    live server, seeded database and Chromium are made once, not once per worker.

    On PostgreSQL (TEST_DATABASE_URL: `make test-postgres`, CI's second run) only the tests
    that can reach that database run: the others (pure functions, the PDF engine, the
    migrations and services tested on SQLite files of their own) would do exactly what they
    did in the SQLite run. They are reported as deselected."""
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(pytest.mark.xdist_group(item.module.__name__ if item.module else ""))
    if not os.environ.get(URL_VARIABLE):
        return
    kept, elsewhere = [], []
    for item in items:
        (kept if _reaches_the_test_database(item) else elsewhere).append(item)
    if elsewhere:
        config.hook.pytest_deselected(items=elsewhere)
        items[:] = kept
