"""CSV cells that stay data: what every export and import shares ("CSV injection").

A spreadsheet runs a cell starting with =, +, -, @, a tab, a carriage return or a line feed
as a formula. Exports put an apostrophe first (OWASP's advice), which the spreadsheet shows
as text; imports of our own files take it off again.

A cell can also *contain* the start of another: a spreadsheet that splits on semicolons
(Excel where the comma is the decimal mark) or splits a column again on commas starts a new
cell at each separator, whatever our quoting says, so `a;=HYPERLINK(…)` would arrive as a
formula. And once a line is split on the other separator, the quotes that held a cell
together no longer line up, so a line break inside a cell starts a new row there. OWASP's
page on CSV injection: take care of the field separators and quotes too. So =, +, - or @
after a comma, a semicolon, a tab or a line break (spaces and quotes between do not
matter), or after spaces and quotes at the start, gets an apostrophe before it:
`a;'=HYPERLINK(…)`, and a line of a note that starts "- " is exported as "'- ".
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
# Inside a cell, and before its first character, spaces and quotes do not stop a formula.
_AFTER_SEPARATOR = re.compile(r"([,;\t\r\n][\s\"']*)(?=[=+\-@])")
_AFTER_SEPARATOR_ESCAPED = re.compile(r"([,;\t\r\n][\s\"']*)'(?=[=+\-@])")
_LEADING = re.compile(r"^([\s\"']+)(?=[=+\-@])")
_LEADING_ESCAPED = re.compile(r"^([\s\"']+)'(?=[=+\-@])")
ROWS_PER_CHUNK = 500


def escape(cell: str) -> str:
    """Stop a spreadsheet running the cell, or a part of it after a separator, as a
    formula: an apostrophe before the cell, or before the formula character."""
    cell = _AFTER_SEPARATOR.sub(r"\1'", cell)
    if cell.startswith(FORMULA_START):
        return f"'{cell}"
    return _LEADING.sub(r"\1'", cell)


def unescape(cell: str) -> str:
    """Undo export's protection (importing our own file gives back what was exported)."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_START):
        cell = cell[1:]
    else:
        cell = _LEADING_ESCAPED.sub(r"\1", cell)
    return _AFTER_SEPARATOR_ESCAPED.sub(r"\1", cell)


def chunks(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """A CSV file as text, `ROWS_PER_CHUNK` rows at a time: the byte order mark Excel
    needs first, CRLF line ends, every text cell escaped, None as an empty cell."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    out.write("\ufeff")
    for number, row in enumerate(chain([header], rows)):
        writer.writerow(["" if c is None else escape(c) if isinstance(c, str) else c for c in row])
        if number and number % ROWS_PER_CHUNK == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def document(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> bytes:
    """A whole CSV file (`chunks`) as UTF-8 bytes."""
    return "".join(chunks(header, rows)).encode("utf-8")
