"""Browser pages: the criminal case, and contact with the victim's family (api-v1.1 C)."""

from __future__ import annotations

from sfo_review.family import case_views, summary_views, views  # noqa: F401 - registers the routes
from sfo_review.family.blueprint import family_bp

__all__ = ["family_bp"]
