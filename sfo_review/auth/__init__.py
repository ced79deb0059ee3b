"""Sign-in, sessions and the route decorators that need a signed-in user."""

from __future__ import annotations

from sfo_review.auth import sso_views, timeout, views  # noqa: F401 - registers the routes
from sfo_review.auth.blueprint import auth_bp

__all__ = ["auth_bp"]
