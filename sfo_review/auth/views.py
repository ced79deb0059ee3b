"""Sign in, sign out, change password."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from sfo_review import permissions as perm
from sfo_review.auth import sso, throttle
from sfo_review.auth.blueprint import auth_bp, safe_next
from sfo_review.auth.forms import (
    ChangePasswordForm,
    LoginForm,
    RevokeTokenForm,
    SetPasswordForm,
)
from sfo_review.auth.session import actor, login_required_for, start_session
from sfo_review.models import User
from sfo_review.services import api_tokens, password_links
from sfo_review.services import users as user_service
from sfo_review.services.errors import NotFound, ValidationFailed

WRONG_SIGN_IN = (
    "Enter a correct email address and password (accounts that have been deactivated cannot "
    "sign in)"
)


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
    if not sso.local_sign_in():
        status = 403 if request.method == "POST" else 200
        return render_template("auth/login.html", form=None), status
    if form.validate_on_submit():
        user = _checked_password(form.email.data or "", form.password.data or "")
        if isinstance(user, throttle.Locked):
            form.email.errors = [user.message]
            return render_template("auth/login.html", form=form), 429
        if user is not None:
            login_user(user)
            start_session()
            return redirect(safe_next(request.args.get("next")))
        form.email.errors = [WRONG_SIGN_IN]
    return render_template("auth/login.html", form=form)


login.permission_checked = True  # type: ignore[attr-defined]  # public page


@auth_bp.route("/sign-out", methods=["POST"])
@login_required_for(perm.can_use_own_account)
def logout() -> Response | str:
    user_service.end_sessions(current_user._get_current_object())
    signed_in_by_sso = bool(session.get(sso.SESSION_KEY))
    logout_user()
    session.clear()
    client = sso.client() if signed_in_by_sso else None
    provider_sign_out = sso.end_session_url(client) if client is not None else None
    if provider_sign_out:
        return render_template("auth/signed_out.html", provider_sign_out=provider_sign_out)
    flash("You have signed out.")
    return redirect(url_for("auth.login"))


def _account_page(form: ChangePasswordForm, status: int = 200) -> tuple[str, int]:
    """'Your account': who you are, your API tokens, and the change-password form."""
    tokens = api_tokens.active_tokens(actor())
    return render_template("auth/change_password.html", form=form, tokens=tokens), status


def _changed(user: User, password: str, form: ChangePasswordForm) -> bool:
    """Change the password (the current one was right); errors go on the form."""
    had_tokens = bool(api_tokens.active_tokens(user))
    try:
        user_service.change_password(user, user, password)
    except ValidationFailed as exc:
        form.new_password.errors = exc.fields.get("password", [exc.message])
        return False
    login_user(user)  # the session token rotated: keep this session only
    start_session()
    tokens = " Your API tokens have been revoked." if had_tokens else ""
    flash(f"Your password has been changed. Other sessions have been signed out.{tokens}")
    return True


@auth_bp.route("/account/password", methods=["GET", "POST"])
@login_required_for(perm.can_use_own_account)
def change_password() -> Response | tuple[str, int]:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = actor()
        checked = _checked_password(user.email, form.current_password.data or "")
        if isinstance(checked, throttle.Locked):
            form.current_password.errors = [checked.message]
            return _account_page(form, 429)
        if checked is None:
            form.current_password.errors = ["Your current password is not correct"]
        elif _changed(user, form.new_password.data or "", form):
            return redirect(url_for("reviews.index"))
    return _account_page(form)


@auth_bp.post("/account/tokens/<int:token_id>/revoke")
@login_required_for(perm.can_use_own_account)
def revoke_token(token_id: int) -> Response:
    """Revoke one of your own API tokens (anyone else's is not found)."""
    if RevokeTokenForm().validate_on_submit():
        if api_tokens.revoke(actor(), token_id):
            flash("The API token has been revoked: it no longer works.")
        else:
            flash("That API token had already stopped working.", "info")
    else:
        flash("Your form expired. Try again.", "info")
    return redirect(url_for("auth.change_password"))


def _link_not_working() -> tuple[str, int]:
    return render_template("auth/set_password_invalid.html"), 404


@auth_bp.route(password_links.PATH + "<token>", methods=["GET", "POST"])
def set_password(token: str) -> Response | tuple[str, int]:
    """The page a one-time link opens: its owner sets their password (no sign-in needed)."""
    link = password_links.link_for(token)
    if link is None:
        return _link_not_working()
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            password_links.set_password(token, form.new_password.data or "")
        except ValidationFailed as exc:
            form.new_password.errors = exc.fields.get("password", [exc.message])
        except NotFound:  # used in another tab since the page was opened
            return _link_not_working()
        else:
            if current_user.is_authenticated:
                logout_user()  # whoever was signed in on this browser
            session.clear()
            flash("Your password has been set. Sign in with it.")
            return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", form=form, email=link.user.email), 200


set_password.permission_checked = True  # type: ignore[attr-defined]  # public: the link is the key
