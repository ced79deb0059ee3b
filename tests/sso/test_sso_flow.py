"""Single sign-on against a real OpenID provider (tests/sso/provider.mjs), driven over HTTP:
the app through the test client, the provider through requests (its login form)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from authlib.integrations.flask_client import FlaskOAuth2App
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from sfo_review.extensions import db as _db
from sfo_review.models import AuditEvent, Notification, User
from tests.sso.conftest import (
    OTHER_CLIENT_ID,
    OTHER_CLIENT_SECRET,
    TEST_CLIENT_SERVICE_URL,
    configure_sso,
    provider_sign_in,
    restore_sso,
)

PROBLEM = "There is a problem signing you in"


def start(client: FlaskClient) -> str:
    """The provider's authorization address the app sends the browser to."""
    response = client.get("/sign-in/sso")
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response.headers["Location"]


def path_of(callback: str) -> str:
    assert callback.startswith(TEST_CLIENT_SERVICE_URL)
    return callback[len(TEST_CLIENT_SERVICE_URL) :]


def sign_in(client: FlaskClient, login: str) -> Any:
    """The whole flow: app → provider (signed in as `login`) → the app's callback."""
    return client.get(path_of(provider_sign_in(start(client), login)))


def signed_in(client: FlaskClient) -> bool:
    return client.get("/").status_code == 200


def test_the_authorization_request_uses_pkce_state_and_nonce(sso_app: Flask, client) -> None:
    query = parse_qs(urlsplit(start(client)).query)
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert query["redirect_uri"] == [f"{TEST_CLIENT_SERVICE_URL}/sign-in/sso/callback"]
    assert set(query["scope"][0].split()) == {"openid", "email", "profile"}


def test_an_existing_account_signs_in_and_is_linked_by_its_verified_email(
    sso_app: Flask, client, make_user
) -> None:
    user = make_user("reviewer", email="rina.sso@example.gov.uk")
    response = sign_in(client, "rina.sso@example.gov.uk")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"  # the review list
    assert signed_in(client)
    assert user.oidc_subject == "rina.sso@example.gov.uk"
    assert user.role == "reviewer"  # the app's own role, untouched
    # Next time the subject finds the account.
    other = sso_app.test_client()
    assert sign_in(other, "rina.sso@example.gov.uk").status_code == 302
    assert signed_in(other)


def test_sign_in_goes_back_to_the_page_asked_for(sso_app: Flask, client, make_user) -> None:
    make_user("reviewer", email="next.page@example.gov.uk")
    response = client.get("/sign-in/sso?next=/notifications")
    callback = provider_sign_in(response.headers["Location"], "next.page@example.gov.uk")
    assert client.get(path_of(callback)).headers["Location"] == "/notifications"


def test_a_hostile_next_address_is_not_followed(sso_app: Flask, client, make_user) -> None:
    make_user("reviewer", email="hostile.next@example.gov.uk")
    response = client.get("/sign-in/sso?next=//evil.example/x")
    callback = provider_sign_in(response.headers["Location"], "hostile.next@example.gov.uk")
    assert client.get(path_of(callback)).headers["Location"] == "/"


def test_a_wrong_state_is_refused(sso_app: Flask, client, make_user) -> None:
    make_user("reviewer", email="state@example.gov.uk")
    callback = provider_sign_in(start(client), "state@example.gov.uk")
    forged = callback.replace("state=", "state=forged")
    response = client.get(path_of(forged))
    assert response.status_code == 400
    assert PROBLEM in response.get_data(as_text=True)
    assert not signed_in(client)


