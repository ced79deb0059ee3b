"""Exporting the PDF reports: the approved snapshot, the content-keyed cache, or a render.

An approved review always answers with the bytes stored at approval: approval fixes the
report's HTML, and its PDFs are laid out from that — in the approval itself (the API) or by
the background job (the browser: "Preparing your PDF" until they are stored, or at once
when the API asks first). Before approval, the PDF
is keyed by its content (reports/render.py `content_key`): an unchanged review answers from
the cache in milliseconds, a changed one is rendered — at once when it is short or when
the caller must have the bytes now (the API), in the background job otherwise, with the
browser shown "Preparing your PDF" until it is ready.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from sfo_review import permissions as perm
from sfo_review import vocab
from sfo_review.database import end_read
from sfo_review.extensions import db
from sfo_review.models import AuditEvent, RenderedReport, ReportSnapshot, Review, User
from sfo_review.models._base import utcnow
from sfo_review.reports.content import FINAL_STATUSES, LONDON, READ_EVENTS
from sfo_review.reports.render import (
    FORMATS,
    RenderedPdf,
    ReportUnavailable,
    content_key,
    engine,
    render_html,
    sha256_hex,
    write_pdfs,
)
from sfo_review.services import validation as v
from sfo_review.services._common import audit, require_permission, use_case
from sfo_review.services.errors import Conflict, NotFound

EXPORT_RULES: dict[str, v.Rule] = {
    "variant": v.enum("report variant", vocab.keys(vocab.REPORT_VARIANTS)),
    "format": v.enum("report format", FORMATS),
}
# A background render not finished this long after its time limit is taken as lost
# (a worker stopped mid-way) and started again on the next request.
LOST_AFTER_SECONDS = 60


@dataclass
class Export:
    """What an export gives: the PDF, or the background render that is preparing it."""

    filename: str
    pdf: bytes | None = None
    preparing: RenderedReport | None = None
    start_job: bool = False  # the caller enqueues the render once this transaction commits


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


def cached(review: Review, variant: str, fresh: bool = False) -> RenderedReport | None:
    """The cache row of a review's variant (`fresh`: as committed now, not as first read)."""
    query = select(RenderedReport).where(
        RenderedReport.review_id == review.id, RenderedReport.variant == variant
    )
    if fresh:
        query = query.execution_options(populate_existing=True)
    return db.session.scalar(query)


def _row(review: Review, variant: str, row: RenderedReport | None) -> RenderedReport:
    """`row`, or a new one; when another request or the worker made it in the meantime
    (one row per review and variant), theirs — never a duplicate-key error."""
    if row is not None:
        return row
    try:
        with db.session.begin_nested():
            row = RenderedReport(
                review_id=review.id, variant=variant, content_key="", requested_at=utcnow()
            )
            db.session.add(row)
    except IntegrityError:
        row = cached(review, variant, fresh=True)
        assert row is not None  # noqa: S101 - the insert failed because it exists
    return row


def filename(review: Review, variant: str, fmt: str = "standard") -> str:
    suffix = "-archival" if fmt == "archival" else ""
    return f"{review.reference}-{variant.replace('_', '-')}{suffix}.pdf"


def _clean(variant: str | None, fmt: str | None) -> tuple[str, str]:
    values = v.clean({"variant": variant or "full", "format": fmt or "standard"}, EXPORT_RULES)
    return values["variant"], values["format"]


def export_report(
    actor: User,
    review: Review,
    variant: str | None,
    fmt: str | None = None,
    background: bool = False,
) -> Export:
    """The PDF and its file name; approved reviews always return the stored bytes.

    With `background`, a long report not in the cache is left to the background job and
    the export says so (`preparing`, `start_job`) instead of rendering it now. Not one
    transaction: the content is read, a PDF laid out with no transaction open, and what
    is stored (the cache, the export's audit event) written in short ones.
    """
    require_permission(perm.can_export(actor, review), "You cannot export this review.")
    variant, fmt = _clean(variant, fmt)
    export = _find(review, variant, fmt, filename(review, variant, fmt), background)
    if export.pdf is not None:
        _exported(actor, review, variant, fmt)
    return export


