"""The reference list of probation regions and their PDUs (probation delivery units).

Reviews and leadership accounts store the names (as the API gives them, and as the dashboard
and list filters compare them, on their indexes); these tables say which names are valid.
A retired PDU is not offered for new choices but stays valid on the reviews that have it.
"""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sfo_review.extensions import db


class Region(db.Model):  # type: ignore[name-defined]
    __tablename__ = "regions"

    __table_args__ = (UniqueConstraint("name", name="uq_regions_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)

    pdus: Mapped[list[Pdu]] = relationship(
        back_populates="region", order_by="Pdu.name", cascade="all, delete-orphan"
    )


class Pdu(db.Model):  # type: ignore[name-defined]
    __tablename__ = "pdus"
    __table_args__ = (UniqueConstraint("region_id", "name", name="uq_pdus_region_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), nullable=False, index=True)
    retired: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )

    region: Mapped[Region] = relationship(back_populates="pdus")
