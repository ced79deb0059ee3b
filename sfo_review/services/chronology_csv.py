"""The chronology as a CSV file: read a file for import (every row checked), import, export.

The columns are `date,source,summary,significant`, and optionally `known_at_the_time`
(yes, no or unclear, any case; blank or no column: unclear). Reading only *types* the
cells (dates as YYYY-MM-DD or D/M/YYYY, yes/no for significant); the field rules are
services.evidence.CHRONOLOGY_RULES, applied through validation.clean, as for the form
and the API. A file is imported whole or not at all.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from sfo_review import permissions as perm
from sfo_review import vocab
from sfo_review.extensions import db
from sfo_review.models import AuditEvent, ChronologyEntry, Review, User
from sfo_review.services import csv_cells
from sfo_review.services import validation as v
from sfo_review.services._common import (
    audit,
    ensure_editable,
    require_permission,
    review_edit,
    use_case,
)
from sfo_review.services.csv_cells import unescape
from sfo_review.services.errors import Conflict, ValidationFailed
from sfo_review.services.evidence import CHRONOLOGY_RULES, KNOWN_BY_DEFAULT

REQUIRED_COLUMNS = ("date", "source", "summary", "significant")
OPTIONAL_COLUMNS = ("known_at_the_time",)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS  # as exported, and as listed in the preview
# Column of the file → key of CHRONOLOGY_RULES.
FIELD_OF = {
    "date": "occurred_on",
    "source": "source",
    "summary": "summary",
    "significant": "significant",
    "known_at_the_time": "known_at_the_time",
}
MAX_ROWS = 2_000
MAX_BYTES = 1024 * 1024  # the app's MAX_CONTENT_LENGTH: one request, one file
FILE = "file"  # the form field file-level messages belong to
TRUE_WORDS = ("yes", "y", "true", "1")
FALSE_WORDS = ("no", "n", "false", "0", "")
KNOWN_WORDS = (*vocab.keys(vocab.KNOWN_AT_THE_TIME), "")
UTF8_MESSAGE = (
    "The file must be saved as UTF-8 CSV. In Excel, choose Save as, then ‘CSV UTF-8 "
    "(Comma delimited)’"
)


@dataclass
class Row:
    """One row of the file as it will be imported (or why it cannot be)."""

    number: int  # as a spreadsheet shows it: the header is row 1
    cells: dict[str, str]
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # column → message


@dataclass
class ParsedFile:
    rows: list[Row]

    @property
    def valid(self) -> bool:
        return all(not row.errors for row in self.rows)

    @property
    def error_count(self) -> int:
        return sum(len(row.errors) for row in self.rows)


def file_error(message: str) -> ValidationFailed:
    """A problem with the file as a whole, shown next to the file field."""
    return ValidationFailed({FILE: [message]}, message)


_fail = file_error


def _decode(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fail(f"{UTF8_MESSAGE} (this file is UTF-16, Excel’s ‘Unicode text’).")
    if b"\x00" in raw or raw.startswith(b"%PDF"):
        raise _fail("The selected file must be a CSV file (this one is a PDF or other binary file)")
    try:
        return raw.decode("utf-8-sig")  # with or without the byte order mark Excel adds
    except UnicodeDecodeError:
        pass
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        raise _fail(f"{UTF8_MESSAGE}.") from None
    # Never guess an encoding silently: a wrong guess corrupts names and quotations.
    raise _fail(f"{UTF8_MESSAGE} (this file looks like Windows-1252, Excel’s plain ‘CSV’).")


def _header(names: list[str]) -> dict[str, int]:
    normalised = [n.strip().lower() for n in names]
    unknown = [n for n, key in zip(names, normalised, strict=True) if key not in COLUMNS]
    missing = [c for c in REQUIRED_COLUMNS if c not in normalised]
    repeated = sorted({n for n in normalised if n in COLUMNS and normalised.count(n) > 1})
    problems = []
    if missing:
        problems.append(f"is missing the column{'s' * (len(missing) > 1)} {', '.join(missing)}")
    if unknown:
        shown = ", ".join(f"‘{n.strip()}’" if n.strip() else "(a blank name)" for n in unknown)
        problems.append(f"has column{'s' * (len(unknown) > 1)} this service does not use: {shown}")
    if repeated:
        problems.append(f"repeats the column{'s' * (len(repeated) > 1)} {', '.join(repeated)}")
    if problems:
        raise _fail(
            f"The file {' and '.join(problems)}. The first row must name the columns "
            f"{','.join(REQUIRED_COLUMNS)} (and may add {','.join(OPTIONAL_COLUMNS)})"
        )
    return {name: normalised.index(name) for name in COLUMNS if name in normalised}


def _records(text: str) -> list[tuple[int, list[str]]]:
    """The non-blank records, each with its row number as a spreadsheet shows it."""
    try:
        numbered = list(enumerate(csv.reader(io.StringIO(text, newline="")), start=1))
    except csv.Error as exc:
        raise _fail(f"The selected file is not a valid CSV file ({exc})") from None
    records = [(n, r) for n, r in numbered if any(c.strip() for c in r)]
    if not records:
        raise _fail("The selected file is empty")
    return records


def _typed_date(cell: str) -> date | str | None:
    cell = cell.strip()
    if not cell:
        return None
    return v.typed_day(cell)  # ValueError when not a date, or not a real one


def _typed(cells: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Cells → typed values for CHRONOLOGY_RULES; typing problems by column."""
    errors: dict[str, str] = {}
    data: dict[str, Any] = {"source": cells["source"], "summary": cells["summary"]}
    try:
        data["occurred_on"] = _typed_date(cells["date"])
    except ValueError:
        errors["date"] = "Date of the event must be a real date, like 2023-05-02 or 2/5/2023"
    flag = cells["significant"].strip().lower()
    if flag in TRUE_WORDS or flag in FALSE_WORDS:
        data["significant"] = flag in TRUE_WORDS
    else:
        errors["significant"] = "Significant must be yes or no (or left blank for no)"
    known = cells.get("known_at_the_time", "").strip().lower()
    if known in KNOWN_WORDS:
        data["known_at_the_time"] = known or KNOWN_BY_DEFAULT
    else:
        errors["known_at_the_time"] = (
            "Known at the time must be yes, no or unclear (or left blank for unclear)"
        )
    return data, errors


