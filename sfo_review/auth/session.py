"""Flask-Login wiring and server-side session timeouts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_login import current_user, logout_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from sfo_review.extensions import db, login_manager
from sfo_review.models import User

P = ParamSpec("P")
R = TypeVar("R")


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    # Flask-Login "alternative tokens": the cookie carries User.session_token, which rotates
    # on logout, password change and deactivation, ending those sessions at once.
    user = db.session.scalar(select(User).where(User.session_token == session_token))
    if user is None or not user.active:
        return None
    return user


def _now() -> float:
    return datetime.now(UTC).timestamp()


def start_session() -> None:
    """A signed-in session begins (sign-in, or a password change): timeouts start, and the
    CSRF secret is new, so no token handed out before (to anyone) is good after."""
    session.permanent = True
    session["login_at"] = _now()
    session["last_seen"] = _now()
    _new_csrf_secret()


def _new_csrf_secret() -> None:
    # Flask-WTF keeps the raw CSRF secret in the session and the signed token on g, both
    # under WTF_CSRF_FIELD_NAME; without them it makes a new one for the next form.
    name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session.pop(name, None)
    g.pop(name, None)


def _expired() -> str | None:
    now = _now()
    cfg = current_app.config
    login_at = session.get("login_at")
    last_seen = session.get("last_seen")
    if login_at is None or last_seen is None:
        return "Sign in to continue."
    if now - login_at > cfg["SESSION_ABSOLUTE_TIMEOUT"].total_seconds():
        return "Your session has ended. Sign in again to continue."
    if now - last_seen > cfg["SESSION_INACTIVITY_TIMEOUT"].total_seconds():
        minutes = int(cfg["SESSION_INACTIVITY_TIMEOUT"].total_seconds() // 60)
        return f"You were signed out after {minutes} minutes without activity. Sign in again."
    return None


def seconds_left() -> tuple[int, int]:
    """(seconds until the inactivity sign-out, seconds until the absolute one)."""
    now = _now()
    cfg = current_app.config
    idle = session.get("last_seen", now) + cfg["SESSION_INACTIVITY_TIMEOUT"].total_seconds()
    absolute = session.get("login_at", now) + cfg["SESSION_ABSOLUTE_TIMEOUT"].total_seconds()
    return max(0, int(idle - now)), max(0, int(absolute - now))


# Asking how long is left is not activity: the timeout warning polls it.
PASSIVE_ENDPOINTS = ("auth.session_status",)


def enforce_timeouts() -> Response | None:
    """before_request: end sessions that were idle or open too long."""
    if request.blueprint == "api" or request.endpoint in (None, "static", "healthz", "readyz"):
        return None
    if not current_user.is_authenticated:
        return None
    message = _expired()
    if message:
        logout_user()
        session.clear()
        flash(message, "info")
        next_page = request.path if request.endpoint not in PASSIVE_ENDPOINTS else None
        return redirect(url_for("auth.login", next=next_page))
    if request.endpoint not in PASSIVE_ENDPOINTS:
        session["last_seen"] = _now()
    return None


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to continue."
    login_manager.session_protection = "basic"
    app.before_request(enforce_timeouts)


def actor() -> User:
    """The signed-in user as a plain User object (for service calls)."""
    user: User = current_user._get_current_object()
    return user


UserCheck = Callable[[User], bool]


def login_required_for(*permissions: UserCheck) -> Any:
    """Decorator: a signed-in user whom one of the named `permissions` allows (403 otherwise).

    Each permission is a function of sfo_review/permissions.py taking the user, e.g.
    `@login_required_for(perm.can_manage_users)` (as GOV.UK Notify's `user_has_permissions`
    names its permissions). With none, any signed-in user passes the decorator: a route about
    one review then checks the caller's permission on that review when it loads it
    (`loaders.get_review_or_404(..., perm.can_...)`). The names are kept on the view as
    `permissions`, for tests/test_guards.py.
    """
    from sfo_review import permissions as perm
    from sfo_review.services.errors import Forbidden

    for check in permissions:
        if not perm.is_named_permission(check):
            raise TypeError(f"{check!r} is not a permission function of sfo_review.permissions")

    def decorator(view: Any) -> Any:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            user = actor()
            if permissions and not any(check(user) for check in permissions):
                raise Forbidden()
            return view(*args, **kwargs)

        wrapped.permission_checked = True  # type: ignore[attr-defined]
        wrapped.permissions = tuple(check.__name__ for check in permissions)  # type: ignore[attr-defined]
        return wrapped

    return decorator
