"""Evidence and context recorded on a review: chronology, caseload contexts, systemic factors."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sfo_review.extensions import db
from sfo_review.models._base import UTCDateTime, Versioned, utcnow
from sfo_review.models.review import Participant, Review
from sfo_review.models.user import User


class ChronologyEntry(Versioned, db.Model):  # type: ignore[name-defined]
    __tablename__ = "chronology_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(
        ForeignKey("reviews.id", ondelete="CASCADE"), nullable=False, index=True
    )
    occurred_on: Mapped[date] = mapped_column(Date, nullable=False)
    source: Mapped[str] = mapped_column(String(200), nullable=False)
    summary: Mapped[str] = mapped_column(Text, nullable=False)
    significant: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Was this available to the practitioner then, or found afterwards? (api-v1.1 A, hindsight)
    known_at_the_time: Mapped[str] = mapped_column(String(10), nullable=False, default="unclear")

    review: Mapped[Review] = relationship(back_populates="chronology")


class CaseloadContext(Versioned, db.Model):  # type: ignore[name-defined]
    """The working conditions of one participant during the period under review."""

    __tablename__ = "caseload_contexts"
    # Covers the dashboard's working-conditions figures (read from the index alone).
    __table_args__ = (
        Index(
            "ix_caseload_contexts_review_id_figures",
            "review_id",
            "caseload_count",
            "workload_percent",
            "management_oversight_sessions",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(
        ForeignKey("reviews.id", ondelete="CASCADE"), nullable=False, index=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), nullable=False, index=True
    )
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    period_end: Mapped[date] = mapped_column(Date, nullable=False)
    caseload_count: Mapped[int] = mapped_column(Integer, nullable=False)
    high_risk_count: Mapped[int] = mapped_column(Integer, nullable=False)
    workload_percent: Mapped[int] = mapped_column(Integer, nullable=False)
    grade: Mapped[str] = mapped_column(String(40), nullable=False)
    months_in_role: Mapped[int] = mapped_column(Integer, nullable=False)
    team_vacancy_percent: Mapped[int] = mapped_column(Integer, nullable=False)
    officer_changes_on_case: Mapped[int] = mapped_column(Integer, nullable=False)
    management_oversight_sessions: Mapped[int] = mapped_column(Integer, nullable=False)
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)

    review: Mapped[Review] = relationship(back_populates="caseload_contexts")
    participant: Mapped[Participant] = relationship(back_populates="caseload_contexts")
    accounts: Mapped[list[CaseloadAccount]] = relationship(
        back_populates="context", order_by="CaseloadAccount.id", cascade="all, delete-orphan"
    )


class CaseloadAccount(db.Model):  # type: ignore[name-defined]
    """The subject's own account of their recorded working conditions: never edited or deleted."""

    __tablename__ = "caseload_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    caseload_context_id: Mapped[int] = mapped_column(
        ForeignKey("caseload_contexts.id", ondelete="CASCADE"), nullable=False, index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    # Names of the context's own fields the subject disputes (may be empty).
    disputed_fields: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    context: Mapped[CaseloadContext] = relationship(back_populates="accounts")
    author: Mapped[User] = relationship()


class SystemicFactor(Versioned, db.Model):  # type: ignore[name-defined]
    __tablename__ = "systemic_factors"
    # Covers the themes' counts by category and level.
    __table_args__ = (
        Index("ix_systemic_factors_review_id_category_level", "review_id", "category", "level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(
        ForeignKey("reviews.id", ondelete="CASCADE"), nullable=False, index=True
    )
    category: Mapped[str] = mapped_column(String(60), nullable=False, index=True)
    level: Mapped[str] = mapped_column(String(30), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    evidence: Mapped[str | None] = mapped_column(Text, nullable=True)

    review: Mapped[Review] = relationship(back_populates="systemic_factors")
