"""Browser pages: findings."""

from __future__ import annotations

from sfo_review.findings import (  # noqa: F401 - registers the routes
    factual_accuracy,
    just_culture_views,
    reply_views,
    views,
)
from sfo_review.findings.blueprint import findings_bp

__all__ = ["findings_bp"]
