"""Browser pages: the leadership dashboard (deadlines, themes, actions) and its exports."""

from __future__ import annotations

from sfo_review.dashboard import views  # noqa: F401 - registers the routes
from sfo_review.dashboard.blueprint import dashboard_bp

__all__ = ["dashboard_bp"]