def _find(review: Review, variant: str, fmt: str, name: str, background: bool) -> Export:
    """The stored snapshot, the approved PDFs being stored, or the review as it is now."""
    stored = snapshot(review, variant, fmt)
    if stored is not None:
        return Export(name, pdf=stored.pdf)
    waiting = awaiting(review, variant)
    if waiting is not None:
        return _approved(review, variant, fmt, name, waiting, background)
    if fmt == "archival" and review.status in FINAL_STATUSES:
        # approved before archival copies were made (migration 0007): its snapshot is the
        # record, and a copy made now would not be the document that was signed off
        raise Conflict(
            "This review was approved before archival copies (PDF/A-3b) were made, so it has "
            "none. Its approved PDF is the record.",
            {"format": ["This review has no archival copy: download the standard PDF"]},
        )
    if fmt == "archival":
        raise Conflict(
            "The archival copy (PDF/A-3b) is made when the review is approved.",
            {"format": ["The archival copy exists only for approved reviews"]},
        )
    return _current(review, variant, name, background)


@use_case
def _exported(actor: User, review: Review, variant: str, fmt: str) -> None:
    label = vocab.label(vocab.REPORT_VARIANTS, variant).lower()
    if fmt == "archival":
        label += " (archival PDF/A)"
    audit(
        review,
        actor,
        "report.exported",
        f"Exported the {label} PDF",
        {"variant": variant, "format": fmt},
    )


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


