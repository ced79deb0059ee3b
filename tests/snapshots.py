"""The builders of whole reviews (`full_review`, `rich_review`, the API's `world`, and the
fixtures of several reviews named in BUILDERS, such as tests/dashboard's five reviews) build
each distinct review once per test module; later calls get the same rows copied in.

A builder called on an empty database (but for the migrations' own rows: BASELINE and
REFERENCE, which tests/test_snapshots.py checks are all of them), with the same arguments,
in the same test module, with only pure fixtures (so no monkeypatch), no user made before
it, the same app settings, in the same minute (the clock, time-machine's included), writes
the same rows every time. So the first call's result is kept (every row of every table,
and which rows the returned objects are); a later call that meets those conditions copies
the rows in (same ids, same order, inside the test's transaction), loads the returned
objects afresh and moves the factories' counters on ("reviewer3@…") as the build did.
What the test does next, and what it asserts, is unchanged; the minute in the key bounds
how old the copied rows' timestamps can be. A test's code may call a builder after code of
its own: what that code can change and a build reads (settings, rows, users, the clock) is
in the key. It must not change the app's modules or the environment without `monkeypatch`
(which is not pure), and SFO_SNAPSHOTS=check (below) finds a test that does.

Nothing is reused when anything could make a build differ, or a test could tell it did not
run: the database holds other rows (the test wrote something first, or builds a second
review); the test uses a fixture not in PURE (one that records what happens, such as
`layouts`, `queued` or `caplog`, or any fixture not named here or in the SNAPSHOT_PURE of
its module or of a conftest.py above it); the result holds something other than rows,
text, numbers, lists, dicts.

SFO_SNAPSHOTS=0 turns reuse off. SFO_SNAPSHOTS=check builds every time and compares what
each build wrote with what a reuse would have copied (every column but timestamps and
random values), failing the test on any difference. It compares on SQLite only: on
PostgreSQL a second build gets new ids (sequences never roll back) and its rows may sit in
another physical order.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask import current_app
from sqlalchemy import Connection, Integer, Table, exists, inspect, literal_column, select, text
from sqlalchemy.orm import InstanceState
from sqlalchemy.orm.base import instance_state

from sfo_review.extensions import db

# The builders whose results are kept (fixture names; each returns a build function).
BUILDERS = (
    "full_review",
    "rich_review",
    "world",
    "five_reviews_built",
    "two_pairs_built",
    "sample_world_built",
    "skew_built",
    "two_regions_built",
    "approved_built",
    "staged_built",
    "approved_action_built",
)
# Factories that number what they make ("reviewer3@…"): a closure variable `counter` = {"n"}.
COUNTERS = ("make_user", "cli_user")
# Fixtures that change nothing a build does and record nothing of it. A test using any
# other fixture (besides its parameters) always builds for real, unless its module names
# that fixture in `SNAPSHOT_PURE` (a set of fixture names: its own fixtures that only build,
# or that set the same state for each of its tests; a conftest.py's SNAPSHOT_PURE counts for
# every module under its folder).
PURE = frozenset(
    {
        "app",
        "db",
        "committed_db",
        "client",
        "api",
        "request",
        "make_user",
        "make_review",
        "login_as",
        "cli_user",
        "token_for",
        "tmp_path",
        "tmp_path_factory",
        "on_day",
        *BUILDERS,
        # autouse (tests/conftest.py)
        "_csrf_as_in_production",
        "_jobs_run_at_once",
        "_each_pdf_laid_out_once",
        "_figures_cache_forgotten",
        # tests/openapi_answers.py: checks the API's answers, writes nothing
        "_answers_conform_to_the_description",
    }
)
# Tables that may hold rows before a build: the migrations' own (the figures' data version,
# which each build moves on). Their rows are part of what a kept build is looked up by, and
# a reuse replaces them with the rows the build left.
BASELINE = frozenset({"data_versions"})
# Reference data the migrations seed and every test keeps (the regions and their PDUs): part
# of what a kept build is looked up by, never copied. A build that changes them is not kept.
REFERENCE = frozenset({"regions", "pdus"})
MODE = os.environ.get("SFO_SNAPSHOTS", "1")
# Columns a build fills with random values (salted hashes, tokens): SFO_SNAPSHOTS=check
# compares every other column but timestamps.
_CLOCK = re.compile(r"\b\d\d:\d\d\b")  # a time of day in a text ("expiring … 11:08 UTC")
RANDOM = frozenset({"password_hash", "session_token", "token_hash"})

_Key = tuple[Any, ...]
_Rows = list[tuple[Table, list[dict[str, Any]]]]


class _Kept:
    def __init__(self, rows: _Rows, result: Any, counters: dict[str, int]) -> None:
        self.rows = rows
        self.result = result
        self.counters = counters


_KEPT: dict[_Key, _Kept | None] = {}  # None: this build's result cannot be kept
_EMPTY_QUERY: dict[str, Any] = {}
_SEQUENCES: dict[str, str | None] = {}


class _NotRows(Exception):
    pass


def _tables() -> list[Table]:
    return list(db.metadata.sorted_tables)


def _filled(conn: Connection) -> list[Table]:
    """The tables with a row (one query)."""
    tables = _tables()
    if "q" not in _EMPTY_QUERY:
        _EMPTY_QUERY["q"] = select(*(exists().select_from(t) for t in tables))
    found = conn.execute(_EMPTY_QUERY["q"]).one()
    return [t for t, has in zip(tables, found, strict=True) if has]


def _dump(conn: Connection, tables: list[Table] | None = None) -> _Rows:
    """Every row, in the order the table holds them (SQLite's rowid, PostgreSQL's ctid), so
    the copies are stored, and read back by any query without ORDER BY, in the same order."""
    order = literal_column("ctid" if conn.dialect.name == "postgresql" else "rowid")
    return [
        (t, [dict(r._mapping) for r in conn.execute(select(t).order_by(order))])
        for t in (_filled(conn) if tables is None else tables)
    ]


def _encode(value: Any) -> Any:
    """The result with each row object replaced by (its class, its primary key)."""
    if value is None or isinstance(value, str | int | float | bool | date):
        return ("value", value)
    if isinstance(value, dict):
        return ("dict", {k: _encode(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return (type(value).__name__, [_encode(v) for v in value])
    try:
        state: InstanceState[Any] = instance_state(value)
    except Exception as exc:
        raise _NotRows from exc
    if state.identity is None or state.deleted or state.detached:
        raise _NotRows
    return ("row", type(value), state.identity)


def _rows_in(encoded: Any, found: dict[type, set[Any]]) -> dict[type, set[Any]]:
    """The primary keys of every row object in an encoded result, by class."""
    kind, *rest = encoded
    if kind == "row":
        found.setdefault(rest[0], set()).add(rest[1])
    elif kind == "dict":
        for value in rest[0].values():
            _rows_in(value, found)
    elif kind != "value":
        for value in rest[0]:
            _rows_in(value, found)
    return found


def _load_rows(encoded: Any) -> list[Any]:
    """Load the result's row objects a class at a time (one query each, not one per object);
    _decode then finds them in the session (whose map holds them only while they are
    referenced: keep the list until then), as session.get would have loaded them."""
    loaded: list[Any] = []
    for cls, identities in _rows_in(encoded, {}).items():
        columns = inspect(cls).primary_key
        if len(columns) == 1:
            wanted = columns[0].in_([i[0] for i in identities])
            loaded += db.session.scalars(select(cls).where(wanted)).all()
    return loaded


def _decode(encoded: Any) -> Any:
    if encoded[0] == "row":
        _row, cls, identity = encoded
        found = db.session.get(cls, identity)
        assert found is not None
        return found
    kind, value = encoded
    if kind == "value":
        return value
    if kind == "dict":
        return {k: _decode(v) for k, v in value.items()}
    items = [_decode(v) for v in value]
    return items if kind == "list" else tuple(items)


def _copy_in(conn: Connection, rows: _Rows) -> None:
    if conn.dialect.name != "postgresql":
        for table, items in rows:
            conn.execute(table.insert(), items)
        return
    # PostgreSQL: every table's rows and the sequences sent in one pipeline (psycopg's
    # pipeline mode), not one round trip to the server each. Nothing is read back inside it.
    moves, params = _sequences_past(conn, rows)
    with conn.connection.driver_connection.pipeline():
        for table, items in rows:
            conn.execute(table.insert(), items)
        if moves:
            conn.execute(text("SELECT " + ", ".join(moves)), params)


def _sequences_past(conn: Connection, rows: _Rows) -> tuple[list[str], dict[str, Any]]:
    """PostgreSQL: the setval calls that put each table's id sequence after the copied ids.
    Sequences never roll back, so the build that first wrote these ids moved them on
    already; but a setval elsewhere (seed-bulk's, say) may have set one back since."""
    moves: list[str] = []
    params: dict[str, Any] = {}
    for n, (table, items) in enumerate(rows):
        columns = [c for c in table.primary_key.columns if isinstance(c.type, Integer)]
        if len(columns) != 1:
            continue
        column = columns[0]
        if table.name not in _SEQUENCES:
            _SEQUENCES[table.name] = conn.execute(
                text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name}
            ).scalar()
        sequence = _SEQUENCES[table.name]
        if sequence is None:
            continue
        params[f"s{n}"], params[f"top{n}"] = sequence, max(item[column.name] for item in items)
        moves.append(f"setval(:s{n}, GREATEST(:top{n}, (SELECT last_value FROM {sequence})))")
    return moves, params


