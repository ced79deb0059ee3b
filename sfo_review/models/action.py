"""The learning and action plan."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sfo_review.extensions import db
from sfo_review.models._base import UTCDateTime, Versioned, utcnow
from sfo_review.models.review import Review
from sfo_review.models.user import User

if TYPE_CHECKING:
    from sfo_review.models.evidence import SystemicFactor
    from sfo_review.models.finding import Finding

action_findings = Table(
    "action_findings",
    db.metadata,
    Column("action_id", ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
    Column("finding_id", ForeignKey("findings.id", ondelete="CASCADE"), primary_key=True),
)
# The systemic factors (of the same review) an action addresses (api-v1.1 B).
action_systemic_factors = Table(
    "action_systemic_factors",
    db.metadata,
    Column("action_id", ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "systemic_factor_id",
        ForeignKey("systemic_factors.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
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
        # An owner's actions, soonest due first; and the done ones waiting for verification
        # (the home page's lists, the reminders).
        Index("ix_actions_owner_id_due_date", "owner_id", "due_date", "status"),
        Index("ix_actions_status_due_date", "status", "due_date", "id"),
        # Every column the action figures read, in one pass (migration 0018).
        Index("ix_actions_review_id_figures", "review_id", "level", "owner", "status", "due_date"),
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
    # api-v1.1 B. How we will know it worked, and when to look (on or after the due date).
    success_measure: Mapped[str | None] = mapped_column(Text, nullable=True)
    review_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    # The owner's account (a leadership user); `owner` stays as the owner's title.
    # Unset on actions from before 1.1 until someone sets it.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    # Checked by someone who is not the owner (leadership or quality assurance).
    verification_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    # The latest reason a verifier sent it back to in progress.
    sent_back_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    sent_back_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Set at approval: the action is part of the agreed plan shown in the approved PDFs.
    # Unset for actions added after approval (and for those from before 1.1).
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    review: Mapped[Review] = relationship(back_populates="actions")
    findings: Mapped[list[Finding]] = relationship(secondary=action_findings, order_by="Finding.id")
    systemic_factors: Mapped[list[SystemicFactor]] = relationship(
        secondary=action_systemic_factors, order_by="SystemicFactor.id"
    )
    owner_user: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])
    recurrences: Mapped[list[ActionRecurrence]] = relationship(
        back_populates="action",
        order_by="ActionRecurrence.id",
        cascade="all, delete-orphan",
    )


class ActionReminder(db.Model):  # type: ignore[name-defined]
    """One reminder of one kind sent to an action's owner: `assigned`, `due_soon`
    (10 working days before the due date) or `overdue`; at most one of each kind."""

    __tablename__ = "action_reminders"

    action_id: Mapped[int] = mapped_column(
        ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class ActionRecurrence(db.Model):  # type: ignore[name-defined]
    """A lesson not learned: a later review in the same PDU, approved with a systemic factor
    of the same category as one this (earlier) action addressed after it was done."""

    __tablename__ = "action_recurrences"
    __table_args__ = (
        UniqueConstraint("action_id", "review_id", "category", name="uq_action_recurrences_once"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(
        ForeignKey("actions.id", ondelete="CASCADE"), nullable=False
    )
    # The later review, where the factor came back.
    review_id: Mapped[int] = mapped_column(
        ForeignKey("reviews.id", ondelete="CASCADE"), nullable=False, index=True
    )
    category: Mapped[str] = mapped_column(String(60), nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), nullable=False, default=utcnow, index=True
    )

    action: Mapped[Action] = relationship(back_populates="recurrences")
    review: Mapped[Review] = relationship()
