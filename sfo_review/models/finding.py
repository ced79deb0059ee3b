"""Findings, the evidence and context they link to, and participants' responses."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sfo_review.extensions import db
from sfo_review.models._base import UTCDateTime, Versioned, utcnow
from sfo_review.models.evidence import CaseloadContext, ChronologyEntry, SystemicFactor
from sfo_review.models.review import Review
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

    finding: Mapped[Finding] = relationship(back_populates="responses")
    author: Mapped[User] = relationship()
