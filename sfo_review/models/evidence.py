"""Evidence and context recorded on a review: chronology, caseload contexts, systemic factors."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sfo_review.extensions import db
from sfo_review.models._base import Versioned
from sfo_review.models.review import Participant, Review


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
