"""Browser pages: statements."""

from __future__ import annotations

from sfo_review.statements import (  # noqa: F401 - registers the routes
    addenda,
    decline,
    outstanding,
    views,
)
from sfo_review.statements.blueprint import statements_bp

__all__ = ["statements_bp"]
