"""User administration (no review content)."""

from __future__ import annotations

from sfo_review.admin import regions, views  # noqa: F401 - registers the routes
from sfo_review.admin.blueprint import admin_bp

__all__ = ["admin_bp"]
