"""Rendered PDFs of reviews not approved yet (a content-keyed cache), and the background
job's state for them and for the PDFs stored at approval."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sfo_review.extensions import db
from sfo_review.models._base import UTCDateTime, utcnow


class RenderedReport(db.Model):  # type: ignore[name-defined]
    """The latest PDF of one review and variant, keyed by what went into it.

    `content_key` is the SHA-256 of the document's HTML and of everything else that shapes
    the PDF (stylesheet, WeasyPrint version, options), so a changed review is never
    answered from here, and an unchanged one is — in milliseconds, through `stamp`.
    `state` is `pending` while a background render prepares it, `ready` with the bytes,
    or `failed` with the reason. A pending row records when a worker started it
    (`started_at`, none while queued) and how often the job was asked for (`attempts`):
    a render lost with its worker is asked for again a bounded number of times
    (services/reports/work.py, migration 0012).
    One row per review and variant: a newer content key replaces the older PDF.
    """

    __tablename__ = "rendered_reports"
    __table_args__ = (UniqueConstraint("review_id", "variant"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(
        ForeignKey("reviews.id", ondelete="CASCADE"), nullable=False, index=True
    )
    variant: Mapped[str] = mapped_column(String(30), nullable=False)
    content_key: Mapped[str] = mapped_column(String(64), nullable=False)
    # A cheap stand-in for the content key, from what changed when (services/reports/cache.py
    # `content_stamp`): an equal stamp answers without building the HTML again.
    stamp: Mapped[str | None] = mapped_column(String(64), nullable=True)
    state: Mapped[str] = mapped_column(String(20), nullable=False, default="pending")
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    page_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    render_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    approved_html: Mapped[str | None] = mapped_column(Text, nullable=True, deferred=True)
