"""The content-keyed PDF cache: one `RenderedReport` row per review and variant.

A row is asked for (pending), made (ready, with its PDF) or failed (with why); its
`content_key` is the SHA-256 of the HTML it was laid out from, its `stamp` a cheap
fingerprint of everything the PDF shows (`content_stamp`), so an unchanged review finds its
PDF without building the HTML. A finished render writes its row only if no newer content
was asked for meanwhile (`still_ours`).
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import undefer

from sfo_review.extensions import db
from sfo_review.models import Action, ActionRecurrence, RenderedReport, Review
from sfo_review.models._base import utcnow
from sfo_review.pdf.content import LONDON
from sfo_review.pdf.render import RenderedPdf, fingerprint, sha256_hex
from sfo_review.services._common import use_case
from sfo_review.services.reports import versions
from sfo_review.vocab import LIVE_REPORT_VARIANTS


def cached(
    review: Review,
    variant: str,
    fresh: bool = False,
    with_pdf: bool = False,
    with_html: bool = False,
) -> RenderedReport | None:
    """The cache row of a review's variant (`fresh`: as committed now, not as first read;
    `with_pdf`: its PDF read in the same query, for a download that will likely answer it;
    `with_html`: the approved HTML it may hold, likewise)."""
    query = select(RenderedReport).where(
        RenderedReport.review_id == review.id, RenderedReport.variant == variant
    )
    if with_pdf:
        query = query.options(undefer(RenderedReport.pdf))
    if with_html:
        query = query.options(undefer(RenderedReport.approved_html))
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


def content_stamp(review: Review, variant: str) -> str:
    """A cheap fingerprint of everything the PDF shows, without building it.

    The review's content version moves in the same transaction as every change its PDFs
    show (services/reports/versions.py), so it stands for the review's content and is read
    with the review itself; names print too (the names version moves when a user's name
    changes, and for nothing else about a user); a draft carries today's date; the reference
    points and the family summary's contact come from the config; the templates, stylesheet
    and WeasyPrint version from render.fingerprint(). Read before the content, so a stamp is
    never newer than the PDF made with it.
    """
    config = current_app.config
    parts = [
        variant,
        review.id,
        review.version,
        review.status,
        review.content_version,
        versions.names_version(),
        datetime.now(LONDON).date().isoformat(),
        config["CASELOAD_REFERENCE_MAX"],
        config["WORKLOAD_REFERENCE_PERCENT"],
        config["REVIEW_DEADLINE_WORKING_DAYS"],
        config["FAMILY_CONTACT"],  # the family summary's "Please contact …"
        fingerprint(),
    ]
    if variant in LIVE_REPORT_VARIANTS:
        parts += _actions_stamp(review)
    return sha256_hex("|".join(str(p) for p in parts).encode())


def _actions_stamp(review: Review) -> list[object]:
    """What the live action plan shows beyond the review's own events: its actions as they
    are now (each change moves `updated_at` or the count) and the recurrences recorded
    against them by later reviews (written in the later review's approval)."""
    changed, count = db.session.execute(
        select(func.max(Action.updated_at), func.count(Action.id)).where(
            Action.review_id == review.id
        )
    ).one()
    recurred, recurrences = db.session.execute(
        select(func.max(ActionRecurrence.id), func.count(ActionRecurrence.id)).where(
            ActionRecurrence.action_id.in_(select(Action.id).where(Action.review_id == review.id))
        )
    ).one()
    return [changed.isoformat() if changed else "", count, recurred, recurrences]


@use_case
def restamp(review: Review, variant: str, key: str, stamp: str) -> None:
    """The ready PDF of `key` stamped anew: something recorded changed, not the PDF."""
    row = cached(review, variant)
    if row is not None and row.content_key == key and row.state == "ready":
        row.stamp = stamp


@use_case
def ask_job(review: Review, variant: str, key: str) -> RenderedReport:
    """The row a background render of `key` will fill, marked pending."""
    return _pending(review, variant, key, cached(review, variant))


@use_case
def keep_render(
    review: Review,
    variant: str,
    key: str,
    stamp: str,
    rendered: RenderedPdf,
    started: datetime,
) -> None:
    """Store a render laid out from content read at `started` (unless newer was asked for)."""
    row = still_ours(review, variant, key, started)
    if row is not None:
        _store(review, variant, key, stamp, row, rendered)


def still_ours(review: Review, variant: str, key: str, started: datetime) -> RenderedReport | None:
    """The cache row a finished render may write, as committed now (a render takes a
    while): not when other content was asked for after this render read the review (a
    newer request, whose own render writes it)."""
    row = cached(review, variant, fresh=True)
    if row is not None and row.content_key != key and row.requested_at > started:
        return None
    return _row(review, variant, row)


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
    finished(row, rendered)


def finished(row: RenderedReport, rendered: RenderedPdf) -> None:
    """A render's row once its PDF exists: ready, with what the preparing page shows."""
    row.state = "ready"
    row.sha256 = sha256_hex(rendered.pdf)
    row.page_count = rendered.pages
    row.render_seconds = round(rendered.seconds, 3)
    row.error = None
    row.finished_at = utcnow()


def failure(row: RenderedReport | None, reason: str, last_try: bool) -> bool:
    """A job's render failed: with tries left, the row waits pending (its reason kept) and
    True says the error goes up to Huey, which tries again after its delay; else the row
    says failed."""
    if row is not None and not last_try:
        row.started_at = None
        row.requested_at = utcnow()  # lost only if the retry is not picked up either
        row.error = reason[:500]
        return True
    failed(row, reason)
    return False


def failed(row: RenderedReport | None, reason: str) -> None:
    """Keep why a render failed on its row, for the preparing page."""
    if row is None:
        return
    row.state = "failed"
    row.error = reason[:500]
    row.finished_at = utcnow()
