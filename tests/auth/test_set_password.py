"""The page a one-time set-password link opens (issue 12, item 7)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from sfo_review.extensions import db
from sfo_review.models import AuditEvent, PasswordLink
from sfo_review.models._base import utcnow
from sfo_review.services import password_links
from sfo_review.services import users as user_service
from tests.admin.test_new_accounts import link_token
from tests.conftest import PASSWORD
from tests.helpers import csrf_token, error_summary, page

GOOD = "tea-kettle-ladder-moon"


@pytest.fixture
def invited(make_user):
    """A leadership account an admin has just made: no password yet, a link emailed."""
    admin = make_user("admin")
    user, _ = password_links.invite(
        admin, {"name": "Rhian Director", "email": "rhian@example.gov.uk", "role": "leadership"}
    )
    return user, link_token(user.email)


def set_it(client, token: str, password: str):
    url = f"/set-password/{token}"
    # The session's CSRF token: from the page, or, for a dead link (no form), from sign-in.
    token_csrf = csrf_token(client, url if client.get(url).status_code == 200 else "/sign-in")
    return client.post(url, data={"new_password": password, "csrf_token": token_csrf})


def test_the_owner_sets_their_password_once_then_signs_in(client, invited):
    user, token = invited
    shown = page(client.get(f"/set-password/{token}"))
    assert shown.select_one("h1").get_text(strip=True) == "Set your password"
    assert shown.select_one("#account-email").get_text() == user.email
    response = set_it(client, token, GOOD)
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    assert "Your password has been set" in page(client.get("/sign-in")).get_text()
    assert user_service.authenticate(user.email, GOOD) == user
    # Used: the link works no more.
    again = client.get(f"/set-password/{token}")
    assert again.status_code == 404
    assert page(again).select_one("h1").get_text(strip=True) == "This link does not work"
    assert set_it(client, token, "another-good-one-here").status_code == 404
    assert user_service.authenticate(user.email, GOOD) == user
    (link,) = db.session.scalars(select(PasswordLink)).all()
    assert link.used_at is not None
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "user.password_set" in actions


def test_an_expired_link_does_not_work(client, invited):
    user, token = invited
    link = db.session.scalars(select(PasswordLink)).one()
    link.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(f"/set-password/{token}").status_code == 404
    assert set_it(client, token, GOOD).status_code == 404
    assert user_service.authenticate(user.email, GOOD) is None


def test_setting_it_ends_every_session_and_api_token_of_the_account(app, client, make_user):
    user = make_user("officer")
    other = app.test_client()
    token_api = user_service.issue_token(user)
    csrf = csrf_token(other, "/sign-in")
    other.post("/sign-in", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf})
    assert other.get("/account/password").status_code == 200
    password_links.send_new(make_user("admin"), user)
    assert set_it(client, link_token(user.email), GOOD).status_code == 302
    assert other.get("/account/password").status_code == 302
    headers = {"Authorization": f"Bearer {token_api}"}
    assert client.get("/api/v1/reviews", headers=headers).status_code == 401


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("", "Enter a password"),
        ("x" * 201, "Password must be 200 characters or fewer"),
        ("<b>bold</b>", "Password must be at least 12 characters"),
        ("qwerty123456", "Your password is too common"),
        ("rhian@example.gov.uk", "Your password must not be your email address"),
        ("abababababababab", "Your password must not be one character"),
    ],
)
def test_bad_passwords_are_refused_next_to_the_field(client, invited, password, message):
    user, token = invited
    response = set_it(client, token, password)
    assert response.status_code == 200
    errors = error_summary(response)
    assert errors and errors[0].startswith(message), errors
    assert page(response).select_one("#new_password-error") is not None
    assert "<b>bold</b>" not in response.get_data(as_text=True)
    assert client.get(f"/set-password/{token}").status_code == 200  # still works


def test_hostile_text_is_only_a_password(client, invited):
    user, token = invited
    hostile = "<script>alert(1)</script>"
    assert set_it(client, token, hostile).status_code == 302
    assert user_service.authenticate(user.email, hostile) == user


@pytest.mark.parametrize(
    "token", ["nope", "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "x" * 4000, "%00", "..%2F..%2Fadmin"]
)
def test_a_made_up_link_does_not_work(client, db, token):
    response = client.get(f"/set-password/{token}")
    assert response.status_code == 404
    assert "<script>" not in response.get_data(as_text=True)


@pytest.mark.csrf
def test_without_csrf_nothing_is_set(client, invited):
    user, token = invited
    response = client.post(f"/set-password/{token}", data={"new_password": GOOD})
    assert response.status_code == 400
    assert user_service.authenticate(user.email, GOOD) is None


@pytest.mark.parametrize(
    "role", ["anonymous", "reviewer", "officer", "quality_assurer", "leadership", "admin"]
)
def test_whoever_holds_the_link_sets_that_accounts_password_and_is_signed_out(
    client, login_as, invited, role
):
    """The link is the key, whoever is signed in on the browser that opens it; after, the
    browser is signed out so the person signs in to their own account."""
    user, token = invited
    if role != "anonymous":
        login_as(role)
    assert client.get(f"/set-password/{token}").status_code == 200
    assert set_it(client, token, GOOD).status_code == 302
    assert user_service.authenticate(user.email, GOOD) == user
    assert client.get("/account/password").status_code == 302  # signed out
    assert client.get("/set-password/not-a-real-link").status_code == 404
