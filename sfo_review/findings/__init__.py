"""Browser pages: findings."""

from __future__ import annotations

from sfo_review.findings import reply_views, views  # noqa: F401 - registers the routes
from sfo_review.findings.blueprint import findings_bp

__all__ = ["findings_bp"]