def _check_row(number: int, cells: dict[str, str]) -> Row:
    row = Row(number, cells)
    data, typing_errors = _typed(cells)
    column_of = {key: column for column, key in FIELD_OF.items()}
    try:
        row.values = v.clean(data, {k: r for k, r in CHRONOLOGY_RULES.items() if k in data})
    except ValidationFailed as exc:
        row.errors = {column_of[key]: messages[0] for key, messages in exc.fields.items()}
    row.errors.update(typing_errors)
    row.errors = {c: row.errors[c] for c in COLUMNS if c in row.errors}
    return row


def parse(raw: bytes) -> ParsedFile:
    """Read a CSV file: file-level problems raise ValidationFailed on `file`; each row is
    returned with its typed values or the message for each column in error."""
    if not raw:
        raise _fail("The selected file is empty")
    if len(raw) > MAX_BYTES:
        raise _fail("The selected file must be smaller than 1 MB")
    (_, header), *records = _records(_decode(raw))
    index = _header(header)
    if not records:
        raise _fail("The file has a header row but no entries: add a row for each event")
    if len(records) > MAX_ROWS:
        raise _fail(
            f"The file has {len(records):,} entries: import {MAX_ROWS:,} or fewer at a time"
        )
    rows = []
    for number, record in records:
        if len(record) > len(header):
            cells = {c: record[i] if i < len(record) else "" for c, i in index.items()}
            message = (
                "This row has more cells than the header row: put text that contains commas "
                'in double quotes ("")'
            )
            row = Row(number, cells, errors={"row": message})
        else:
            cells = {c: unescape(record[i]) if i < len(record) else "" for c, i in index.items()}
            row = _check_row(number, cells)
        rows.append(row)
    return ParsedFile(rows)


def check_file(actor: User, review: Review, raw: bytes) -> ParsedFile:
    """The preview: the file read and every row checked; nothing is saved."""
    require_permission(perm.can_edit_review(actor, review))
    ensure_editable(review)
    return parse(raw)


def already_imported(review: Review, token: str) -> bool:
    """Whether the preview named `token` was imported already (its audit event says so)."""
    events = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.review_id == review.id, AuditEvent.action == "chronology.imported"
        )
    )
    return any((e.detail or {}).get("token") == token for e in events)


@review_edit
def import_file(actor: User, review: Review, raw: bytes, token: str) -> int:
    """Add every row of the file as a chronology entry, or none; returns how many.

    `token` names this preview: importing the same one twice (a double click on Confirm)
    is refused rather than doubling the chronology.
    """
    require_permission(perm.can_edit_review(actor, review))
    # Serialise imports on one review (PostgreSQL row lock; SQLite has one writer anyway).
    db.session.execute(select(Review.id).where(Review.id == review.id).with_for_update())
    ensure_editable(review)
    if already_imported(review, token):
        raise Conflict("This file has already been imported.")
    parsed = parse(raw)  # the stored file is checked again: nothing is trusted in between
    if not parsed.valid:
        raise _fail(f"The file has {parsed.error_count} errors: nothing has been imported")
    for row in parsed.rows:
        db.session.add(ChronologyEntry(review=review, **row.values))
    count = len(parsed.rows)
    noun = "entry" if count == 1 else "entries"
    audit(
        review,
        actor,
        "chronology.imported",
        f"Imported {count} chronology {noun} from a CSV file",
        {"count": count, "token": token},
    )
    return count


def filename(review: Review) -> str:
    return f"{review.reference}-chronology.csv"


@use_case
def export_file(actor: User, review: Review) -> tuple[bytes, str]:
    """The chronology as UTF-8 CSV (with the byte order mark Excel needs) and its name."""
    require_permission(perm.can_see_evidence(actor, review))
    rows = [
        (
            e.occurred_on.isoformat(),
            e.source,
            e.summary,
            "yes" if e.significant else "no",
            e.known_at_the_time,
        )
        for e in review.chronology
    ]
    audit(
        review,
        actor,
        "report.exported",
        "Exported the chronology as a CSV file",
        {"format": "csv", "what": "chronology"},
    )
    return csv_cells.document(COLUMNS, rows), filename(review)
