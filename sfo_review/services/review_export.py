"""The filtered review list as a CSV file: the same rows, in the same order, as the list.

Cells a spreadsheet would run as a formula are neutralised (services/csv_cells.py); every
export is an audit event saying who exported how many reviews with which filters.
"""

from __future__ import annotations

from collections.abc import Iterator

from sfo_review import clock, vocab
from sfo_review import permissions as perm
from sfo_review.models import User
from sfo_review.services import csv_cells
from sfo_review.services._common import audit, require_permission, use_case
from sfo_review.services.review_list import Filters, Row, find_all

CSV_COLUMNS = (
    "Reference",
    "CRN",
    "Initials",
    "Offence charged",
    "Offence category",
    "Region",
    "PDU",
    "Status",
    "Notification date",
    "Due date",
    "Deadline in force",
    "Deadline flag",
    "Extension waiting for a decision",
    "Reviewer",
    "Countersigner",
)


def csv_columns(actor: User) -> list[str]:
    if perm.can_see_extension_requests(actor):
        return list(CSV_COLUMNS)
    return [c for c in CSV_COLUMNS if c != "Extension waiting for a decision"]


def _csv_cells(row: Row, with_waiting: bool) -> list[str]:
    r = row.review
    return [
        r.reference,
        r.case_reference,
        r.person_initials,
        r.offence_charged,
        vocab.label(vocab.OFFENCE_CATEGORIES, r.offence_category),
        r.region,
        r.pdu,
        vocab.label(vocab.STATUSES, r.status),
        r.notification_date.isoformat(),
        r.due_date.isoformat(),
        r.effective_due_date.isoformat(),
        row.flag_label or "",
        *(["Yes" if row.extension_requested else "No"] if with_waiting else []),
        r.reviewer.name,
        r.countersigner.name if r.countersigner else "",
    ]


def csv_filename() -> str:
    return f"sfo-reviews-{clock.today().isoformat()}.csv"


@use_case
def export_csv(actor: User, filters: Filters) -> Iterator[str]:
    """The filtered list as CSV text in chunks (UTF-8 with the mark Excel needs); audited.

    Cells a spreadsheet would run as a formula, whole or after a separator, get an
    apostrophe (services/csv_cells.py), so the file is data and never code.
    """
    require_permission(perm.can_export_review_list(actor))
    # The cells are read before the commit: afterwards every row would be expired and
    # reloaded one query at a time.
    with_waiting = perm.can_see_extension_requests(actor)
    lines = [_csv_cells(row, with_waiting) for row in find_all(actor, filters)]
    header = csv_columns(actor)
    count = len(lines)
    audit(
        None,
        actor,
        "reviews.exported",
        f"Exported a list of {count} review{'s' if count != 1 else ''} as a CSV file",
        {"format": "csv", "count": count, "filters": filters.as_args()},
    )

    return csv_cells.chunks(header, lines)
