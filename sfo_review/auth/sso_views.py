"""Single sign-on's routes: start at the provider, come back, wait for a role."""

from __future__ import annotations

import logging

from authlib.common.errors import AuthlibBaseError
from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user
from joserfc.errors import JoseError
from requests import RequestException
from werkzeug.wrappers import Response

from sfo_review import permissions as perm
from sfo_review.auth import sso
from sfo_review.auth.blueprint import auth_bp, safe_next
from sfo_review.auth.session import actor, login_required_for, start_session
from sfo_review.services import sso_accounts

log = logging.getLogger(__name__)
NEXT_KEY = "sso_next"
# A signed-in account with no role may only wait, sign out, and keep its session alive.
WAITING_ENDPOINTS = frozenset(
    {"auth.waiting", "auth.logout", "auth.session_status", "auth.keep_alive", "static"}
)
NOT_COMPLETED = (
    "We could not complete your sign-in with your work account. Go back to the sign-in page "
    "and try again."
)
UNAVAILABLE = "Your organisation's sign-in service is not answering. Try again later."


def _problem(message: str, status: int) -> tuple[str, int]:
    return render_template("auth/sso_problem.html", message=message), status


@auth_bp.get("/sign-in/sso")
def sso_start() -> Response | tuple[str, int]:
    """Send the browser to the provider (state, nonce and PKCE's verifier kept in the session)."""
    client = sso.client()
    if client is None:
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("reviews.index"))
    session[NEXT_KEY] = safe_next(request.args.get("next"))
    try:
        response: Response = client.authorize_redirect(sso.redirect_uri())
    except (RequestException, AuthlibBaseError, ValueError):
        log.exception("single sign-on: the provider's discovery document could not be read")
        return _problem(UNAVAILABLE, 503)
    return response


sso_start.permission_checked = True  # type: ignore[attr-defined]  # public: starts a sign-in


@auth_bp.get(sso.CALLBACK_PATH)
def sso_callback() -> Response | tuple[str, int]:
    """The provider sends the browser back here with a code: exchange it, check the ID
    token, and sign in the account it names (refused: a clear page, never a 500)."""
    client = sso.client()
    if client is None:
        abort(404)
    if "error" in request.args or not request.args.get("code") or not request.args.get("state"):
        return _problem(NOT_COMPLETED, 400)
    try:
        token = client.authorize_access_token(
            claims_options=sso.claims_options(),
            leeway=int(current_app.config["OIDC_LEEWAY_SECONDS"]),
        )
    except RequestException:
        log.exception("single sign-on: the provider did not answer")
        return _problem(UNAVAILABLE, 503)
    except (AuthlibBaseError, JoseError, KeyError, ValueError, TypeError) as exc:
        log.warning("single sign-on refused: %s", exc)
        return _problem(NOT_COMPLETED, 400)
    claims = token.get("userinfo") if isinstance(token, dict) else None
    if not claims:
        return _problem(NOT_COMPLETED, 400)
    try:
        user = sso_accounts.sign_in(dict(claims))
    except sso_accounts.SignInRefused as exc:
        return _problem(exc.message, 403)
    login_user(user)
    start_session()
    session[sso.SESSION_KEY] = True
    next_page = session.pop(NEXT_KEY, None)
    if not user.has_role:
        return redirect(url_for("auth.waiting"))
    return redirect(safe_next(next_page))


sso_callback.permission_checked = True  # type: ignore[attr-defined]  # public: ends a sign-in


@auth_bp.get("/account/waiting")
@login_required_for(perm.can_use_own_account)
def waiting() -> Response | str:
    """'Your account is waiting for an administrator': all a role-less account can see."""
    if actor().has_role:
        return redirect(url_for("reviews.index"))
    return render_template("auth/waiting.html")


def keep_waiting() -> Response | None:
    """before_request: a signed-in account with no role goes to the waiting page (the API
    refuses it too: it has no role, so no permission)."""
    # The API and static files first: they never load the session's user (one query less).
    if request.blueprint == "api" or request.endpoint in (None, "static", "healthz", "readyz"):
        return None
    if not current_user.is_authenticated or current_user.has_role:
        return None
    if request.endpoint in WAITING_ENDPOINTS:
        return None
    return redirect(url_for("auth.waiting"))
