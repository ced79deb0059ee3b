"""What a download gets: the PDF stored at approval, the cached one, or the worker's render.

`export_report` checks the caller and the variant and format asked for, then answers with
the approved snapshot, the snapshot being stored by the job (waited for when short), the
cached PDF of the review's current content, or a render asked of the job worker — waited
for up to PDF_WAIT_SECONDS when the document is short, else left "preparing". An export
that gives a PDF writes its audit event (`report.exported`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import current_app

from sfo_review import lifecycle, vocab
from sfo_review import permissions as perm
from sfo_review.database import end_read
from sfo_review.extensions import db
from sfo_review.models import RenderedReport, Review, User
from sfo_review.pdf import content as pdf_content
from sfo_review.pdf import participant as participant_copy
from sfo_review.pdf.render import FORMATS, content_key, render_html
from sfo_review.services import statement_access
from sfo_review.services import validation as v
from sfo_review.services._common import audit, require_permission, use_case
from sfo_review.services.errors import Conflict, NotFound
from sfo_review.services.reports.cache import ask_job, cached, content_stamp, restamp
from sfo_review.services.reports.snapshots import awaiting, snapshot
from sfo_review.services.reports.work import enqueue, still_running

EXPORT_RULES: dict[str, v.Rule] = {
    "variant": v.enum("report variant", vocab.keys(vocab.REPORT_VARIANTS)),
    "format": v.enum("report format", FORMATS),
}
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
    if variant in vocab.LIVE_REPORT_VARIANTS:
        _check_live(review, fmt)
    key = storage_key(review, variant)
    export = _find(review, key, fmt, filename(review, variant, fmt))
    if export.pdf is None:
        _start_job(export)
        export = _wait_for_worker(review, key, fmt, export)
    if export.pdf is not None:
        _exported(actor, review, variant, fmt)
    return export


def storage_key(review: Review, variant: str) -> str:
    """Where the family summary is kept once it may be disclosed (approved and convicted):
    the copy frozen at approval without NOT FOR DISCLOSURE, when approval kept one (not
    when the conviction came first: the approved summary has no mark then)."""
    if variant != "family_summary" or not pdf_content.may_disclose(review):
        return variant
    if snapshot(review, pdf_content.DISCLOSABLE) or awaiting(review, pdf_content.DISCLOSABLE):
        return pdf_content.DISCLOSABLE
    return variant


def _check_live(review: Review, fmt: str) -> None:
    """The action plan's progress (api-v1.1 B) exists once the review is approved, and only
    as the standard PDF: it shows the actions as they are now, so no copy of it is kept."""
    if not lifecycle.is_finished(review):
        raise Conflict(
            "The action plan progress report is available once quality assurance approves the "
            "review. Until then the draft full report shows the proposed actions.",
            {"variant": ["The action plan progress report exists once the review is approved"]},
        )
    if fmt == "archival":
        raise Conflict(
            "The action plan progress report shows the actions as they are now, so it has no "
            "archival copy (PDF/A-3b).",
            {"format": ["The action plan progress report has no archival copy"]},
        )


def export_participant_copy(actor: User, review: Review, fmt: str | None = None) -> Export:
    """A participant's own copy of the approved review (pdf/participant.py).

    Not found for anyone but a participant (the review team included: it is not theirs);
    a conflict before approval. Kept at approval as HTML (`snapshots.HELD`), laid out by the
    job worker when first asked for, then stored like the approved PDFs: the same bytes
    every time. A review approved before participant copies existed gets one made from its
    content now (frozen since its approval), through the cache.
    """
    own = review.participant_for(actor) if perm.can_download_own_copy(actor, review) else None
    if own is None:
        raise NotFound("Review not found.")
    fmt = v.clean({"format": fmt or "standard"}, {"format": EXPORT_RULES["format"]})["format"]
    if not lifecycle.is_finished(review):
        raise Conflict(
            "Your copy of the review is ready once quality assurance approves the review.",
            {"variant": ["Your copy exists only once the review is approved"]},
        )
    variant = participant_copy.key(own)
    export = _find(review, variant, fmt, filename(review, participant_copy.VARIANT, fmt))
    if export.pdf is None:
        _start_job(export)
        export = _wait_for_worker(review, variant, fmt, export)
    if export.pdf is not None:
        _exported(actor, review, participant_copy.VARIANT, fmt)
    return export


def _start_job(export: Export) -> None:
    """Enqueue the background render an export asked for (after its transaction)."""
    if export.start_job and export.preparing is not None:
        enqueue(export.preparing)


def _find(review: Review, variant: str, fmt: str, name: str) -> Export:
    """The stored snapshot, the approved PDFs being stored, or the review as it is now."""
    stored = snapshot(review, variant, fmt)
    if stored is not None:
        return Export(name, pdf=stored.pdf)
    # one query for the row: the approved HTML it may still hold (`snapshots.awaiting`), and
    # the bytes a cached download will likely answer with
    row = cached(review, variant, with_pdf=fmt == "standard", with_html=True)
    if row is not None and row.approved_html is not None:
        wait = _worth_waiting_for(row.approved_html)
        return _to_worker(review, variant, row.content_key, row, name, wait=wait)
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
    return _current(review, variant, name, row)


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
    archival = " (archival PDF/A)" if fmt == "archival" else ""
    if variant == participant_copy.VARIANT:
        summary = f"Downloaded their own copy of the review{archival}"
    else:
        summary = (
            f"Exported the {vocab.label(vocab.REPORT_VARIANTS, variant).lower()}{archival} PDF"
        )
    audit(review, actor, "report.exported", summary, {"variant": variant, "format": fmt})
    if variant == "full":  # prints the practitioners' statements (the family summary never)
        statement_access.record(actor, review.statements, statement_access.EXPORTED)


def _current(review: Review, variant: str, name: str, row: RenderedReport | None) -> Export:
    """The PDF of the review as it is now: from the cache (`row`, read with its bytes), or
    by the job worker. The stored bytes are answered only when the row's stamp is the
    content's now (the review's content version, read with the review: cache.py)."""
    stamp = content_stamp(review, variant)
    if row is not None and row.stamp == stamp and row.state == "ready":
        return Export(name, pdf=row.pdf)
    html = render_html(review, variant, linked_stylesheet=False)
    key = content_key(html, variant)
    if row is not None and row.content_key == key and row.state == "ready":
        pdf = row.pdf
        restamp(review, variant, key, stamp)  # something recorded changed, not the PDF
        return Export(name, pdf=pdf)
    return _to_worker(review, variant, key, row, name, wait=_worth_waiting_for(html))


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
    return Export(name, preparing=ask_job(review, variant, key), start_job=True, wait=wait)
