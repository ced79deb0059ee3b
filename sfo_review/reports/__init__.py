"""PDF reports rendered with WeasyPrint from templates/pdf/, and their download pages."""

from __future__ import annotations

from sfo_review.reports import views  # noqa: F401 - registers the routes
from sfo_review.reports.blueprint import reports_bp

__all__ = ["reports_bp"]
