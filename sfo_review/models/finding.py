"""Findings, the evidence and context they link to, and participants' responses."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sfo_review.extensions import db
from sfo_review.models._base import UTCDateTime, Versioned, utcnow
from sfo_review.models.evidence import CaseloadContext, ChronologyEntry, SystemicFactor
from sfo_review.models.review import Participant, Review
from sfo_review.models.statement import Statement
from sfo_review.models.user import User


def _link_table(name: str, other_table: str, other_column: str) -> Table:
    return Table(
        name,
        db.metadata,
        Column(
            "finding_id",
            ForeignKey("findings.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        Column(
            other_column,
            ForeignKey(f"{other_table}.id", ondelete="CASCADE"),
            primary_key=True,
            index=True,
        ),
    )


finding_systemic_factors = _link_table(
    "finding_systemic_factors", "systemic_factors", "systemic_factor_id"
)
finding_caseload_contexts = _link_table(
    "finding_caseload_contexts", "caseload_contexts", "caseload_context_id"
)
finding_chronology_entries = _link_table(
    "finding_chronology_entries", "chronology_entries", "chronology_entry_id"
)
# Whom a finding is about (api-v1.1 A): participants of the same review.
finding_subjects = _link_table("finding_subjects", "participants", "participant_id")
# The submitted statements shown beside the finding (api-v1.1 A).
finding_statements = _link_table("finding_statements", "statements", "statement_id")


class Finding(Versioned, db.Model):  # type: ignore[name-defined]
    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(
        ForeignKey("reviews.id", ondelete="CASCADE"), nullable=False, index=True
    )
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    practice_area: Mapped[str] = mapped_column(String(40), nullable=False)
    judgement: Mapped[str] = mapped_column(String(30), nullable=False)
    narrative: Mapped[str] = mapped_column(Text, nullable=False)
    context_note: Mapped[str | None] = mapped_column(Text, nullable=True)

    review: Mapped[Review] = relationship(back_populates="findings")
    attributions: Mapped[list[FindingAttribution]] = relationship(
        back_populates="finding",
        cascade="all, delete-orphan",
        order_by="FindingAttribution.position",
    )
    systemic_factors: Mapped[list[SystemicFactor]] = relationship(
        secondary=finding_systemic_factors, order_by="SystemicFactor.id"
    )
    caseload_contexts: Mapped[list[CaseloadContext]] = relationship(
        secondary=finding_caseload_contexts, order_by="CaseloadContext.id"
    )
    chronology_entries: Mapped[list[ChronologyEntry]] = relationship(
        secondary=finding_chronology_entries,
        order_by="(ChronologyEntry.occurred_on, ChronologyEntry.id)",
    )
    responses: Mapped[list[FindingResponse]] = relationship(
        back_populates="finding", order_by="FindingResponse.id", cascade="all, delete-orphan"
    )
    subjects: Mapped[list[Participant]] = relationship(
        secondary=finding_subjects, order_by="Participant.id"
    )
    statements: Mapped[list[Statement]] = relationship(
        secondary=finding_statements, order_by="Statement.id"
    )
    just_culture: Mapped[JustCultureAssessment | None] = relationship(
        back_populates="finding", cascade="all, delete-orphan", uselist=False
    )

    @property
    def attribution(self) -> list[str]:
        return [a.attribution for a in self.attributions]


class FindingAttribution(db.Model):  # type: ignore[name-defined]
    """One row per attribution level, so themes can count them with plain SQL."""

    __tablename__ = "finding_attributions"

    finding_id: Mapped[int] = mapped_column(
        ForeignKey("findings.id", ondelete="CASCADE"), primary_key=True
    )
    attribution: Mapped[str] = mapped_column(String(30), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(nullable=False, default=0)

    finding: Mapped[Finding] = relationship(back_populates="attributions")


class FindingResponse(db.Model):  # type: ignore[name-defined]
    """A participant's reply to a finding: never edited or deleted."""

    __tablename__ = "finding_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(
        ForeignKey("findings.id", ondelete="CASCADE"), nullable=False, index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    # The reviewer's answer to the reply (api-v1.1 A, "Replies get an answer"): set once.
    outcome: Mapped[str | None] = mapped_column(String(30), nullable=True)
    outcome_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    outcome_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)

    finding: Mapped[Finding] = relationship(back_populates="responses")
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    outcome_by: Mapped[User | None] = relationship(foreign_keys=[outcome_by_id])


class JustCultureAssessment(db.Model):  # type: ignore[name-defined]
    """The NHS just-culture guide's questions, answered for one finding (api-v1.1 A).

    Questions may be answered a few at a time (the browser asks one a page); `outcome` is
    computed from the answers by services (lifecycle.just_culture_outcome) and kept so the
    dashboard and themes count outcomes with plain SQL. The finding's version is the lock.
    """

    __tablename__ = "just_culture_assessments"

    finding_id: Mapped[int] = mapped_column(
        ForeignKey("findings.id", ondelete="CASCADE"), primary_key=True
    )
    deliberate_harm: Mapped[str | None] = mapped_column(String(10), nullable=True)
    health_factors: Mapped[str | None] = mapped_column(String(10), nullable=True)
    protocol_existed: Mapped[str | None] = mapped_column(String(10), nullable=True)
    protocol_workable: Mapped[str | None] = mapped_column(String(10), nullable=True)
    knowingly_departed: Mapped[str | None] = mapped_column(String(10), nullable=True)
    peers_would_act_same: Mapped[str | None] = mapped_column(String(10), nullable=True)
    comparator: Mapped[str | None] = mapped_column(String(200), nullable=True)
    training_gap: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    supervision_gap: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    rationale: Mapped[str | None] = mapped_column(Text, nullable=True)
    mitigation: Mapped[str | None] = mapped_column(Text, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(30), nullable=True, index=True)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), nullable=False, default=utcnow, onupdate=utcnow
    )

    finding: Mapped[Finding] = relationship(back_populates="just_culture")
