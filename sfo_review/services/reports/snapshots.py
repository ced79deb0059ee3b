"""The PDFs stored at approval (`ReportSnapshot`): the record of an approved review.

Approval fixes each variant's HTML: the browser's approval keeps it on the variant's cache
row (`await_snapshots`) for the background job, the API's lays it out before answering
(`store_approved`). Either way it is laid out once and stored in every format with its
SHA-256 (`store_snapshots`); whoever stores first is the record.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from sfo_review.database import end_read
from sfo_review.extensions import db
from sfo_review.models import RenderedReport, ReportSnapshot, Review
from sfo_review.models._base import utcnow
from sfo_review.pdf.content import DISCLOSABLE, without_disclosure_mark
from sfo_review.pdf.render import (
    FORMATS,
    RenderedPdf,
    ReportUnavailable,
    content_key,
    sha256_hex,
    write_pdfs,
)
from sfo_review.services._common import use_case
from sfo_review.services.reports.cache import failure, finished


def snapshot(review: Review, variant: str, fmt: str = "standard") -> ReportSnapshot | None:
    return db.session.scalar(
        select(ReportSnapshot).where(
            ReportSnapshot.review_id == review.id,
            ReportSnapshot.variant == variant,
            ReportSnapshot.format == fmt,
        )
    )


def stored_rows(
    review: Review,
) -> tuple[dict[tuple[str, str], ReportSnapshot], dict[str, RenderedReport]]:
    """A review's stored snapshots by (variant, format) and its cache rows by variant, in
    two queries, without reading a PDF's bytes (deferred columns)."""
    snapshots = {
        (row.variant, row.format): row
        for row in db.session.scalars(
            select(ReportSnapshot).where(ReportSnapshot.review_id == review.id)
        )
    }
    rendered = {
        row.variant: row
        for row in db.session.scalars(
            select(RenderedReport).where(RenderedReport.review_id == review.id)
        )
    }
    return snapshots, rendered


def stored_checksums(review: Review) -> dict[str, str]:
    """The SHA-256 of each standard PDF stored at approval, by variant (without reading the
    PDFs themselves)."""
    rows = db.session.execute(
        select(ReportSnapshot.variant, ReportSnapshot.sha256).where(
            ReportSnapshot.review_id == review.id, ReportSnapshot.format == "standard"
        )
    )
    return {row.variant: row.sha256 for row in rows}


def awaiting(review: Review, variant: str, fresh: bool = False) -> RenderedReport | None:
    """The row holding a variant's approved HTML while its PDFs are not stored yet."""
    query = select(RenderedReport).where(
        RenderedReport.review_id == review.id,
        RenderedReport.variant == variant,
        RenderedReport.approved_html.is_not(None),
    )
    if fresh:
        query = query.execution_options(populate_existing=True)
    return db.session.scalar(query)


# A participant's copy kept at approval, laid out when first asked for (pdf/participant.py):
# no job is started for it, the lost-render sweep leaves it alone, and the download that
# asks for it marks it pending and enqueues it like any other render.
HELD = "held"


def await_snapshots(review: Review, variant: str, html: str, held: bool = False) -> RenderedReport:
    """Approval: keep the variant as approved for the background job (`held`: for the
    first download to ask for)."""
    row = RenderedReport(
        review_id=review.id,
        variant=variant,
        content_key=content_key(html, variant),
        state=HELD if held else "pending",
        approved_html=html,
        requested_at=utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    if variant == "family_summary":
        _keep_disclosable(review, html)
    return row


def _keep_disclosable(review: Review, html: str) -> None:
    """Approval of a family summary marked NOT FOR DISCLOSURE also keeps the same HTML
    without the mark, held for the first download after a conviction is recorded
    (exports.export_report): frozen now, so it stays the document that was approved."""
    unmarked = without_disclosure_mark(html)
    if unmarked is not None:
        await_snapshots(review, DISCLOSABLE, unmarked, held=True)


def store_snapshots(
    review: Review, variant: str, html: str, keep_row: bool = True
) -> dict[str, bytes]:
    """Lay out the approved `html` once and store it in every format, with its SHA-256.

    Returns the stored bytes by format. When someone else stored them first (the job and a
    download through the API at the same moment), theirs are the record and are returned.
    The row that held the HTML is kept, ready, for the preparing page (not `keep_row`:
    removed, when nobody waits on that page).
    """
    end_read(db.session)
    return _keep_snapshots(review, variant, write_pdfs(html, FORMATS), keep_row)


@use_case
def _keep_snapshots(
    review: Review, variant: str, rendered: dict[str, RenderedPdf], keep_row: bool
) -> dict[str, bytes]:
    try:
        with db.session.begin_nested():
            for fmt, pdf in rendered.items():
                db.session.add(
                    ReportSnapshot(
                        review_id=review.id,
                        variant=variant,
                        format=fmt,
                        pdf=pdf.pdf,
                        sha256=sha256_hex(pdf.pdf),
                    )
                )
    except IntegrityError:
        return {fmt: stored.pdf for fmt in FORMATS if (stored := snapshot(review, variant, fmt))}
    row = awaiting(review, variant)
    if row is not None and not keep_row:
        db.session.delete(row)
    elif row is not None:  # kept, without the HTML, so the preparing page can say it is ready
        row.approved_html = None
        finished(row, rendered["standard"])
    return {fmt: pdf.pdf for fmt, pdf in rendered.items()}


def store_approved(review: Review) -> None:
    """After an approval through the API commits: its PDFs laid out and stored now (the
    contract: approval stores the PDF). A variant that cannot be laid out is kept as
    failed, with its approved HTML, for the next download to try again."""
    rows = [row for row in awaiting_all(review) if row.state != HELD]
    for variant, html in [(row.variant, row.approved_html) for row in rows]:
        assert html is not None  # noqa: S101 - awaiting_all() returns rows holding it
        try:
            store_snapshots(review, variant, html, keep_row=False)
        except ReportUnavailable as exc:
            _snapshot_failed(review, variant, exc.detail or exc.message, last_try=True)


def awaiting_all(review: Review) -> list[RenderedReport]:
    """Every variant's row still holding its approved HTML (PDFs not stored yet), one query."""
    query = select(RenderedReport).where(
        RenderedReport.review_id == review.id, RenderedReport.approved_html.is_not(None)
    )
    return list(db.session.scalars(query.order_by(RenderedReport.variant)))


def store_in_background(review: Review, variant: str, last_try: bool) -> None:
    """The job for an approved review: store its PDFs from the HTML kept at approval
    (a draft's render asked for just before approval also ends here: approval replaced its
    row). Once they are stored, the row holds no HTML and a late job finds nothing to claim.
    A failure with tries left keeps the row pending and raises, for Huey to try again.
    """
    row = awaiting(review, variant)
    if row is None or row.approved_html is None:
        return
    try:
        store_snapshots(review, variant, row.approved_html)
    except ReportUnavailable as exc:
        if _snapshot_failed(review, variant, exc.detail or exc.message, last_try):
            raise


@use_case
def _snapshot_failed(review: Review, variant: str, reason: str, last_try: bool) -> bool:
    return failure(awaiting(review, variant, fresh=True), reason, last_try)
