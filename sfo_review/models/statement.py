"""Officers' contextual statements."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sfo_review.extensions import db
from sfo_review.models._base import UTCDateTime, Versioned, utcnow
from sfo_review.models.review import Review
from sfo_review.models.user import User


class Statement(Versioned, db.Model):  # type: ignore[name-defined]
    __tablename__ = "statements"
    __table_args__ = (UniqueConstraint("review_id", "author_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(
        ForeignKey("reviews.id", ondelete="CASCADE"), nullable=False, index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="draft")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # A participant may decline to give a statement; their reason is shown in its place.
    decline_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    include_in_report: Mapped[str] = mapped_column(String(20), nullable=False, default="full")
    summary: Mapped[str | None] = mapped_column(Text, nullable=True)

    review: Mapped[Review] = relationship(back_populates="statements")
    author: Mapped[User] = relationship()
    addenda: Mapped[list[StatementAddendum]] = relationship(
        back_populates="statement", order_by="StatementAddendum.id", cascade="all, delete-orphan"
    )


class StatementAddendum(db.Model):  # type: ignore[name-defined]
    """Added by the author after submitting; submitted at once and never changed."""

    __tablename__ = "statement_addenda"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(
        ForeignKey("statements.id", ondelete="CASCADE"), nullable=False, index=True
    )
    body: Mapped[str] = mapped_column(Text, nullable=False)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    statement: Mapped[Statement] = relationship(back_populates="addenda")


class StatementAccess(db.Model):  # type: ignore[name-defined]
    """Someone read the statement's words: on a page, through the API, or in an exported PDF."""

    __tablename__ = "statement_access"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(
        ForeignKey("statements.id", ondelete="CASCADE"), nullable=False, index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    action: Mapped[str] = mapped_column(String(20), nullable=False)  # viewed | exported
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    user: Mapped[User] = relationship()
