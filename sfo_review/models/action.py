"""The learning and action plan."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Column, Date, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sfo_review.extensions import db
from sfo_review.models._base import UTCDateTime, Versioned
from sfo_review.models.review import Review

if TYPE_CHECKING:
    from sfo_review.models.finding import Finding

action_findings = Table(
    "action_findings",
    db.metadata,
    Column("action_id", ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
    Column("finding_id", ForeignKey("findings.id", ondelete="CASCADE"), primary_key=True),
)


class Action(Versioned, db.Model):  # type: ignore[name-defined]
    __tablename__ = "actions"
    # Covers the dashboard's open and overdue actions by level.
    __table_args__ = (
        Index(
            "ix_actions_review_id_status_due_date_level", "review_id", "status", "due_date", "level"
        ),
        # One level's overdue actions, earliest due date first (the drill-down list).
        Index("ix_actions_level_due_date_status", "level", "due_date", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(
        ForeignKey("reviews.id", ondelete="CASCADE"), nullable=False, index=True
    )
    description: Mapped[str] = mapped_column(Text, nullable=False)
    owner: Mapped[str] = mapped_column(String(200), nullable=False)
    level: Mapped[str] = mapped_column(String(20), nullable=False)
    due_date: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="open", index=True)
    completion_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    review: Mapped[Review] = relationship(back_populates="actions")
    findings: Mapped[list[Finding]] = relationship(secondary=action_findings, order_by="Finding.id")
