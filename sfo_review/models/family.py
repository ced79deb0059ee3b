"""The family and the inspectorate (api-v1.1 section C): contact with the victim's family,
the questions they asked, and quality assurance's ratings against the inspectorate's
standards."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sfo_review.extensions import db
from sfo_review.models._base import UTCDateTime, Versioned, utcnow
from sfo_review.models.review import Review
from sfo_review.models.user import User


class FamilyContact(Versioned, db.Model):  # type: ignore[name-defined]
    """One contact with the victim's family (never shown to officers)."""

    __tablename__ = "family_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(
        ForeignKey("reviews.id", ondelete="CASCADE"), nullable=False, index=True
    )
    occurred_on: Mapped[date] = mapped_column(Date, nullable=False)
    # letter | phone | meeting | email | via_advocate (vocab.FAMILY_CONTACT_CHANNELS)
    channel: Mapped[str] = mapped_column(String(20), nullable=False)
    with_whom: Mapped[str] = mapped_column(String(200), nullable=False)
    advocate_offered: Mapped[bool] = mapped_column(Boolean, nullable=False)
    summary: Mapped[str] = mapped_column(Text, nullable=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)

    review: Mapped[Review] = relationship(back_populates="family_contacts")
    recorded_by: Mapped[User | None] = relationship()


class FamilyQuestion(Versioned, db.Model):  # type: ignore[name-defined]
    """A question the family asked, and the review's answer (every one answered before QA)."""

    __tablename__ = "family_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(
        ForeignKey("reviews.id", ondelete="CASCADE"), nullable=False, index=True
    )
    question: Mapped[str] = mapped_column(Text, nullable=False)
    asked_on: Mapped[date] = mapped_column(Date, nullable=False)
    answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)

    review: Mapped[Review] = relationship(back_populates="family_questions")
    answered_by: Mapped[User | None] = relationship()


class ReviewRating(db.Model):  # type: ignore[name-defined]
    """Quality assurance's rating of the review on one of the inspectorate's standards (or
    overall), given at approval. Reviews approved before 1.1 have none."""

    __tablename__ = "review_ratings"
    # The themes' counts per standard and rating.
    __table_args__ = (Index("ix_review_ratings_standard_rating", "standard", "rating"),)

    review_id: Mapped[int] = mapped_column(
        ForeignKey("reviews.id", ondelete="CASCADE"), primary_key=True
    )
    # analysis_of_practice | overall_judgements | learning | victims_and_families | overall
    standard: Mapped[str] = mapped_column(String(40), primary_key=True)
    # outstanding | good | requires_improvement | inadequate
    rating: Mapped[str] = mapped_column(String(30), nullable=False)
    rationale: Mapped[str] = mapped_column(Text, nullable=False)
    rated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    review: Mapped[Review] = relationship(back_populates="ratings")
    rated_by: Mapped[User | None] = relationship()
