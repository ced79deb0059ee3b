"""CSV cells that stay data: what every export and import shares ("CSV injection").

A spreadsheet runs a cell starting with =, +, -, @, a tab or a carriage return as a formula.
Exports put an apostrophe first (OWASP's advice), which the spreadsheet shows as text;
imports of our own files take it off again.
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape(cell: str) -> str:
    """Stop a spreadsheet running the cell as a formula (a leading ')."""
    return f"'{cell}" if cell.startswith(FORMULA_START) else cell


def unescape(cell: str) -> str:
    """Undo export's protection: a leading apostrophe before a formula character goes."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_START):
        return cell[1:]
    return cell
