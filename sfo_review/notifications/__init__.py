"""Browser pages: the notifications list, the staff support page and its admin editor."""

from __future__ import annotations

from flask import Blueprint

notifications_bp = Blueprint("notifications", __name__)

from sfo_review.notifications import views  # noqa: E402,F401 - registers the routes
