"""Draft PDFs laid out before anyone asks (issue 21): a change to a review asks the job worker
to render its draft PDFs again once the review has been quiet for a while.

When it happens: a request commits a change to the review (every change is a use case that
writes the review's audit event in the same transaction; reads — `READ_EVENTS` — are not
followed; the content version the download checks moves with it, `versions.py`). The
session notes the review when the event is flushed and, once the transaction has
committed, `request_render` asks for a render after PDF_PRERENDER_QUIET_SECONDS. Only
changes made in a request (pages, the API) are followed: a seed or a CLI command renders
nothing ahead.

Debounced, with Huey's schedule and two keys in its key-value store (SQLite table `kv` or
the Redis hash; both atomic for `put_if_empty`):

- `prerender:due:<id>` — when the review's quiet period ends: moved on by every change
  (deleted by the job that renders);
- `prerender:scheduled:<id>` — a `prerender_review` job is scheduled for this review (the
  time it was): set only when it was empty, so a busy review has one job, never a pile.

The job looks at the due time when it runs: still in the future (edits since), it schedules
itself again for then; past, it clears the flag — a change from then on schedules its own
job — and reads the review *after* that, so no committed change is missed. For each draft
variant (`DRAFT_VARIANTS`) it then does what a download would: nothing when the cache holds
the content as it is now or a render of it is in hand; else it asks for the render (the
cache row pending, so a download meanwhile waits for this one), claims it and lays it out in
the same job from the content it has just read (`work.lay_out`: the HTML is built once).
The full report comes first. A render that fails leaves its row failed (the next download
asks again); one lost with its worker is asked for again by the worker's sweep, as any
render is. Approved reviews are skipped: their PDFs are the frozen snapshots.

Never stale: a download compares the cache row's stamp with the content as it is now
(`exports._current`); this module only makes it likely that they match by the time anyone
asks. A render that finishes after a newer change does not overwrite the newer request's
row (`cache.still_ours`).

A flag left behind by a job that was lost (its queue flushed) is taken as gone after
LOST_FLAG_SECONDS. A queue that cannot be reached is logged, never the person's problem: the
change is committed and the download renders as before.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import current_app, has_app_context, has_request_context
from sqlalchemy.orm import Session

from config import Config
from sfo_review import jobs, lifecycle, vocab
from sfo_review.database import Listener, end_read, listen_once
from sfo_review.extensions import db
from sfo_review.models import AuditEvent, Review
from sfo_review.models._base import utcnow
from sfo_review.pdf.content import READ_EVENTS
from sfo_review.pdf.render import content_key, render_html
from sfo_review.services.reports.cache import ask_job, cached, content_stamp, restamp
from sfo_review.services.reports.work import (
    HARD_LIMIT_GRACE_SECONDS,
    Read,
    claim,
    lay_out,
    still_running,
)

log = logging.getLogger(__name__)

# What a draft is downloaded as: the full report and the family summary (the action plan's
# progress report and the participants' copies exist only once approved).
DRAFT_VARIANTS = vocab.FROZEN_REPORT_VARIANTS
NOTED = "prerender_reviews"  # session.info key: reviews whose content this transaction changed
DUE_KEY = "prerender:due:{}"
SCHEDULED_KEY = "prerender:scheduled:{}"
# A job flagged as scheduled this long ago and never run is taken as lost.
LOST_FLAG_SECONDS = 600
# A due time less than this far ahead counts as now (the scheduler's tick is 1 s).
EARLY_SECONDS = 0.05


def now() -> float:
    """The wall clock the web processes and the worker share (a test may move it)."""
    return time.time()


def enabled() -> bool:
    return bool(has_app_context() and current_app.config.get("PDF_PRERENDER"))


def quiet_seconds() -> float:
    return max(0.0, float(current_app.config.get("PDF_PRERENDER_QUIET_SECONDS", 0)))


# -- noticing changes (SQLAlchemy session events) -----------------------------------------


def _noted(session: Session, _context: Any) -> None:
    """after_flush: the reviews whose content an audit event of this transaction changed."""
    for obj in session.new:
        if (
            isinstance(obj, AuditEvent)
            and obj.review_id is not None
            and obj.action not in READ_EVENTS
        ):
            session.info.setdefault(NOTED, set()).add(obj.review_id)


def _committed(session: Session) -> None:
    """after_commit: ask for the renders of what the transaction changed (in a request)."""
    noted: set[int] | None = session.info.pop(NOTED, None)
    if not noted or not has_request_context() or not enabled():
        return
    for review_id in sorted(noted):
        try:
            request_render(review_id)
        except Exception:  # noqa: BLE001 - the queue's trouble is never the person's
            log.exception("Could not schedule the draft PDFs of review %s", review_id)


def _forget(session: Session) -> None:
    session.info.pop(NOTED, None)


# Registered by create_app (init_app), never at import.
LISTENERS: list[Listener] = [
    (Session, "after_flush", _noted),
    (Session, "after_commit", _committed),
    (Session, "after_rollback", _forget),
]


def init_app() -> None:
    listen_once(LISTENERS)


# -- debouncing (Huey's schedule and key-value store) ---------------------------------------


def request_render(review_id: int) -> bool:
    """The review changed: its draft PDFs are to be rendered once it has been quiet for
    PDF_PRERENDER_QUIET_SECONDS. True when this call scheduled the job (none was)."""
    quiet = quiet_seconds()
    at = now()
    jobs.huey.put(DUE_KEY.format(review_id), at + quiet)
    flag = SCHEDULED_KEY.format(review_id)
    for _ in range(2):
        if jobs.huey.put_if_empty(flag, at):
            _schedule(review_id, quiet)
            return True
        since = jobs.huey.get(flag, peek=True)
        if since is None:
            continue  # its job cleared it just now: ask again
        if at - float(since) >= LOST_FLAG_SECONDS:
            log.warning("The draft PDF job of review %s was lost: scheduled again", review_id)
            jobs.huey.put(flag, at)
            _schedule(review_id, quiet)
            return True
        return False  # the scheduled job finds the new due time and waits for it
    return False


def _schedule(review_id: int, delay: float) -> None:
    """The job, after `delay` seconds. In immediate mode (tests) it waits in the schedule
    even with no delay: run at once, it would run inside the commit that asked for it."""
    if delay > 0:
        prerender_review.schedule((review_id,), delay=delay)
    elif jobs.huey.immediate:
        jobs.huey.add_schedule(prerender_review.s(review_id))
    else:
        prerender_review(review_id)


@jobs.huey.task(
    timeout=len(DRAFT_VARIANTS) * Config.PDF_RENDER_TIMEOUT_SECONDS + HARD_LIMIT_GRACE_SECONDS
)
def prerender_review(review_id: int) -> None:
    """The debounced job: once the review has been quiet, render its draft PDFs."""
    with jobs.app_context():
        if when_quiet(review_id):
            made = prepare(review_id)
            if made:
                current_app.logger.info(
                    "Rendered the draft %s PDF of review %s ahead", ", ".join(made), review_id
                )


def _due(review_id: int) -> float:
    due = jobs.huey.get(DUE_KEY.format(review_id), peek=True)
    return float(due) if due is not None else 0.0


def when_quiet(review_id: int) -> bool:
    """True when the review's quiet period is over (the flag is cleared: a change from now
    on schedules its own job); else the job is scheduled again for the end of it."""
    flag = SCHEDULED_KEY.format(review_id)
    wait = _due(review_id) - now()
    if wait <= EARLY_SECONDS:
        jobs.huey.get(flag)  # cleared first, then the due time looked at again
        wait = _due(review_id) - now()
        if wait <= EARLY_SECONDS:
            # no key left behind per review; a change that moves it from now on has found
            # the flag cleared and scheduled its own job, which waits the quiet period
            jobs.huey.delete(DUE_KEY.format(review_id))
            return True
        # a change came in between: wait for it after all — unless, finding the flag
        # cleared, it has scheduled its own job already
        if not jobs.huey.put_if_empty(flag, now()):
            return False
    prerender_review.schedule((review_id,), delay=wait)
    return False


# -- rendering -------------------------------------------------------------------------------


def prepare(review_id: int) -> list[str]:
    """Render each draft variant whose current content the cache does not hold and no
    render has in hand, in this job (the content read once, for the check and the render);
    the variants rendered. Nothing for a review that is approved (its frozen snapshots) or
    gone."""
    review = db.session.get(Review, review_id)
    if review is None or lifecycle.is_finished(review):
        return []
    made = []
    for variant in DRAFT_VARIANTS:
        read = _ask(review, variant)
        if read is not None and claim(review, variant):
            lay_out(review, variant, read)
            made.append(variant)
        end_read(db.session)
    return made


def _ask(review: Review, variant: str) -> Read | None:
    """What a download of this variant would find (exports._current): the cached PDF of the
    content as it is now, or a render of it in hand (None); else the content read, and the
    cache row asked for it (pending, so a download meanwhile waits for this render)."""
    started = utcnow()
    stamp = content_stamp(review, variant)
    row = cached(review, variant)
    if row is not None and row.stamp == stamp and row.state == "ready":
        return None
    html = render_html(review, variant, linked_stylesheet=False)
    key = content_key(html, variant)
    if row is not None and row.content_key == key and row.state == "ready":
        restamp(review, variant, key, stamp)
        return None
    if row is not None and row.content_key == key and still_running(row):
        return None
    ask_job(review, variant, key)
    return Read(started, stamp, html, key)