def _counter(factory: Any) -> dict[str, int]:
    names = factory.__code__.co_freevars
    assert "counter" in names, f"{factory.__qualname__} counts in a closure variable `counter`"
    cell = factory.__closure__[names.index("counter")]
    counter: dict[str, int] = cell.cell_contents
    return counter


def _moved(counters: dict[str, dict[str, int]]) -> dict[str, int]:
    """The counters a build moved on (all were at 0 before it), by factory: the same whatever
    other factories a test of the module also asks for."""
    return {name: c["n"] for name, c in counters.items() if c["n"]}


def _stripped(rows: _Rows) -> dict[str, list[dict[str, Any]]]:
    """Rows without their timestamps (for SFO_SNAPSHOTS=check)."""
    return {
        t.name: [
            {
                k: _CLOCK.sub("hh:mm", v) if isinstance(v, str) else v
                for k, v in r.items()
                if not isinstance(v, datetime) and k not in RANDOM
            }
            for r in items
        ]
        for t, items in rows
    }


def _differences(
    kept: dict[str, list[dict[str, Any]]], new: dict[str, list[dict[str, Any]]]
) -> list[str]:
    found = [
        f"{name}: {len(kept.get(name, []))} rows kept, {len(new.get(name, []))} new"
        for name in set(kept) | set(new)
        if len(kept.get(name, [])) != len(new.get(name, []))
    ]
    for name, rows in kept.items():
        for old, now in zip(rows, new.get(name, []), strict=False):
            found += [
                f"{name}.{k}: {old[k]!r} kept, {now.get(k)!r} new"
                for k in old
                if old[k] != now.get(k)
            ]
    return found


