"""Browser pages: findings."""

from __future__ import annotations

from sfo_review.findings import factual_accuracy, views  # noqa: F401 - registers the routes
from sfo_review.findings.blueprint import findings_bp

__all__ = ["findings_bp"]
