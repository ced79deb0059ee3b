"""Browser pages: statements."""

from __future__ import annotations

from flask import Blueprint

statements_bp = Blueprint("statements", __name__)

from sfo_review.statements import addenda, decline, views  # noqa: E402,F401 - registers the routes
