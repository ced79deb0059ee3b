"""SQL expressions that SQLite and PostgreSQL spell differently, written once for both.

Aggregates across many reviews (the themes, the leadership dashboard) run in the database;
these constructs keep those queries portable without string SQL in the services.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

# Every character Python's str.strip() removes, so a length counted in SQL matches one counted
# in Python exactly (the balance rule counts a note's characters after strip()). The last
# whitespace code point is U+3000 IDEOGRAPHIC SPACE (a test checks the whole of Unicode).
WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())


class days_between(FunctionElement[int]):  # noqa: N801 - reads as a SQL function
    """Whole calendar days from a DATE to the (UTC) date of a timestamp."""

    type = Integer()
    inherit_cache = True


@compiles(days_between, "sqlite")
def _days_sqlite(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = list(element.clauses)
    return (
        f"CAST(julianday(date({compiler.process(end, **kw)})) - "
        f"julianday({compiler.process(start, **kw)}) AS INTEGER)"
    )


@compiles(days_between, "postgresql")
def _days_postgresql(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = list(element.clauses)
    return (
        f"(CAST(({compiler.process(end, **kw)} AT TIME ZONE 'UTC') AS DATE) - "
        f"{compiler.process(start, **kw)})"
    )


class stripped_length(FunctionElement[int]):  # noqa: N801 - reads as a SQL function
    """len(text.strip()) in SQL; NULL counts as empty text."""

    type = Integer()
    inherit_cache = True


def _stripped(element: stripped_length, compiler: SQLCompiler, trim: str, **kw: Any) -> str:
    (text,) = list(element.clauses)
    chars = compiler.process(literal(WHITESPACE), **kw)
    return f"length({trim}(coalesce({compiler.process(text, **kw)}, ''), {chars}))"


@compiles(stripped_length, "sqlite")
def _stripped_sqlite(element: stripped_length, compiler: SQLCompiler, **kw: Any) -> str:
    return _stripped(element, compiler, "trim", **kw)


@compiles(stripped_length, "postgresql")
def _stripped_postgresql(element: stripped_length, compiler: SQLCompiler, **kw: Any) -> str:
    return _stripped(element, compiler, "btrim", **kw)