def _key(fixture: Any, item: Any, args: Any, kwargs: Any, start: _Rows) -> _Key:
    """What a build's rows depend on (the builder; the test module; the arguments, the
    settings, the database and its rows before, the minute)."""
    return (
        f"{fixture.__module__}.{fixture.__qualname__}",
        item.module.__name__ if item.module else "",
        repr(args),
        repr(sorted(kwargs.items())),
        repr(sorted(current_app.config.items(), key=lambda kv: kv[0])),
        str(db.engine.url),
        repr(start),
        datetime.now(UTC).replace(second=0, microsecond=0),
    )


def _reuse(
    conn: Connection, filled: list[Table], found: _Kept, counters: dict[str, dict[str, int]]
) -> Any:
    for table in filled:  # the migrations' own rows: as the build left them
        if table.name not in REFERENCE:
            conn.execute(table.delete())
    _copy_in(conn, found.rows)
    db.session.commit()  # as the build's last use case did
    for name, n in found.counters.items():
        counters[name]["n"] = n
    loaded = _load_rows(found.result)
    result = _decode(found.result)
    del loaded
    return result


def _module_pure(module: Any) -> set[str]:
    """The SNAPSHOT_PURE of a test module and of the conftest.py of each folder above it."""
    if module is None:
        return set()
    parts = module.__name__.split(".")
    found = set(getattr(module, "SNAPSHOT_PURE", ()))
    for n in range(1, len(parts)):
        conftest = sys.modules.get(".".join([*parts[:n], "conftest"]))
        found |= set(getattr(conftest, "SNAPSHOT_PURE", ()))
    return found


