"""Browser pages: actions."""

from __future__ import annotations

from sfo_review.actions import home, status_views, views  # noqa: F401 - registers the routes
from sfo_review.actions.blueprint import actions_bp

__all__ = ["actions_bp"]
