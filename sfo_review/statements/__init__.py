"""Browser pages: statements."""

from __future__ import annotations

from sfo_review.statements import addenda, decline, views  # noqa: F401 - registers the routes
from sfo_review.statements.blueprint import statements_bp

__all__ = ["statements_bp"]
