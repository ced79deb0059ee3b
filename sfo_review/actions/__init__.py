"""Browser pages: actions."""

from __future__ import annotations

from flask import Blueprint

actions_bp = Blueprint("actions", __name__)

from sfo_review.actions import views  # noqa: E402,F401 - registers the routes
