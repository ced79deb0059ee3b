"""Browser pages: findings."""

from __future__ import annotations

from flask import Blueprint

findings_bp = Blueprint("findings", __name__)

from sfo_review.findings import views  # noqa: E402,F401 - registers the routes
