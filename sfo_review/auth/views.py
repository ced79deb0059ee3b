"""Sign in, sign out, change password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from sfo_review.auth import throttle
from sfo_review.auth.forms import ChangePasswordForm, LoginForm
from sfo_review.auth.session import login_required_for, start_session
from sfo_review.models import User
from sfo_review.services import users as user_service
from sfo_review.services.errors import ValidationFailed

auth_bp = Blueprint("auth", __name__)
WRONG_SIGN_IN = (
    "Enter a correct email address and password (accounts that have been deactivated cannot "
    "sign in)"
)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.netloc and not parts.scheme:
            return target
    return url_for("reviews.index")


def _checked_password(email: str, password: str) -> User | throttle.Locked | None:
    """The active account with this email and password; Locked while too many wrong
    passwords have been tried for it (the password is then not even checked); None."""
    locked = throttle.locked(email)
    if locked is not None:
        return locked
    user = user_service.authenticate(email, password)
    if user is None:
        throttle.failed(email)
    return user


@auth_bp.route("/sign-in", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(url_for("reviews.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = _checked_password(form.email.data or "", form.password.data or "")
        if isinstance(user, throttle.Locked):
            form.email.errors = [user.message]
            return render_template("auth/login.html", form=form), 429
        if user is not None:
            login_user(user)
            start_session()
            return redirect(_safe_next(request.args.get("next")))
        form.email.errors = [WRONG_SIGN_IN]
    return render_template("auth/login.html", form=form)


login.permission_checked = True  # type: ignore[attr-defined]  # public page


@auth_bp.route("/sign-out", methods=["POST"])
@login_required_for()
def logout() -> Response:
    user_service.end_sessions(current_user._get_current_object())
    logout_user()
    flash("You have signed out.")
    return redirect(url_for("auth.login"))


@auth_bp.route("/account/password", methods=["GET", "POST"])
@login_required_for()
def change_password() -> str | Response | tuple[str, int]:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        checked = _checked_password(user.email, form.current_password.data or "")
        if isinstance(checked, throttle.Locked):
            form.current_password.errors = [checked.message]
            return render_template("auth/change_password.html", form=form), 429
        if checked is None:
            form.current_password.errors = ["Your current password is not correct"]
        else:
            try:
                user_service.change_password(user, user, form.new_password.data or "")
            except ValidationFailed as exc:
                form.new_password.errors = exc.fields.get("password", [exc.message])
            else:
                login_user(user)  # the session token rotated: keep this session only
                start_session()
                flash("Your password has been changed. Other sessions have been signed out.")
                return redirect(url_for("reviews.index"))
    return render_template("auth/change_password.html", form=form)


from sfo_review.auth import timeout  # noqa: E402,F401 - registers the session routes
