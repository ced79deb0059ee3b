"""Browser pages: the notifications list, the staff support page and its admin editor."""

from __future__ import annotations

from sfo_review.notifications import views  # noqa: F401 - registers the routes
from sfo_review.notifications.blueprint import notifications_bp

__all__ = ["notifications_bp"]
