"""Browser pages: evidence."""

from __future__ import annotations

from sfo_review.evidence import (  # noqa: F401 - registers the routes
    csv_views,
    views,
    working_conditions,
)
from sfo_review.evidence.blueprint import evidence_bp

__all__ = ["evidence_bp"]
