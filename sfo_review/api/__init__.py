"""JSON API v1 (shared/docs/api-v1.md): Bearer tokens, no cookies, no CSRF."""

from __future__ import annotations

from sfo_review.api import (  # noqa: F401 - registers the routes
    addenda,
    children,
    deadlines,
    description,
    evidence,
    factual_accuracy,
    family,
    inspection,
    officer,
    regions,
    views,
)
from sfo_review.api.blueprint import api_bp

__all__ = ["api_bp"]
