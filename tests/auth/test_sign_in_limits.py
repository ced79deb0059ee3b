"""Wrong passwords are limited per account, never per address alone (issue 12, items 3 and 10).

Behind the reverse proxy every request comes from the proxy's address: a limit per address
let one attacker lock everyone out. The client's address is read from X-Forwarded-For only
when PROXY_FIX_X_FOR says how many proxies to trust, and no count spans two accounts.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from config import TestConfig
from sfo_review import create_app
from sfo_review.extensions import db as _db
from sfo_review.extensions import limiter
from sfo_review.services import users as user_service
from tests.conftest import PASSWORD, Client
from tests.helpers import csrf_token, error_summary, page

PER_ADDRESS = "3 per minute"  # wrong passwords for one account from one address
PER_ACCOUNT = "5 per minute"  # wrong passwords for one account from everywhere
WRONG = "not-the-password-9"


@pytest.fixture
def low_limits(app: Flask) -> Iterator[None]:
    saved = {k: app.config.get(k) for k in ("LOGIN_RATE_LIMIT", "LOGIN_ACCOUNT_LIMIT")}
    app.config.update(LOGIN_RATE_LIMIT=PER_ADDRESS, LOGIN_ACCOUNT_LIMIT=PER_ACCOUNT)
    limiter.reset()
    yield
    app.config.update(saved)
    limiter.reset()


@pytest.fixture(scope="module")
def proxied_app(app: Flask) -> Iterator[Flask]:
    """The app as deployed behind one reverse proxy (PROXY_FIX_X_FOR=1), on the same database."""

    class BehindOneProxy(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        PROXY_FIX_X_FOR = 1
        LOGIN_RATE_LIMIT = PER_ADDRESS
        LOGIN_ACCOUNT_LIMIT = PER_ACCOUNT

    proxied = create_app(BehindOneProxy)
    proxied.test_client_class = Client
    yield proxied
    with proxied.app_context():
        _db.engine.dispose()


@pytest.fixture
def behind_proxy(proxied_app: Flask, committed_db: Any) -> Iterator[Flask]:
    limiter.reset()
    yield proxied_app
    limiter.reset()


def emails(make_user: Any, *roles: str) -> list[str]:
    """New accounts' emails, with the test's transaction ended: on SQLite an open one would
    hold the write lock the other app's requests wait for."""
    found = [make_user(role).email for role in roles]
    _db.session.commit()
    return found


def attempt(client: FlaskClient, email: str, password: str, forwarded: str | None = None):
    """A sign-in from the proxy's address (127.0.0.1), for the client `forwarded` names."""
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    token = csrf_token(client, "/sign-in")
    return client.post(
        "/sign-in",
        data={"email": email, "password": password, "csrf_token": token},
        headers=headers,
    )


def sign_in_and_out(client: FlaskClient, email: str, forwarded: str | None = None) -> int:
    status = attempt(client, email, PASSWORD, forwarded).status_code
    if status == 302:
        token = csrf_token(client, "/account/password")
        client.post("/sign-out", data={"csrf_token": token})
    return status


def many_addresses(n: int) -> list[str]:
    return [f"203.0.113.{i}" for i in range(1, n + 1)]


# --- one attacker, everyone else -------------------------------------------------------------


@pytest.mark.parametrize("proxies", [0, 1])
def test_an_attacker_cannot_lock_out_another_account(
    request, app, committed_db, make_user, low_limits, proxies
):
    """The security test: 20 failures with different X-Forwarded-For, then the real
    leadership user signs in. Whether or not the proxy is configured, they get in."""
    target = request.getfixturevalue("behind_proxy") if proxies else app
    leader, colleague = emails(make_user, "leadership", "reviewer")
    attacker = target.test_client()
    for n, address in enumerate(many_addresses(20)):
        email = colleague if n % 2 else f"guess{n}@example.gov.uk"
        attempt(attacker, email, WRONG, forwarded=address)
    assert sign_in_and_out(target.test_client(), leader, "198.51.100.20") == 302


def test_forwarded_addresses_count_only_when_the_proxy_is_configured(
    app, make_user, low_limits, behind_proxy
):
    leader, other = emails(make_user, "leadership", "leadership")
    # Behind the configured proxy: the attacker's address is locked out of this account...
    attacker = behind_proxy.test_client()
    statuses = [attempt(attacker, leader, WRONG, "203.0.113.9").status_code for _ in "1234"]
    assert statuses == [200, 200, 200, 429]
    # ...and the owner, from their own address, is not.
    assert sign_in_and_out(behind_proxy.test_client(), leader, "198.51.100.20") == 302

    # Without PROXY_FIX_X_FOR the header is not trusted: a new header is not a new address.
    limiter.reset()
    for _ in range(3):
        attempt(app.test_client(), other, WRONG, "203.0.113.9")
    assert attempt(app.test_client(), other, PASSWORD, "198.51.100.20").status_code == 429


def test_the_account_limit_stops_guessing_from_many_addresses_and_says_when(
    make_user, low_limits, behind_proxy
):
    [leader] = emails(make_user, "leadership")
    client = behind_proxy.test_client()
    for address in many_addresses(5):  # one guess from each of five addresses
        assert attempt(client, leader, WRONG, address).status_code == 200
    locked = attempt(client, leader, PASSWORD, "198.51.100.20")  # even the right one
    assert locked.status_code == 429
    message = error_summary(locked)
    assert message == [
        "You have entered a wrong password for this email address too many times. "
        "Wait 1 minute, then try again."
    ]
    assert page(locked).select_one("input[name=email]")["value"] == leader

    # An email with no account is locked in exactly the same words: nothing tells them apart.
    for address in many_addresses(5):
        attempt(client, "nobody@example.gov.uk", WRONG, address)
    unknown = attempt(client, "nobody@example.gov.uk", WRONG, "198.51.100.20")
    assert (unknown.status_code, error_summary(unknown)) == (429, message)


def test_right_passwords_are_not_counted(client, make_user, low_limits):
    user = make_user("officer")
    assert [sign_in_and_out(client, user.email) for _ in range(6)] == [302] * 6


def test_the_limit_is_per_account_email_whatever_its_case(client, make_user, low_limits):
    user = make_user("officer")
    for email in (user.email, user.email.upper(), f"  {user.email} "):
        attempt(client, email, WRONG)
    assert attempt(client, user.email, PASSWORD).status_code == 429


# --- the change-password page (item 10) ------------------------------------------------------


def change(client: FlaskClient, current: str):
    token = csrf_token(client, "/account/password")
    return client.post(
        "/account/password",
        data={
            "current_password": current,
            "new_password": "a-brand-new-password-2",
            "csrf_token": token,
        },
    )


def test_the_current_password_check_is_throttled_like_sign_in(client, login_as, low_limits):
    user = login_as("officer")
    assert [change(client, WRONG).status_code for _ in range(3)] == [200, 200, 200]
    locked = change(client, PASSWORD)  # the right one, once locked, is refused too
    assert locked.status_code == 429
    assert error_summary(locked) == [
        "You have entered a wrong password for this email address too many times. "
        "Wait 1 minute, then try again."
    ]
    assert user_service.authenticate(user.email, PASSWORD) == user  # unchanged
    # One count of wrong passwords per account: signing in from here is locked too.
    assert attempt(Client(client.application), user.email, PASSWORD).status_code == 429