def test_a_replayed_code_is_refused(sso_app: Flask, client, make_user) -> None:
    """The browser's session (with its state, nonce and PKCE verifier) copied before the
    callback, and the callback sent again from it: the provider refuses the used code."""
    make_user("reviewer", email="replay@example.gov.uk")
    callback = provider_sign_in(start(client), "replay@example.gov.uk")
    cookie = client.get_cookie("session")
    assert cookie is not None
    assert client.get(path_of(callback)).status_code == 302
    assert signed_in(client)
    thief = sso_app.test_client()
    thief.set_cookie("session", cookie.value)
    response = thief.get(path_of(callback))
    assert response.status_code == 400
    assert PROBLEM in response.get_data(as_text=True)
    assert not signed_in(thief)


def test_a_code_from_another_sign_in_is_refused(sso_app: Flask, client, make_user) -> None:
    make_user("reviewer", email="other.code@example.gov.uk")
    callback = provider_sign_in(start(client), "other.code@example.gov.uk")
    other = sso_app.test_client()
    state = parse_qs(urlsplit(start(other)).query)["state"][0]
    code = parse_qs(urlsplit(callback).query)["code"][0]
    response = other.get(f"/sign-in/sso/callback?code={code}&state={state}")
    assert response.status_code == 400
    assert not signed_in(other)
    # PKCE: the code is bound to the verifier in its own browser's session, which can still
    # use it.
    assert client.get(path_of(callback)).status_code == 302
    assert signed_in(client)


def test_an_id_token_for_another_audience_is_refused(
    app: Flask, db: Any, oidc_issuer: str, make_user
) -> None:
    """The provider makes the ID token for the client that exchanged the code ("sfo-other");
    the app, which is "sfo-review", must not take it."""
    make_user("reviewer", email="audience@example.gov.uk")
    saved = configure_sso(
        app, oidc_issuer, OIDC_CLIENT_ID=OTHER_CLIENT_ID, OIDC_CLIENT_SECRET=OTHER_CLIENT_SECRET
    )
    try:
        app.config["OIDC_CLIENT_ID"] = "sfo-review"  # what the app checks `aud` against
        client = app.test_client()
        response = sign_in(client, "audience@example.gov.uk")
        assert response.status_code == 400
        assert not signed_in(client)
    finally:
        restore_sso(app, saved)


def test_an_expired_id_token_is_refused(sso_app: Flask, client, make_user) -> None:
    """The provider's ID tokens last 10 minutes; the app's clock is an hour ahead of it."""
    make_user("reviewer", email="expired@example.gov.uk")
    callback = provider_sign_in(start(client), "expired@example.gov.uk")
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=1), tick=True):
        response = client.get(path_of(callback))
    assert response.status_code == 400
    assert not signed_in(client)


def test_an_id_token_from_another_issuer_is_refused(sso_app: Flask, client, make_user) -> None:
    make_user("reviewer", email="issuer@example.gov.uk")
    callback = provider_sign_in(start(client), "issuer@example.gov.uk")
    sso_app.config["OIDC_ISSUER"] = "https://someone-else.example"
    response = client.get(path_of(callback))
    assert response.status_code == 400
    assert not signed_in(client)


