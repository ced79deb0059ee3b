"""The append-only audit trail and the approved report snapshots."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sfo_review.extensions import db
from sfo_review.models._base import UTCDateTime, utcnow
from sfo_review.models.user import User


class AuditEvent(db.Model):  # type: ignore[name-defined]
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_review_id_id", "review_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int | None] = mapped_column(
        ForeignKey("reviews.id", ondelete="SET NULL"), nullable=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    # e.g. "review.created", "finding.updated", "review.viewed", "report.exported"
    action: Mapped[str] = mapped_column(String(60), nullable=False)
    summary: Mapped[str] = mapped_column(String(500), nullable=False)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    user: Mapped[User | None] = relationship()


class AuditIsAppendOnly(Exception):
    pass


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(*_args: object) -> None:
    raise AuditIsAppendOnly("audit events are never changed")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(*_args: object) -> None:
    raise AuditIsAppendOnly("audit events are never deleted")


class ReportSnapshot(db.Model):  # type: ignore[name-defined]
    """The approved PDF, stored once: later downloads return exactly these bytes.

    One per variant and format: `standard` (tagged PDF/UA-1) and `archival` (PDF/A-3b).
    """

    __tablename__ = "report_snapshots"
    __table_args__ = (UniqueConstraint("review_id", "variant", "format"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(
        ForeignKey("reviews.id", ondelete="CASCADE"), nullable=False, index=True
    )
    variant: Mapped[str] = mapped_column(String(30), nullable=False)
    format: Mapped[str] = mapped_column(
        String(20), nullable=False, default="standard", server_default="standard"
    )
    pdf: Mapped[bytes] = mapped_column(LargeBinary, nullable=False, deferred=True)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
