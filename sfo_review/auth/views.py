"""Sign in, sign out, change password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from sfo_review import permissions as perm
from sfo_review.auth.forms import ChangePasswordForm, LoginForm
from sfo_review.auth.session import login_required_for, start_session
from sfo_review.extensions import limiter
from sfo_review.services import users as user_service
from sfo_review.services.errors import ValidationFailed

auth_bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def _account_key() -> str:
    # Per account as well as per address: a slow attack from many addresses is still limited.
    return "account:" + (request.form.get("email") or "").strip().lower()[:254]


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.netloc and not parts.scheme:
            return target
    return url_for("reviews.index")


@auth_bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_account_key)
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("reviews.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = user_service.authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            login_user(user)
            start_session()
            return redirect(_safe_next(request.args.get("next")))
        form.email.errors = list(form.email.errors) + [
            "Enter a correct email address and password (accounts that have been "
            "deactivated cannot sign in)"
        ]
    return render_template("auth/login.html", form=form)


login.permission_checked = True  # type: ignore[attr-defined]  # public page


@auth_bp.route("/sign-out", methods=["POST"])
@login_required_for(perm.can_use_own_account)
def logout() -> Response:
    user_service.end_sessions(current_user._get_current_object())
    logout_user()
    flash("You have signed out.")
    return redirect(url_for("auth.login"))


@auth_bp.route("/account/password", methods=["GET", "POST"])
@login_required_for(perm.can_use_own_account)
def change_password() -> str | Response:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if user_service.authenticate(user.email, form.current_password.data or "") is None:
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
