"""Browser pages: evidence."""

from __future__ import annotations

from flask import Blueprint

evidence_bp = Blueprint("evidence", __name__)

from sfo_review.evidence import csv_views, views  # noqa: E402,F401 - registers the routes