def _keep(
    request: pytest.FixtureRequest, name: str, fixture: Any, build: Callable[..., Any]
) -> Callable[..., Any]:
    item = request.node
    params = set(getattr(getattr(item, "callspec", None), "params", {}))
    pure = PURE | _module_pure(item.module)
    others = set(item.fixturenames) - params - pure

    if others or MODE == "0":
        return build
    counters = {
        name: _counter(request.getfixturevalue(name))
        for name in COUNTERS
        if name in item.fixturenames
    }

    @functools.wraps(build)
    def kept(*args: Any, **kwargs: Any) -> Any:
        conn = db.session.connection()
        filled = _filled(conn)
        if {t.name for t in filled} - BASELINE - REFERENCE or any(
            c["n"] for c in counters.values()
        ):
            return build(*args, **kwargs)
        start = _dump(conn, filled)
        key = _key(fixture, item, args, kwargs, start)
        if _KEPT and next(iter(_KEPT))[1] != key[1]:
            _KEPT.clear()  # builds are reused within one test module: keep only its own
        found = _KEPT.get(key)
        if found is not None and MODE != "check":
            return _reuse(conn, filled, found, counters)
        result = build(*args, **kwargs)
        if key in _KEPT and found is None:
            return result  # a result that cannot be kept
        rows = _dump(db.session.connection())
        db.session.commit()  # ends the read of the rows: nothing is pending
        if [r for r in rows if r[0].name in REFERENCE] != [
            r for r in start if r[0].name in REFERENCE
        ]:
            _KEPT[key] = None  # the build changed the reference data: always build for real
            return result
        rows = [r for r in rows if r[0].name not in REFERENCE]
        if found is not None:  # check mode
            differences = _differences(_stripped(found.rows), _stripped(rows))
            assert not differences, f"a kept build differs from a new one: {differences}"
            assert found.counters == _moved(counters)
            return result
        try:
            encoded = _encode(result)
        except _NotRows:
            _KEPT[key] = None
            return result
        _KEPT[key] = _Kept(rows, encoded, _moved(counters))
        return result

    return kept


def pytest_configure(config: pytest.Config) -> None:
    if MODE == "check" and os.environ.get("TEST_DATABASE_URL"):
        raise pytest.UsageError(
            "SFO_SNAPSHOTS=check compares builds on SQLite only (unset TEST_DATABASE_URL): "
            "on PostgreSQL a second build gets new ids, as sequences never roll back"
        )


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest) -> Any:
    outcome = yield
    if fixturedef.argname not in BUILDERS or outcome.excinfo is not None:
        return
    build = outcome.get_result()
    kept = _keep(request, fixturedef.argname, fixturedef.func, build)
    if kept is not build:
        outcome.force_result(kept)
        cached = fixturedef.cached_result
        if cached is not None and cached[0] is build:
            fixturedef.cached_result = (kept, *cached[1:])
