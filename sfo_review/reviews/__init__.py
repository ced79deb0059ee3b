"""Browser pages for reviews and everything recorded on them."""

from __future__ import annotations

from flask import Blueprint

reviews_bp = Blueprint("reviews", __name__)

from sfo_review.reviews import (  # noqa: E402,F401 - registers the routes
    deadline_views,
    lifecycle_views,
    list_views,
    views,
)
