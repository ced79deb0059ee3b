"""Exporting the PDF reports: the approved snapshot, the content-keyed cache, or a render.

An approved review always answers with the bytes stored at approval: approval fixes the
report's HTML, and its PDFs are laid out from that — in the approval itself (the API) or by
the background job (the browser). Before approval, the PDF is keyed by its content
(pdf/render.py `content_key`): an unchanged review answers from the cache in
milliseconds, a changed one is rendered by the job worker.

Web processes lay out no PDF for a download: the job worker renders it at a lower CPU
priority, so PDFs never take the CPU that ordinary pages need (issue 13, `make
bench-load`). A short one is waited for (PDF_WAIT_SECONDS, no transaction open while
waiting) and answered as if rendered in the request; a long one, or one not ready in that
time, shows "Preparing your PDF" in the browser and answers 503 with Retry-After in the API.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from sfo_review import lifecycle, vocab
from sfo_review import permissions as perm
from sfo_review.database import end_read
from sfo_review.extensions import db
from sfo_review.models import AuditEvent, RenderedReport, ReportSnapshot, Review, User
from sfo_review.models._base import utcnow
from sfo_review.pdf.content import LONDON, READ_EVENTS
from sfo_review.pdf.render import (
    FORMATS,
    RenderedPdf,
    ReportUnavailable,
    content_key,
    fingerprint,
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
# A background render not finished this long after its time limit is taken as lost: the
# worker's own alarm stops a render 15 s after the limit (jobs.py), so a worker that has
# not finished by then was killed; one never picked up for as long is asked for again too.
LOST_AFTER_SECONDS = 30
# How often a render is tried for one request before the person is told it failed: Huey
# retries a failed one (jobs.RENDER_RETRIES), and a lost one is asked for again.
MAX_ATTEMPTS = 3
LOST_REASON = "The PDF worker stopped before the PDF was ready, {attempts} times."
# How often a download waiting for the worker looks at its render's row.
POLL_SECONDS = 0.2


@dataclass
class Export:
    """What an export gives: the PDF, or the background render that is preparing it."""

    filename: str
    pdf: bytes | None = None
    preparing: RenderedReport | None = None
    start_job: bool = False  # the render is to be enqueued once this transaction commits
    wait: bool = False  # short enough for the download to wait for the worker's render


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
    actor: User, review: Review, variant: str | None, fmt: str | None = None
) -> Export:
    """The PDF and its file name; approved reviews always return the stored bytes.

    Without bytes the export says which background render prepares it (`preparing`): a long
    report, or a short one the worker did not finish within PDF_WAIT_SECONDS, or one whose
    render failed (its state says so; the next export asks again). Not one transaction: the
    content is read, the render asked for and waited for with no transaction open, and what
    is stored (the request, the export's audit event) written in short ones.
    """
    require_permission(perm.can_export(actor, review), "You cannot export this review.")
    variant, fmt = _clean(variant, fmt)
    export = _find(review, variant, fmt, filename(review, variant, fmt))
    if export.pdf is None:
        start_job(review, export)
        export = _wait_for_worker(review, variant, fmt, export)
    if export.pdf is not None:
        _exported(actor, review, variant, fmt)
    return export


def _find(review: Review, variant: str, fmt: str, name: str) -> Export:
    """The stored snapshot, the approved PDFs being stored, or the review as it is now."""
    stored = snapshot(review, variant, fmt)
    if stored is not None:
        return Export(name, pdf=stored.pdf)
    waiting = awaiting(review, variant)
    if waiting is not None:
        wait = _worth_waiting_for(waiting.approved_html or "")
        return _to_worker(review, variant, waiting.content_key, waiting, name, wait=wait)
    if fmt == "archival" and lifecycle.is_finished(review):
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
    return _current(review, variant, name)


def _worth_waiting_for(html: str) -> bool:
    """A document short enough (HTML under PDF_BACKGROUND_MIN_CHARS, about 15 pages) for a
    download to wait for its render."""
    return len(html) < current_app.config["PDF_BACKGROUND_MIN_CHARS"]


def _wait_for_worker(review: Review, variant: str, fmt: str, export: Export) -> Export:
    """A short report in the worker's hands, waited for up to PDF_WAIT_SECONDS: its bytes
    once made, else the export as it stands (still preparing, or failed).

    The row is looked at before any wait (in tests the job has run already, in immediate
    mode), then every POLL_SECONDS with no transaction open, so the waiting request holds
    no snapshot and no lock — only one of its web process's threads.
    """
    if export.preparing is None or not export.wait:
        return export
    row_id = export.preparing.id
    deadline = time.monotonic() + float(current_app.config["PDF_WAIT_SECONDS"])
    while True:
        end_read(db.session)
        row = db.session.get(RenderedReport, row_id, populate_existing=True)
        if row is None or row.state != "pending":
            break
        if time.monotonic() >= deadline:
            return Export(export.filename, preparing=row)
        time.sleep(POLL_SECONDS)
    stored = snapshot(review, variant, fmt)
    if stored is not None:
        return Export(export.filename, pdf=stored.pdf)
    if row is not None and row.state == "ready" and row.pdf is not None:
        return Export(export.filename, pdf=row.pdf)
    return Export(export.filename, preparing=row)


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
            _snapshot_failed(review, variant, exc.detail or exc.message, last_try=True)


def _to_worker(
    review: Review,
    variant: str,
    key: str,
    row: RenderedReport | None,
    name: str,
    wait: bool,
) -> Export:
    """Left to the job worker: the render of `key` it has in hand, or a new request (also
    for one that failed or was lost)."""
    if row is not None and row.content_key == key and still_running(row):
        return Export(name, preparing=row, wait=wait)
    return Export(name, preparing=_ask_job(review, variant, key), start_job=True, wait=wait)


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
    the templates, stylesheet and WeasyPrint version from render.fingerprint().
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
        fingerprint(),
    ]
    return sha256_hex("|".join(str(p) for p in parts).encode())


def _current(review: Review, variant: str, name: str) -> Export:
    """The PDF of the review as it is now: from the cache, or by the job worker."""
    stamp = content_stamp(review, variant)
    row = cached(review, variant)
    if row is not None and row.stamp == stamp and row.state == "ready":
        return Export(name, pdf=row.pdf)
    html = render_html(review, variant, linked_stylesheet=False)
    key = content_key(html, variant)
    if row is not None and row.content_key == key and row.state == "ready":
        pdf = row.pdf
        _restamp(review, variant, key, stamp)  # something recorded changed, not the PDF
        return Export(name, pdf=pdf)
    return _to_worker(review, variant, key, row, name, wait=_worth_waiting_for(html))


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


def _lost_after() -> timedelta:
    return timedelta(seconds=current_app.config["PDF_RENDER_TIMEOUT_SECONDS"] + LOST_AFTER_SECONDS)


def is_lost(row: RenderedReport) -> bool:
    """A pending render whose worker stopped (started, and past its hard limit) or that no
    worker picked up in as long."""
    since = row.started_at or row.requested_at
    return row.state == "pending" and utcnow() - since >= _lost_after()


def still_running(row: RenderedReport | None) -> bool:
    """A background render asked for and neither finished nor lost."""
    return row is not None and row.state == "pending" and not is_lost(row)


@use_case
def claim(review: Review, variant: str) -> bool:
    """A worker takes a render in hand, committed at once: another job for the same request
    (Huey's retry, a duplicate asked for meanwhile) then leaves it alone. A job that finds
    its render failed takes it up again (an approval's PDFs are the record). False when there
    is nothing to do: made, or in the hands of a worker that is not lost."""
    now = utcnow()
    taken = db.session.execute(
        update(RenderedReport)
        .where(
            RenderedReport.review_id == review.id,
            RenderedReport.variant == variant,
            or_(
                RenderedReport.state == "failed",
                and_(
                    RenderedReport.state == "pending",
                    or_(
                        RenderedReport.started_at.is_(None),
                        RenderedReport.started_at <= now - _lost_after(),
                    ),
                ),
            ),
        )
        .values(state="pending", started_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(taken.rowcount)  # type: ignore[attr-defined]


def retry_lost(row: RenderedReport) -> RenderedReport:
    """The preparing page: a render lost with its worker is asked for again, so the person
    goes on seeing "Preparing" (or, after MAX_ATTEMPTS, that it failed); the row as it is now."""
    if is_lost(row):
        _ask_again(row)
        db.session.refresh(row)
    return row


def requeue_lost() -> int:
    """The worker's sweep (every minute): every lost render is asked for again, also those
    nobody is watching (an approval's PDFs, which are the record). Returns how many."""
    pending = db.session.scalars(select(RenderedReport).where(RenderedReport.state == "pending"))
    return sum(_ask_again(row) for row in list(pending) if is_lost(row))


def _ask_again(row: RenderedReport) -> bool:
    """A lost render: enqueued again while attempts are left (True), else failed. Two
    requests that both found it lost ask once: the first to move `requested_at` wins."""
    row_id, attempts, asked = row.id, row.attempts, row.requested_at
    if attempts >= MAX_ATTEMPTS:
        _give_up(row_id, LOST_REASON.format(attempts=attempts))
        return False
    if not _move_request(row_id, asked):
        return False
    current_app.logger.warning(
        "Asked again for the lost %s PDF of review %s", row.variant, row.review_id
    )
    _enqueue(row)
    return True


@use_case
def _move_request(row_id: int, asked: datetime) -> bool:
    """One more attempt at a lost render, unless another request moved it first."""
    moved = db.session.execute(
        update(RenderedReport)
        .where(
            RenderedReport.id == row_id,
            RenderedReport.state == "pending",
            RenderedReport.requested_at == asked,
        )
        .values(attempts=RenderedReport.attempts + 1, started_at=None, requested_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return bool(moved.rowcount)  # type: ignore[attr-defined]


@use_case
def _give_up(row_id: int, reason: str) -> None:
    """A render that stays pending no more: failed, with its reason (if still pending)."""
    row = db.session.get(RenderedReport, row_id, populate_existing=True)
    if row is not None and row.state == "pending":
        _failed(row, reason)


def _pending(review: Review, variant: str, key: str, row: RenderedReport | None) -> RenderedReport:
    row = _row(review, variant, row)
    row.content_key = key
    row.stamp = None
    row.state = "pending"
    row.pdf = row.sha256 = row.page_count = row.render_seconds = row.error = None
    row.requested_at = utcnow()
    row.finished_at = row.started_at = None
    row.attempts = 1
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
    if export.start_job and export.preparing is not None:
        _enqueue(export.preparing)


def _enqueue(row: RenderedReport) -> None:
    from sfo_review import jobs

    row_id, review_id, variant = row.id, row.review_id, row.variant
    try:
        jobs.render_report(review_id, variant)
    except Exception as exc:  # noqa: BLE001 - any failure of the queue has the same answer
        current_app.logger.error("Could not enqueue the PDF render", exc_info=exc)
        _give_up(row_id, f"{QUEUE_DOWN}: {exc!r}")


def render_in_background(review_id: int, variant: str, last_try: bool = True) -> None:
    """The background job: render the review's current content into the cache.

    Not a person's action, so no audit event (the download that follows records the
    export). Idempotent: a job whose render is made, or in another worker's hands, does
    nothing. The content is read first, laid out with no transaction open, and stored in a
    short one. A failure with tries left (not `last_try`) keeps the row pending and raises,
    so Huey tries again after its delay; the last one is kept on the row with its reason,
    for the preparing page.
    """
    review = db.session.get(Review, review_id)
    if review is None:
        raise NotFound("That review no longer exists.")
    if not claim(review, variant):
        return
    if lifecycle.is_finished(review) and awaiting(review, variant) is not None:
        _snapshots_in_background(review, variant, last_try)
        return
    # a draft, or an approved review with no approved HTML kept (approved before snapshots
    # were stored, as seed-bulk's are): its current content, as the download would show it
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
        if _render_failed(review, variant, key, started, exc.detail or exc.message, last_try):
            raise
        return
    _keep(review, variant, key, stamp, rendered, started)


@use_case
def _render_failed(
    review: Review, variant: str, key: str, started: datetime, reason: str, last_try: bool
) -> bool:
    """A job's render failed; True when Huey is to try it again (see _failure)."""
    return _failure(_still_ours(review, variant, key, started), reason, last_try)


def _snapshots_in_background(review: Review, variant: str, last_try: bool) -> None:
    """The job for an approved review: store its PDFs from the HTML kept at approval
    (a draft's render asked for just before approval also ends here: approval replaced its
    row). Once they are stored, the row holds no HTML and a late job finds nothing to claim.
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
    return _failure(awaiting(review, variant, fresh=True), reason, last_try)


def _failure(row: RenderedReport | None, reason: str, last_try: bool) -> bool:
    """A job's render failed: with tries left, the row waits pending (its reason kept) and
    True says the error goes up to Huey, which tries again after its delay; else the row
    says failed."""
    if row is not None and not last_try:
        row.started_at = None
        row.requested_at = utcnow()  # lost only if the retry is not picked up either
        row.error = reason[:500]
        return True
    _failed(row, reason)
    return False


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
