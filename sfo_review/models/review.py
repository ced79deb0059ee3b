"""The review aggregate root and its participants."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sfo_review.extensions import db
from sfo_review.models._base import UTCDateTime, Versioned, utcnow
from sfo_review.models.user import User

if TYPE_CHECKING:
    from sfo_review.models.action import Action
    from sfo_review.models.evidence import CaseloadContext, ChronologyEntry, SystemicFactor
    from sfo_review.models.extension import DeadlineExtension
    from sfo_review.models.family import FamilyContact, FamilyQuestion, ReviewRating
    from sfo_review.models.finding import Finding
    from sfo_review.models.statement import Statement


# The lifecycle order of the statuses, for sorting lists by status. Written once as SQL so the
# expression index below and the ORDER BY of services/review_list.py are the same expression
# (a database uses an expression index only for the expression it was built on).
STATUS_ORDER_SQL = (
    "CASE status WHEN 'in_review' THEN 0 WHEN 'factual_accuracy' THEN 1 "
    "WHEN 'quality_assurance' THEN 2 WHEN 'approved' THEN 3 WHEN 'closed' THEN 4 ELSE 5 END"
)


class Review(Versioned, db.Model):  # type: ignore[name-defined]
    __tablename__ = "reviews"
    __table_args__ = (
        Index("ix_reviews_status_due_date", "status", "due_date"),
        # The dashboard's filters: a region (and its PDUs); notification dates below.
        Index("ix_reviews_region_pdu", "region", "pdu"),
        # The review lists: every filter and every sort (each sort ends with the id, the
        # tie-breaker, so a page is read from the index in order, both directions).
        Index("ix_reviews_effective_due_date_id", "effective_due_date", "id"),
        Index("ix_reviews_notification_date_id", "notification_date", "id"),
        Index("ix_reviews_status_order_id", text(f"({STATUS_ORDER_SQL})"), "id"),
        Index("ix_reviews_pdu", "pdu"),
        Index("ix_reviews_offence_category", "offence_category"),
        Index("ix_reviews_person_initials", "person_initials"),
        Index("ix_reviews_created_by_id", "created_by_id"),
        # A region's reviews at one stage, soonest deadline first: the list leadership opens.
        Index("ix_reviews_region_status_due", "region", "status", "effective_due_date", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True, nullable=False)
    case_reference: Mapped[str] = mapped_column(String(7), nullable=False, index=True)
    person_initials: Mapped[str] = mapped_column(String(4), nullable=False)
    offence_charged: Mapped[str] = mapped_column(String(200), nullable=False)
    offence_category: Mapped[str] = mapped_column(String(40), nullable=False)
    charge_date: Mapped[date] = mapped_column(Date, nullable=False)
    notification_date: Mapped[date] = mapped_column(Date, nullable=False)
    region: Mapped[str] = mapped_column(String(200), nullable=False)
    pdu: Mapped[str] = mapped_column(String(200), nullable=False)
    sentence_type: Mapped[str] = mapped_column(String(40), nullable=False)
    rosh_level: Mapped[str] = mapped_column(String(20), nullable=False)
    status: Mapped[str] = mapped_column(String(30), nullable=False, default="in_review")
    due_date: Mapped[date] = mapped_column(Date, nullable=False)
    # The deadline in force: `due_date`, or the new date of the latest agreed extension.
    effective_due_date: Mapped[date] = mapped_column(Date, nullable=False)
    overall_judgement: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The latest reason given by quality assurance for returning the review.
    return_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Set on the move to factual accuracy: the last day participants can reply.
    factual_accuracy_ends_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # Why the review goes to factual accuracy with statements not yet settled (api-v1.1 A).
    statements_outstanding_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    # api-v1.1 C. The criminal case: awaiting (default) | convicted_of_sfo | convicted_lesser
    # | acquitted | discontinued, and its date (unset while awaiting).
    case_outcome: Mapped[str] = mapped_column(
        String(30), nullable=False, default="awaiting", server_default="awaiting"
    )
    case_outcome_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    # The summary written for the victim's family, and why any flagged item stays.
    family_summary: Mapped[str | None] = mapped_column(Text, nullable=True)
    family_summary_exceptions: Mapped[str | None] = mapped_column(Text, nullable=True)
    # +1 at the commit of every transaction that changes anything the review's PDFs show
    # (services/reports/versions.py): a cached PDF is current while its stamp has this number.
    content_version: Mapped[int] = mapped_column(
        Integer, nullable=False, default=0, server_default="0"
    )

    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    countersigner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id"), nullable=True, index=True
    )
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    reviewer: Mapped[User] = relationship(foreign_keys=[reviewer_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    countersigner: Mapped[User | None] = relationship(foreign_keys=[countersigner_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])

    participants: Mapped[list[Participant]] = relationship(
        back_populates="review", order_by="Participant.id", cascade="all, delete-orphan"
    )
    chronology: Mapped[list[ChronologyEntry]] = relationship(
        back_populates="review",
        order_by="(ChronologyEntry.occurred_on, ChronologyEntry.id)",
        cascade="all, delete-orphan",
    )
    caseload_contexts: Mapped[list[CaseloadContext]] = relationship(
        back_populates="review", order_by="CaseloadContext.id", cascade="all, delete-orphan"
    )
    systemic_factors: Mapped[list[SystemicFactor]] = relationship(
        back_populates="review", order_by="SystemicFactor.id", cascade="all, delete-orphan"
    )
    findings: Mapped[list[Finding]] = relationship(
        back_populates="review", order_by="Finding.id", cascade="all, delete-orphan"
    )
    statements: Mapped[list[Statement]] = relationship(
        back_populates="review", order_by="Statement.id", cascade="all, delete-orphan"
    )
    actions: Mapped[list[Action]] = relationship(
        back_populates="review", order_by="Action.id", cascade="all, delete-orphan"
    )
    extensions: Mapped[list[DeadlineExtension]] = relationship(
        back_populates="review", order_by="DeadlineExtension.id", cascade="all, delete-orphan"
    )
    family_contacts: Mapped[list[FamilyContact]] = relationship(
        back_populates="review",
        order_by="(FamilyContact.occurred_on, FamilyContact.id)",
        cascade="all, delete-orphan",
    )
    family_questions: Mapped[list[FamilyQuestion]] = relationship(
        back_populates="review",
        order_by="(FamilyQuestion.asked_on, FamilyQuestion.id)",
        cascade="all, delete-orphan",
    )
    ratings: Mapped[list[ReviewRating]] = relationship(
        back_populates="review", order_by="ReviewRating.standard", cascade="all, delete-orphan"
    )

    def participant_for(self, user: User) -> Participant | None:
        for p in self.participants:
            if p.user_id == user.id:
                return p
        return None


class Participant(db.Model):  # type: ignore[name-defined]
    __tablename__ = "participants"
    __table_args__ = (UniqueConstraint("review_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(
        ForeignKey("reviews.id", ondelete="CASCADE"), nullable=False, index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    role_in_case: Mapped[str] = mapped_column(String(40), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    # The participant said they have nothing (more) to add at factual accuracy (api-v1.1 A);
    # cleared each time the review goes to factual accuracy.
    factual_accuracy_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    review: Mapped[Review] = relationship(back_populates="participants")
    user: Mapped[User] = relationship()
    caseload_contexts: Mapped[list[CaseloadContext]] = relationship(
        back_populates="participant", order_by="CaseloadContext.id", viewonly=True
    )
