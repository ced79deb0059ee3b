"""PDF reports rendered with WeasyPrint from templates/pdf/, and their download pages."""

from __future__ import annotations

from flask import Blueprint

reports_bp = Blueprint("reports", __name__)

from sfo_review.reports import views  # noqa: E402,F401 - registers the routes
