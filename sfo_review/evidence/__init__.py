"""Browser pages: evidence."""

from __future__ import annotations

from sfo_review.evidence import csv_views, views  # noqa: F401 - registers the routes
from sfo_review.evidence.blueprint import evidence_bp

__all__ = ["evidence_bp"]