def await_snapshots(review: Review, variant: str, html: str) -> RenderedReport:
    """Approval in the browser: keep the variant as approved for the background job."""
    row = RenderedReport(
        review_id=review.id,
        variant=variant,
        content_key=content_key(html, variant),
        state="pending",
        approved_html=html,
        requested_at=utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    return row


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
        _finished(row, rendered["standard"])
    return {fmt: pdf.pdf for fmt, pdf in rendered.items()}


def store_approved(review: Review) -> None:
    """After an approval through the API commits: its PDFs laid out and stored now (the
    contract: approval stores the PDF). A variant that cannot be laid out is kept as
    failed, with its approved HTML, for the next download to try again."""
    for variant, html in [(row.variant, row.approved_html) for row in awaiting_all(review)]:
        assert html is not None  # noqa: S101 - awaiting_all() returns rows holding it
        try:
            store_snapshots(review, variant, html, keep_row=False)
        except ReportUnavailable as exc:
            _snapshot_failed(review, variant, exc.detail or exc.message)


def _approved(
    review: Review, variant: str, fmt: str, name: str, row: RenderedReport, background: bool
) -> Export:
    """An approved review whose PDFs are not stored yet: wait for the job (the browser), or
    store them now (the API)."""
    if background:
        if still_running(row):
            return Export(name, preparing=row)
        # failed or lost: the job is asked again, for the same approved HTML
        again = _ask_job(review, variant, row.content_key)
        return Export(name, preparing=again, start_job=True)
    html = row.approved_html
    assert html is not None  # noqa: S101 - awaiting() returns rows holding it
    return Export(name, pdf=store_snapshots(review, variant, html)[fmt])


def awaiting_all(review: Review) -> list[RenderedReport]:
    """Every variant's row still holding its approved HTML (PDFs not stored yet), one query."""
    query = select(RenderedReport).where(
        RenderedReport.review_id == review.id, RenderedReport.approved_html.is_not(None)
    )
    return list(db.session.scalars(query.order_by(RenderedReport.variant)))


def start_snapshot_jobs(review: Review) -> None:
    """After a browser approval commits: the background job stores each variant's PDFs."""
    for row in awaiting_all(review):
        if row.state == "pending":
            name = filename(review, row.variant)
            start_job(review, Export(name, preparing=row, start_job=True))


def content_stamp(review: Review, variant: str) -> str:
    """A cheap fingerprint of everything the PDF shows, without building it.

    Every change to a review is a use case that writes its audit event in the same
    transaction (services/_common.py), so the review's latest audit event and their number
    stand for its content; names print too (any user's change moves the users' latest
    update); a draft carries today's date; the reference points come from the config;
    the templates, stylesheet and WeasyPrint version from the engine's fingerprint.
    """
    last_event, events = db.session.execute(
        select(func.max(AuditEvent.id), func.count()).where(
            AuditEvent.review_id == review.id, AuditEvent.action.not_in(READ_EVENTS)
        )
    ).one()
    users_changed = db.session.scalar(select(func.max(User.updated_at)))
    config = current_app.config
    parts = [
        variant,
        review.id,
        review.version,
        review.status,
        last_event,
        events,
        users_changed.isoformat() if users_changed else "",
        datetime.now(LONDON).date().isoformat(),
        config["CASELOAD_REFERENCE_MAX"],
        config["WORKLOAD_REFERENCE_PERCENT"],
        config["REVIEW_DEADLINE_WORKING_DAYS"],
        engine().fingerprint,
    ]
    return sha256_hex("|".join(str(p) for p in parts).encode())


def _current(review: Review, variant: str, name: str, background: bool) -> Export:
    """The PDF of the review as it is now: from the cache, rendered now, or in the background."""
    stamp = content_stamp(review, variant)
    row = cached(review, variant)
    if row is not None and row.stamp == stamp and row.state == "ready":
        return Export(name, pdf=row.pdf)
    started = utcnow()
    html = render_html(review, variant, linked_stylesheet=False)
    key = content_key(html, variant)
    if row is not None and row.content_key == key and row.state == "ready":
        pdf = row.pdf
        _restamp(review, variant, key, stamp)  # something recorded changed, not the PDF
        return Export(name, pdf=pdf)
    if background and len(html) >= current_app.config["PDF_BACKGROUND_MIN_CHARS"]:
        if row is not None and row.content_key == key and still_running(row):
            return Export(name, preparing=row)
        return Export(name, preparing=_ask_job(review, variant, key), start_job=True)
    end_read(db.session)
    rendered = write_pdfs(html)["standard"]
    _keep(review, variant, key, stamp, rendered, started)
    return Export(name, pdf=rendered.pdf)


@use_case
def _restamp(review: Review, variant: str, key: str, stamp: str) -> None:
    row = cached(review, variant)
    if row is not None and row.content_key == key and row.state == "ready":
        row.stamp = stamp


@use_case
def _ask_job(review: Review, variant: str, key: str) -> RenderedReport:
    """The row a background render of `key` will fill, marked pending."""
    return _pending(review, variant, key, cached(review, variant))


@use_case
def _keep(
    review: Review,
    variant: str,
    key: str,
    stamp: str,
    rendered: RenderedPdf,
    started: datetime,
) -> None:
    """Store a render laid out from content read at `started` (unless newer was asked for)."""
    row = _still_ours(review, variant, key, started)
    if row is not None:
        _store(review, variant, key, stamp, row, rendered)


def still_running(row: RenderedReport | None) -> bool:
    """A background render asked for and neither finished nor lost."""
    if row is None or row.state != "pending":
        return False
    limit = current_app.config["PDF_RENDER_TIMEOUT_SECONDS"] + LOST_AFTER_SECONDS
    return utcnow() - row.requested_at < timedelta(seconds=limit)


def _pending(review: Review, variant: str, key: str, row: RenderedReport | None) -> RenderedReport:
    row = _row(review, variant, row)
    row.content_key = key
    row.stamp = None
    row.state = "pending"
    row.pdf = row.sha256 = row.page_count = row.render_seconds = row.error = None
    row.requested_at = utcnow()
    row.finished_at = None
    db.session.flush()
    return row


def _store(
    review: Review,
    variant: str,
    key: str,
    stamp: str,
    row: RenderedReport | None,
    rendered: RenderedPdf,
) -> None:
    row = _row(review, variant, row)
    row.content_key = key
    row.stamp = stamp
    row.pdf = rendered.pdf
    _finished(row, rendered)


def _finished(row: RenderedReport, rendered: RenderedPdf) -> None:
    """A render's row once its PDF exists: ready, with what the preparing page shows."""
    row.state = "ready"
    row.sha256 = sha256_hex(rendered.pdf)
    row.page_count = rendered.pages
    row.render_seconds = round(rendered.seconds, 3)
    row.error = None
    row.finished_at = utcnow()


QUEUE_DOWN = "The background worker's queue could not be reached"


def start_job(review: Review, export: Export) -> None:
    """Enqueue the background render an export asked for (after its transaction).

    When the queue cannot be reached (Redis down, its SQLite file locked for too long),
    the row says the render failed, so the preparing page offers "Try again" rather than
    waiting for a render nobody will do.
    """
    if not (export.start_job and export.preparing is not None):
        return
    from sfo_review import jobs

    variant = export.preparing.variant
    try:
        jobs.render_report(review.id, variant)
    except Exception as exc:  # noqa: BLE001 - any failure of the queue has the same answer
        current_app.logger.error("Could not enqueue the PDF render", exc_info=exc)
        _queue_down(review, variant, f"{QUEUE_DOWN}: {exc!r}")


@use_case
def _queue_down(review: Review, variant: str, reason: str) -> None:
    row = cached(review, variant)
    if row is not None and row.state == "pending":
        _failed(row, reason)


def render_in_background(review_id: int, variant: str) -> None:
    """The background job: render the review's current content into the cache.

    Not a person's action, so no audit event (the download that follows records the
    export). Failures are kept on the row with their reason for the preparing page. The
    content is read first, laid out with no transaction open, and stored in a short one.
    """
    review = db.session.get(Review, review_id)
    if review is None:
        raise NotFound("That review no longer exists.")
    if review.status in FINAL_STATUSES:
        _snapshots_in_background(review, variant)
        return
    started = utcnow()
    stamp = content_stamp(review, variant)
    html = render_html(review, variant, linked_stylesheet=False)
    key = content_key(html, variant)
    row = cached(review, variant)
    if row is not None and row.content_key == key and row.state == "ready":
        return
    end_read(db.session)
    try:
        rendered = write_pdfs(html)["standard"]
    except ReportUnavailable as exc:
        _render_failed(review, variant, key, started, exc.detail or exc.message)
        return
    _keep(review, variant, key, stamp, rendered, started)


@use_case
def _render_failed(review: Review, variant: str, key: str, started: datetime, reason: str) -> None:
    row = _still_ours(review, variant, key, started)
    if row is not None:
        _failed(row, reason)


def _snapshots_in_background(review: Review, variant: str) -> None:
    """The job for an approved review: store its PDFs from the HTML kept at approval.

    Nothing to do once they are stored (a draft's render asked for just before approval
    also ends here: approval replaced its row).
    """
    row = awaiting(review, variant)
    if row is None or row.approved_html is None:
        return
    try:
        store_snapshots(review, variant, row.approved_html)
    except ReportUnavailable as exc:
        _snapshot_failed(review, variant, exc.detail or exc.message)


@use_case
def _snapshot_failed(review: Review, variant: str, reason: str) -> None:
    _failed(awaiting(review, variant), reason)


def _failed(row: RenderedReport | None, reason: str) -> None:
    """Keep why a render failed on its row, for the preparing page."""
    if row is None:
        return
    row.state = "failed"
    row.error = reason[:500]
    row.finished_at = utcnow()


def _still_ours(review: Review, variant: str, key: str, started: datetime) -> RenderedReport | None:
    """The cache row a finished render may write, as committed now (a render takes a
    while): not when other content was asked for after this render read the review (a
    newer request, whose own render writes it)."""
    row = cached(review, variant, fresh=True)
    if row is not None and row.content_key != key and row.requested_at > started:
        return None
    return _row(review, variant, row)
