"""Support for staff: the support page and the text an admin writes for it."""

from __future__ import annotations

from sfo_review.support import views  # noqa: F401 - registers the routes
from sfo_review.support.blueprint import support_bp

__all__ = ["support_bp"]
