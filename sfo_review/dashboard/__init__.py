"""Browser pages: the leadership dashboard (deadlines, themes, actions) and its exports."""

from __future__ import annotations

from flask import Blueprint

dashboard_bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

from sfo_review.dashboard import views  # noqa: E402,F401 - registers the routes
