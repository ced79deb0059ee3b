"""Single sign-on with OpenID Connect (Authlib's Flask client), when OIDC_ISSUER is set.

Authorization code flow with PKCE (S256), `state` and `nonce` (Authlib keeps them in the
session and checks them on the way back). The ID token's signature (the provider's JWKS),
issuer, audience (this client), expiry and issue time are all required and checked
(`claims_options`). Which account it signs in: services/sso_accounts.py.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, url_for

EXTENSION = "sfo_oidc"
CALLBACK_PATH = "/sign-in/sso/callback"
SCOPE = "openid email profile"
# In the session of a person who signed in by single sign-on: sign-out offers the provider's.
SESSION_KEY = "sso"


def init_app(app: Flask) -> None:
    """Register the provider's client on this app when single sign-on is configured."""
    app.jinja_env.globals["sso_enabled"] = enabled
    issuer = app.config.get("OIDC_ISSUER")
    if not issuer:
        return
    oauth = OAuth(app)
    oauth.register(
        "sso",
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": SCOPE, "code_challenge_method": "S256", "timeout": 10},
    )
    app.extensions[EXTENSION] = oauth


def client() -> Any | None:
    """The provider's client (Authlib's FlaskOAuth2App), None when SSO is not configured."""
    oauth = current_app.extensions.get(EXTENSION)
    return None if oauth is None else oauth.create_client("sso")


def enabled() -> bool:
    return EXTENSION in current_app.extensions


def local_sign_in() -> bool:
    return bool(current_app.config["LOCAL_SIGN_IN"])


def redirect_uri() -> str:
    """The callback's address, made from SERVICE_URL (never from the request's Host)."""
    return current_app.config["SERVICE_URL"].rstrip("/") + CALLBACK_PATH


def claims_options() -> dict[str, Any]:
    """Every claim the ID token must carry, and the values `iss` (OIDC_ISSUER, exactly as
    the provider writes it) and `aud` (this client) must have. Authlib checks the audience
    only when told to: without "aud" here a token made for another client would pass."""
    return {
        "iss": {"essential": True, "value": current_app.config["OIDC_ISSUER"]},
        "aud": {"essential": True, "value": current_app.config["OIDC_CLIENT_ID"]},
        "sub": {"essential": True},
        "exp": {"essential": True},
        "iat": {"essential": True},
    }


def end_session_url(sso_client: Any) -> str | None:
    """The provider's end-session address (RP-initiated logout), back to the sign-in page."""
    try:
        endpoint = sso_client.load_server_metadata().get("end_session_endpoint")
    except Exception:  # noqa: BLE001 - the provider is away: sign-out still ends our session
        return None
    if not endpoint:
        return None
    back = current_app.config["SERVICE_URL"].rstrip("/") + url_for("auth.login")
    query = urlencode(
        {"client_id": current_app.config["OIDC_CLIENT_ID"], "post_logout_redirect_uri": back}
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
