"""Browser pages: findings."""

from __future__ import annotations

from sfo_review.findings import just_culture_views, reply_views, views  # noqa: F401 - routes
from sfo_review.findings.blueprint import findings_bp

__all__ = ["findings_bp"]
