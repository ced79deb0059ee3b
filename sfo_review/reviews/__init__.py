"""Browser pages for reviews and everything recorded on them."""

from __future__ import annotations

from sfo_review.reviews import views  # noqa: F401 - registers the routes
from sfo_review.reviews.blueprint import reviews_bp
from sfo_review.reviews.deadline import views as deadline_views  # noqa: F401
from sfo_review.reviews.lifecycle import views as lifecycle_views  # noqa: F401
from sfo_review.reviews.listing import views as listing_views  # noqa: F401

__all__ = ["reviews_bp"]
