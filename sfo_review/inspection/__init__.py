"""Browser pages: the inspection sample (api-v1.1 §C), for leadership and quality assurance."""

from __future__ import annotations

from sfo_review.inspection import views  # noqa: F401 - registers the routes
from sfo_review.inspection.blueprint import inspection_bp

__all__ = ["inspection_bp"]
