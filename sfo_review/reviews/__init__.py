"""Browser pages for reviews and everything recorded on them."""

from __future__ import annotations

from sfo_review.reviews import deadline_views, lifecycle_views, list_views, views  # noqa: F401 - registers the routes
from sfo_review.reviews.blueprint import reviews_bp

__all__ = ["reviews_bp"]
