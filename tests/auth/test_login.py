"""Signing in and out, session timeouts, rate limiting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sfo_review.services import users as user_service
from tests.conftest import PASSWORD
from tests.helpers import error_summary, page, post_form

# Signing in and the session around it, with CSRF protection on as in production.
pytestmark = pytest.mark.csrf

ACCOUNT = "/account/password"  # a page every signed-in user can open


def test_sign_in_page_has_one_h1_and_csrf(client):
    soup = page(client.get("/sign-in"))
    assert len(soup.select("h1")) == 1
    assert soup.select_one("input[name=csrf_token]") is not None


def test_sign_in_and_out(client, make_user):
    user = make_user("reviewer")
    response = post_form(client, "/sign-in", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert page(client.get(ACCOUNT)).find(string=lambda s: s and user.name in s)
    token_before = user.session_token
    response = post_form(client, "/sign-out", {}, form_url="/")
    assert response.status_code == 302
    assert client.get(ACCOUNT).status_code == 302  # signed out: back to sign-in
    from sfo_review.extensions import db

    db.session.refresh(user)
    assert user.session_token != token_before  # the old cookie can never be replayed


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("", "", "Enter your email address"),
        ("someone@example.gov.uk", "", "Enter your password"),
        ("nobody@example.gov.uk", "wrong-password-here", "Enter a correct email address"),
    ],
)
def test_sign_in_errors(client, make_user, email, password, message):
    make_user("reviewer")
    response = post_form(client, "/sign-in", {"email": email, "password": password})
    assert response.status_code == 200
    assert any(message in e for e in error_summary(response))


def test_wrong_password_and_deactivated_user_cannot_sign_in(client, make_user):
    user = make_user("officer")
    response = post_form(client, "/sign-in", {"email": user.email, "password": "not-the-one-123"})
    assert "Enter a correct email address" in " ".join(error_summary(response))
    admin = make_user("admin")
    user_service.set_active(admin, user, False)
    response = post_form(client, "/sign-in", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "deactivated" in " ".join(error_summary(response))


def test_deactivation_ends_an_open_session(client, make_user, login_as):
    user = login_as("reviewer")
    assert client.get(ACCOUNT).status_code == 200
    user_service.set_active(make_user("admin"), user, False)
    assert client.get(ACCOUNT).status_code == 302


def test_password_change_ends_other_sessions(app, client, login_as):
    user = login_as("reviewer")
    other = app.test_client()
    other.get("/sign-in")
    post_form(other, "/sign-in", {"email": user.email, "password": PASSWORD})
    assert other.get(ACCOUNT).status_code == 200
    response = post_form(
        client,
        "/account/password",
        {"current_password": PASSWORD, "new_password": "a-brand-new-password"},
    )
    assert response.status_code == 302
    assert client.get(ACCOUNT).status_code == 200  # this session carries on
    assert other.get(ACCOUNT).status_code == 302  # the other one is signed out


@pytest.mark.parametrize(
    ("current", "new", "message"),
    [
        ("", "a-brand-new-password", "Enter your current password"),
        ("wrong-password-x", "a-brand-new-password", "not correct"),
        (PASSWORD, "short", "at least 12 characters"),
    ],
)
def test_password_change_errors(client, login_as, current, new, message):
    login_as("officer")
    response = post_form(
        client, "/account/password", {"current_password": current, "new_password": new}
    )
    assert response.status_code == 200
    assert any(message in e for e in error_summary(response))


def test_inactivity_timeout_signs_out(app, client, login_as):
    login_as("reviewer")
    with client.session_transaction() as session:
        idle = app.config["SESSION_INACTIVITY_TIMEOUT"] + timedelta(minutes=1)
        session["last_seen"] = (datetime.now(UTC) - idle).timestamp()
    response = client.get(ACCOUNT)
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]
    assert "without activity" in page(client.get("/sign-in")).get_text()


def test_absolute_timeout_signs_out(app, client, login_as):
    login_as("reviewer")
    with client.session_transaction() as session:
        old = app.config["SESSION_ABSOLUTE_TIMEOUT"] + timedelta(minutes=1)
        session["login_at"] = (datetime.now(UTC) - old).timestamp()
    assert client.get(ACCOUNT).status_code == 302


def test_next_is_only_followed_within_the_site(client, make_user):
    user = make_user("reviewer")
    client.get("/sign-in")
    token = page(client.get("/sign-in")).select_one("input[name=csrf_token]")["value"]
    response = client.post(
        "/sign-in?next=https://evil.example/",
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    "query",
    [
        "next=/%0d%0aX",  # CR LF: a header injection, and a 500 before
        "next=/%0aSet-Cookie:%20x=1",
        "next=/%09/evil.example",  # a tab, which browsers drop: //evil.example
        "next=/%5Cevil.example",  # /\evil.example: browsers read it as //evil.example
        "next=/%5C%5Cevil.example",
        "next=//evil.example",
        "next=/%2F%2Fevil.example",  # decoded: ///evil.example
        "next=https://evil.example/",
        "next=/%E2%80%A8x",  # a Unicode line separator
        "next=/reviews%20/1",
    ],
)
def test_next_is_a_plain_local_path_or_the_review_list(client, make_user, query):
    user = make_user("reviewer")
    token = page(client.get("/sign-in")).select_one("input[name=csrf_token]")["value"]
    response = client.post(
        f"/sign-in?{query}",
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_a_local_path_with_a_query_is_followed(client, make_user):
    user = make_user("reviewer")
    token = page(client.get("/sign-in")).select_one("input[name=csrf_token]")["value"]
    response = client.post(
        "/sign-in?next=/reviews/1/findings%3Fpage%3D2",
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/reviews/1/findings?page=2"


def test_post_without_csrf_is_refused(client, make_user):
    user = make_user("reviewer")
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400


def test_session_cookie_flags(client, make_user):
    user = make_user("reviewer")
    response = post_form(client, "/sign-in", {"email": user.email, "password": PASSWORD})
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_login_is_rate_limited_with_a_clear_message(app, client, make_user):
    from sfo_review.extensions import limiter

    user = make_user("reviewer")
    limiter.reset()
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    try:
        statuses = [
            post_form(client, "/sign-in", {"email": user.email, "password": "wrong-pass-x1"})
            for _ in range(4)
        ]
        assert [r.status_code for r in statuses] == [200, 200, 200, 429]
        assert "too many times" in statuses[-1].get_data(as_text=True)
        # Another browser at the same address is limited for this account too.
        other = app.test_client()
        response = post_form(
            other, "/sign-in", {"email": user.email, "password": PASSWORD}, form_url="/sign-in"
        )
        assert response.status_code == 429
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
        limiter.reset()
