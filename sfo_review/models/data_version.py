"""A counter that moves whenever data behind the leadership figures changes."""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sfo_review.extensions import db


class DataVersion(db.Model):  # type: ignore[name-defined]
    """One row per kind of derived data (`figures`): cached figures are valid for one version.

    Moved in the same transaction as the change (services.figures.cache), so no worker ever
    serves figures older than the data it can read.
    """

    __tablename__ = "data_versions"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
