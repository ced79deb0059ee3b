"""Deadline extensions: requested with a reason and a new date, agreed or refused, all kept."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sfo_review.extensions import db
from sfo_review.models._base import UTCDateTime, Versioned, utcnow
from sfo_review.models.review import Review
from sfo_review.models.user import User

WAITING = text("status = 'requested'")


class DeadlineExtension(Versioned, db.Model):  # type: ignore[name-defined]
    """One request to move a review's deadline; never deleted or overwritten once decided.

    `status` is `requested`, then `agreed` or `refused` (by a quality assurer or
    leadership). The review's `effective_due_date` follows the latest agreed extension;
    its `due_date` stays the one counted from the notification date.
    """

    __tablename__ = "deadline_extensions"
    # Whether a review has an agreed extension: one index probe per review (the dashboard);
    # "Extension requested" on the lists: the requests waiting for a decision, by review.
    # At most one request waiting for a decision per review, kept by the database too
    # (two requests sent at the same moment cannot both pass the service's check).
    __table_args__ = (
        Index("ix_deadline_extensions_review_id_status", "review_id", "status"),
        Index("ix_deadline_extensions_status_review_id", "status", "review_id"),
        Index(
            "uq_deadline_extensions_one_waiting",
            "review_id",
            unique=True,
            sqlite_where=WAITING,
            postgresql_where=WAITING,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(
        ForeignKey("reviews.id", ondelete="CASCADE"), nullable=False
    )
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    previous_due_date: Mapped[date] = mapped_column(Date, nullable=False)
    new_due_date: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="requested")
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    decision_note: Mapped[str | None] = mapped_column(Text, nullable=True)

    review: Mapped[Review] = relationship(back_populates="extensions")
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
