"""Session and header hardening (issue 12, item 14): a new CSRF secret at sign-in, a
__Host- session cookie in production, absolute URLs never made from the Host header, and
the Permissions-Policy and Cross-Origin-Opener-Policy headers."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

import config
from sfo_review import create_app
from tests.conftest import PASSWORD
from tests.helpers import csrf_token


@pytest.mark.csrf
def test_signing_in_gives_the_session_a_new_csrf_secret(client, make_user):
    user = make_user("reviewer")
    before = csrf_token(client, "/sign-in")
    with client.session_transaction() as session:
        secret_before = session["csrf_token"]
    response = client.post(
        "/sign-in", data={"email": user.email, "password": PASSWORD, "csrf_token": before}
    )
    assert response.status_code == 302
    client.get("/account/password")  # a page with a form makes the new one
    with client.session_transaction() as session:
        assert session["csrf_token"] != secret_before
    # A token handed out before sign-in (say, planted by another site) is no use after it.
    assert client.post("/sign-out", data={"csrf_token": before}).status_code == 400
    fresh = csrf_token(client, "/account/password")
    assert client.post("/sign-out", data={"csrf_token": fresh}).status_code == 302


# --- the production session cookie -----------------------------------------------------------


@pytest.fixture
def production_app(tmp_path: Path) -> Flask:
    class Production(config.ProductionConfig):
        SECRET_KEY = "a-production-like-secret"  # noqa: S105
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'prod.db'}"

    return create_app(Production)


def test_production_names_the_session_cookie_with_the_host_prefix(production_app):
    assert production_app.config["SESSION_COOKIE_NAME"] == "__Host-session"
    response = production_app.test_client().get("/sign-in", base_url="https://sfo.example")
    (cookie,) = response.headers.getlist("Set-Cookie")
    # __Host- cookies must be Secure, for Path=/, with no Domain: browsers refuse them else.
    assert cookie.startswith("__Host-session=")
    attributes = [part.strip().lower() for part in cookie.split(";")[1:]]
    assert "secure" in attributes and "path=/" in attributes and "httponly" in attributes
    assert not any(a.startswith("domain=") for a in attributes)


def test_development_keeps_a_plain_cookie_name():
    assert config.DevelopmentConfig.SESSION_COOKIE_NAME == "session"
    assert config.TestConfig.SESSION_COOKIE_NAME == "session"


# --- absolute URLs and the Host header -------------------------------------------------------


def test_the_apis_next_link_never_comes_from_the_host_header(app, client, make_user, make_review):
    from sfo_review.services import users as user_service

    reviewer = make_user("reviewer")
    for crn in ("A111111", "B222222"):
        make_review(reviewer, case_reference=crn)
    token = user_service.issue_token(reviewer)
    response = client.get(
        "/api/v1/reviews?per_page=1",
        headers={"Authorization": f"Bearer {token}", "Host": "evil.example"},
    )
    body = response.get_json()
    assert "evil.example" not in response.get_data(as_text=True)
    assert body["next"] == "http://localhost:5000/api/v1/reviews?page=2&per_page=1"
    app.config["SERVICE_URL"] = "https://sfo.justice.example/"
    try:
        body = client.get(
            "/api/v1/reviews?per_page=1",
            headers={"Authorization": f"Bearer {token}", "Host": "evil.example"},
        ).get_json()
    finally:
        app.config["SERVICE_URL"] = "http://localhost:5000"
    assert body["next"] == "https://sfo.justice.example/api/v1/reviews?page=2&per_page=1"


def test_trusted_hosts_refuse_any_other_host(app, client, db):
    app.config["TRUSTED_HOSTS"] = ["sfo.justice.example"]
    try:
        assert client.get("/sign-in", headers={"Host": "evil.example"}).status_code == 400
        assert client.get("/sign-in", headers={"Host": "sfo.justice.example"}).status_code == 200
    finally:
        app.config["TRUSTED_HOSTS"] = None


def test_trusted_hosts_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("TRUSTED_HOSTS", " sfo.justice.example, .internal.example ,")
    assert config.trusted_hosts() == ["sfo.justice.example", ".internal.example"]
    monkeypatch.delenv("TRUSTED_HOSTS")
    assert config.trusted_hosts() is None


# --- headers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/sign-in", "/api/v1/reviews", "/healthz", "/no-such-page"])
def test_permissions_policy_and_cross_origin_opener_policy_on_every_answer(client, db, path):
    response = client.get(path)
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = response.headers["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy
