"""CSV cells that stay data: what every export and import shares ("CSV injection").

A spreadsheet runs a cell starting with =, +, -, @, a tab or a carriage return as a formula.
Exports put an apostrophe first (OWASP's advice), which the spreadsheet shows as text;
imports of our own files take it off again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape(cell: str) -> str:
    """Stop a spreadsheet running the cell as a formula (a leading ')."""
    return f"'{cell}" if cell.startswith(FORMULA_START) else cell


def unescape(cell: str) -> str:
    """Undo export's protection: a leading apostrophe before a formula character goes."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_START):
        return cell[1:]
    return cell


def document(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> bytes:
    """A whole CSV file: UTF-8 with the byte order mark Excel needs, CRLF line ends, every
    text cell escaped, None as an empty cell."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    for row in (header, *rows):
        writer.writerow(["" if c is None else escape(c) if isinstance(c, str) else c for c in row])
    return out.getvalue().encode("utf-8-sig")