def test_an_id_token_with_a_broken_signature_is_refused(
    sso_app: Flask, client, make_user, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_user("reviewer", email="signature@example.gov.uk")
    real = FlaskOAuth2App.fetch_access_token

    def tampered(self: FlaskOAuth2App, *args: Any, **kwargs: Any) -> dict[str, Any]:
        token: dict[str, Any] = real(self, *args, **kwargs)
        header, payload, signature = token["id_token"].split(".")
        flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
        token["id_token"] = f"{header}.{payload}.{flipped}"
        return token

    monkeypatch.setattr(FlaskOAuth2App, "fetch_access_token", tampered)
    response = sign_in(client, "signature@example.gov.uk")
    assert response.status_code == 400
    assert not signed_in(client)


def test_an_unknown_person_gets_an_account_waiting_for_a_role(
    sso_app: Flask, client, make_user
) -> None:
    admin = make_user("admin")
    response = sign_in(client, "nia.newcomer@example.gov.uk")
    assert response.headers["Location"].endswith("/account/waiting")
    user = _db.session.scalar(select(User).where(User.email == "nia.newcomer@example.gov.uk"))
    assert user is not None and not user.has_role and user.name == "Nia Newcomer"
    page = client.get("/account/waiting")
    assert "Your account is waiting for an administrator" in page.get_data(as_text=True)
    for elsewhere in ("/", "/notifications", "/account/password", "/admin/users"):
        assert client.get(elsewhere).headers["Location"].endswith("/account/waiting")
    told = _db.session.scalars(select(Notification).where(Notification.user_id == admin.id))
    assert any("waiting for a role" in n.message for n in told)


def test_a_deactivated_account_is_refused(sso_app: Flask, client, make_user) -> None:
    user = make_user("reviewer", email="gone@example.gov.uk")
    assert sign_in(client, "gone@example.gov.uk").status_code == 302
    user.active = False
    _db.session.commit()
    other = sso_app.test_client()
    response = sign_in(other, "gone@example.gov.uk")
    assert response.status_code == 403
    assert "deactivated" in response.get_data(as_text=True)
    assert not signed_in(other)
    assert not signed_in(client)  # the session already open ends too


def test_an_unverified_email_is_refused(sso_app: Flask, client, make_user) -> None:
    make_user("reviewer", email="unverified.person@example.gov.uk")
    response = sign_in(client, "unverified.person@example.gov.uk")
    assert response.status_code == 403
    assert "did not confirm your email address" in response.get_data(as_text=True)
    assert not signed_in(client)
    linked = _db.session.scalar(select(User).where(User.oidc_subject.is_not(None)))
    assert linked is None


def test_an_email_already_linked_to_another_subject_is_refused(
    sso_app: Flask, client, make_user
) -> None:
    user = make_user("reviewer", email="taken@example.gov.uk")
    user.oidc_subject = "someone-else"
    _db.session.commit()
    response = sign_in(client, "taken@example.gov.uk")
    assert response.status_code == 403
    assert "already linked" in response.get_data(as_text=True)


def test_session_rules_apply_to_sso_sessions(sso_app: Flask, client, make_user) -> None:
    make_user("reviewer", email="idle@example.gov.uk")
    sign_in(client, "idle@example.gov.uk")
    assert signed_in(client)
    idle = sso_app.config["SESSION_INACTIVITY_TIMEOUT"] + timedelta(minutes=1)
    with time_machine.travel(datetime.now(UTC) + idle, tick=True):
        response = client.get("/")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_sign_out_ends_the_session_and_offers_the_providers(sso_app: Flask, client, make_user):
    make_user("reviewer", email="leaving@example.gov.uk")
    sign_in(client, "leaving@example.gov.uk")
    response = client.post("/sign-out")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Sign out of your work account" in html
    assert not signed_in(client)
    from bs4 import BeautifulSoup

    link = BeautifulSoup(html, "html.parser").select_one("#provider-sign-out")
    assert link is not None
    href = str(link["href"])
    assert href.startswith(sso_app.config["OIDC_ISSUER"])
    query = parse_qs(urlsplit(href).query)
    assert query["client_id"] == ["sfo-review"]
    assert query["post_logout_redirect_uri"] == [f"{TEST_CLIENT_SERVICE_URL}/sign-in"]
    import requests

    assert requests.get(href, timeout=10).status_code == 200  # the provider's own page


def test_a_password_sign_out_does_not_mention_the_provider(sso_app: Flask, client, login_as):
    login_as("reviewer")
    response = client.post("/sign-out")
    assert response.status_code == 302


def test_each_sign_in_is_audited(sso_app: Flask, client, make_user) -> None:
    make_user("reviewer", email="audited@example.gov.uk")
    sign_in(client, "audited@example.gov.uk")
    actions = _db.session.scalars(select(AuditEvent.action)).all()
    assert "user.sso_linked" in actions
