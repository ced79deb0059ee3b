"""The background render job: its Huey tasks, and the bookkeeping that makes it safe.

`render_report` (a Huey task on `sfo_review.jobs.huey`) renders a review's variant in the
job worker: a draft's current content into the cache, an approved review's kept HTML into
its snapshots. A worker claims a render before laying it out (`claim`), so a retry or a
duplicate leaves it alone; a failed render is retried by Huey (RENDER_RETRIES times,
RETRY_DELAY_SECONDS apart), and one lost with its worker is asked for again — by the
preparing page (`retry_lost`) and by the worker's sweep every minute (`requeue_lost_renders`)
— up to MAX_ATTEMPTS. When the queue cannot be reached, the row says the render failed.

The tasks are defined here, next to what they run, so `sfo_review.jobs` imports no service;
the worker knows them because create_app imports the blueprints, which import this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from huey import crontab
from huey.api import Task
from sqlalchemy import and_, or_, select, update

from config import Config
from sfo_review import jobs, lifecycle
from sfo_review.database import end_read
from sfo_review.extensions import db
from sfo_review.models import RenderedReport, Review
from sfo_review.models._base import utcnow
from sfo_review.pdf.render import ReportUnavailable, content_key, render_html, write_pdfs
from sfo_review.services._common import use_case
from sfo_review.services.errors import NotFound
from sfo_review.services.reports.cache import (
    cached,
    content_stamp,
    failed,
    failure,
    keep_render,
    still_ours,
)
from sfo_review.services.reports.snapshots import awaiting, awaiting_all, store_in_background

# Seconds past the render's own time limit before the worker's alarm interrupts it.
HARD_LIMIT_GRACE_SECONDS = 15
# A failed render is tried again this many times, this many seconds apart (one lost with
# its worker is asked for again: `retry_lost`, `requeue_lost`).
RENDER_RETRIES = 2
RETRY_DELAY_SECONDS = 30
# A background render not finished this long after its time limit is taken as lost: the
# worker's own alarm stops a render HARD_LIMIT_GRACE_SECONDS after the limit, so a worker
# that has not finished by then was killed; one never picked up for as long is asked for
# again too.
LOST_AFTER_SECONDS = 30
# How often a render is tried for one request before the person is told it failed: Huey
# retries a failed one (RENDER_RETRIES), and a lost one is asked for again.
MAX_ATTEMPTS = 3
LOST_REASON = "The PDF worker stopped before the PDF was ready, {attempts} times."
QUEUE_DOWN = "The background worker's queue could not be reached"


@jobs.huey.task(
    timeout=Config.PDF_RENDER_TIMEOUT_SECONDS + HARD_LIMIT_GRACE_SECONDS,
    retries=RENDER_RETRIES,
    retry_delay=RETRY_DELAY_SECONDS,
    context=True,
)
def render_report(review_id: int, variant: str, task: Task | None = None) -> None:
    """Render the current content of a review's PDF into the report cache (idempotent)."""
    with jobs.app_context():
        # Immediate mode (tests) never runs a retry Huey schedules: every try is the last.
        last_try = task is None or not task.retries or jobs.huey.immediate
        render_in_background(review_id, variant, last_try=last_try)
        current_app.logger.info("Rendered the %s PDF of review %s", variant, review_id)


@jobs.huey.periodic_task(crontab(minute="*"))
def requeue_lost_renders() -> None:
    """Every minute: renders lost with their worker, or never picked up, are asked again."""
    with jobs.app_context():
        requeue_lost()


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
    enqueue(row)
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
        failed(row, reason)


def enqueue(row: RenderedReport) -> None:
    """Enqueue the background render of `row` (after the transaction that asked for it).

    When the queue cannot be reached (Redis down, its SQLite file locked for too long),
    the row says the render failed, so the preparing page offers "Try again" rather than
    waiting for a render nobody will do.
    """
    row_id, review_id, variant = row.id, row.review_id, row.variant
    try:
        render_report(review_id, variant)
    except Exception as exc:  # noqa: BLE001 - any failure of the queue has the same answer
        current_app.logger.error("Could not enqueue the PDF render", exc_info=exc)
        _give_up(row_id, f"{QUEUE_DOWN}: {exc!r}")


def start_snapshot_jobs(review: Review) -> None:
    """After a browser approval commits: the background job stores each variant's PDFs."""
    for row in awaiting_all(review):
        if row.state == "pending":
            enqueue(row)


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
        store_in_background(review, variant, last_try)
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
    lay_out(review, variant, Read(started, stamp, html, key), last_try)


@dataclass(frozen=True)
class Read:
    """A review's content as read for a render: when the read began, its stamp, its HTML
    and the HTML's content key."""

    started: datetime
    stamp: str
    html: str
    key: str


def lay_out(review: Review, variant: str, read: Read, last_try: bool = True) -> None:
    """Lay out content read (and claimed) already, with no transaction open, and store it in
    a short one — unless newer content was asked for meanwhile (`cache.still_ours`)."""
    end_read(db.session)
    try:
        rendered = write_pdfs(read.html)["standard"]
    except ReportUnavailable as exc:
        reason = exc.detail or exc.message
        if _render_failed(review, variant, read.key, read.started, reason, last_try):
            raise
        return
    keep_render(review, variant, read.key, read.stamp, rendered, read.started)


@use_case
def _render_failed(
    review: Review, variant: str, key: str, started: datetime, reason: str, last_try: bool
) -> bool:
    """A job's render failed; True when Huey is to try it again (see cache.failure)."""
    return failure(still_ours(review, variant, key, started), reason, last_try)
