"""Single sign-on's pages without the provider: the sign-in page's choices, LOCAL_SIGN_IN,
the callback's bad input, the waiting page, and an admin giving a waiting account its role."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from sfo_review.extensions import db as _db
from sfo_review.models import AuditEvent, Notification, User
from sfo_review.models.user import NO_ROLE
from sfo_review.services import sso_accounts
from sfo_review.services.errors import Conflict, Forbidden, ValidationFailed
from tests.conftest import PASSWORD, sign_in_through_session
from tests.helpers import error_summary, page, post_form
from tests.sso.conftest import configure_sso, restore_sso

ROLES = ("reviewer", "officer", "quality_assurer", "leadership", "admin")
HOSTILE = "<script>alert(1)</script>"
# Nothing listens here: the provider is never asked for anything in these tests.
NOWHERE = "http://127.0.0.1:9"


@pytest.fixture
def sso_configured(app: Flask, db: Any) -> Iterator[Flask]:
    saved = configure_sso(app, NOWHERE)
    try:
        yield app
    finally:
        restore_sso(app, saved)


@pytest.fixture
def no_local_sign_in(app: Flask) -> Iterator[Flask]:
    app.config["LOCAL_SIGN_IN"] = False
    try:
        yield app
    finally:
        app.config["LOCAL_SIGN_IN"] = True


def waiting_user(email: str = "waiting@example.gov.uk", name: str = "Wyn Waiting") -> User:
    user = sso_accounts.sign_in(
        {"sub": f"sub-{email}", "email": email, "email_verified": True, "name": name}
    )
    return user


# --- the sign-in page -----------------------------------------------------------------------


def test_without_sso_the_sign_in_page_has_no_work_account_button(client) -> None:
    html = page(client.get("/sign-in"))
    assert html.select_one("#sso-sign-in") is None
    assert html.select_one("input[name=password]") is not None
    assert client.get("/sign-in/sso").status_code == 404
    assert client.get("/sign-in/sso/callback?code=x&state=y").status_code == 404


def test_with_sso_the_sign_in_page_offers_the_work_account(sso_configured, client) -> None:
    html = page(client.get("/sign-in?next=/notifications"))
    button = html.select_one("#sso-sign-in")
    assert button is not None and button.get_text(strip=True) == "Sign in with your work account"
    assert button["href"] == "/sign-in/sso?next=/notifications"
    assert "govuk-button" in button["class"]
    assert html.select_one("input[name=password]") is not None  # local passwords stay


def test_local_sign_in_off_hides_the_form_and_refuses_its_post(
    sso_configured, no_local_sign_in, client, make_user
) -> None:
    user = make_user("reviewer")
    html = page(client.get("/sign-in"))
    assert html.select_one("input[name=password]") is None
    assert html.select_one("#sso-sign-in") is not None
    refused = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert refused.status_code == 403
    assert "switched off" in refused.get_data(as_text=True)
    assert client.get("/").status_code == 302  # not signed in


def test_local_sign_in_is_on_by_default(app: Flask) -> None:
    assert app.config["LOCAL_SIGN_IN"] is True


def test_the_provider_not_answering_is_a_clear_page(sso_configured, client) -> None:
    response = client.get("/sign-in/sso")
    assert response.status_code == 503
    assert "not answering" in response.get_data(as_text=True)


# --- the callback's bad input -----------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "",
        "code=abc",
        "state=abc",
        "code=&state=",
        "code=abc&state=not-ours",
        "error=access_denied&error_description=" + HOSTILE,
        "code=" + "x" * 2000 + "&state=" + "y" * 2000,
        "code=%00%ff&state=%ff",
        "code=a&code=b&state=" + HOSTILE,
    ],
)
def test_a_callback_with_missing_or_garbage_parameters_is_a_clear_error(
    sso_configured, client, query: str
) -> None:
    response = client.get(f"/sign-in/sso/callback?{query}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "There is a problem signing you in" in html
    assert "<script>alert(1)" not in html
    assert client.get("/").status_code == 302


def test_a_signed_in_person_starting_sso_goes_to_the_review_list(
    sso_configured, client, login_as
) -> None:
    login_as("reviewer")
    assert client.get("/sign-in/sso").headers["Location"] == "/"


# --- who single sign-on signs in (the service) --------------------------------------------------


@pytest.mark.parametrize(
    "claims",
    [
        {},
        {"sub": ""},
        {"sub": 42, "email": "a@example.gov.uk", "email_verified": True},
        {"sub": "x" * 256, "email": "a@example.gov.uk", "email_verified": True},
        {"sub": "s1"},
        {"sub": "s1", "email": "a@example.gov.uk"},
        {"sub": "s1", "email": "a@example.gov.uk", "email_verified": "true"},
        {"sub": "s1", "email": "not-an-email", "email_verified": True},
        {"sub": "s1", "email": "a" * 250 + "@x.uk", "email_verified": True},
        {"sub": "s1", "email": ["a@example.gov.uk"], "email_verified": True},
    ],
)
def test_claims_that_do_not_say_who_it_is_are_refused(db, claims: dict[str, Any]) -> None:
    with pytest.raises(sso_accounts.SignInRefused):
        sso_accounts.sign_in(claims)
    assert _db.session.scalar(select(User)) is None


def test_a_hostile_name_is_kept_as_typed_and_a_long_one_cut(db) -> None:
    user = sso_accounts.sign_in(
        {"sub": "h", "email": "h@example.gov.uk", "email_verified": True, "name": HOSTILE}
    )
    assert user.name == HOSTILE
    long = sso_accounts.sign_in(
        {"sub": "l", "email": "l@example.gov.uk", "email_verified": True, "name": "n" * 500}
    )
    assert len(long.name) == 200


def test_a_first_sign_in_makes_an_account_with_no_role_and_no_password(db) -> None:
    user = waiting_user()
    assert user.role == NO_ROLE and not user.has_role and user.role_label == "No role yet"
    assert user.oidc_subject == "sub-waiting@example.gov.uk"
    assert user.password_hash == "!no-password-set"


# --- the waiting page ---------------------------------------------------------------------------


def test_the_waiting_page_shows_escaped_and_nothing_else_is_reachable(db, client) -> None:
    user = waiting_user(email="wait.here@example.gov.uk", name=HOSTILE)
    sign_in_through_session(client, user)
    response = client.get("/account/waiting")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Your account is waiting for an administrator" in html
    assert "<script>alert(1)" not in html
    assert page(response).select(".govuk-service-navigation__item") == []
    for elsewhere in ("/", "/notifications", "/account/password", "/admin/users", "/dashboard"):
        response = client.get(elsewhere)
        assert response.status_code == 302, elsewhere
        assert response.headers["Location"].endswith("/account/waiting")
    assert client.get("/api/v1/reviews").status_code == 401  # no token, no API
    assert client.post("/sign-out").status_code == 302  # signing out still works
    assert client.get("/account/waiting").status_code == 302


@pytest.mark.parametrize("role", ROLES)
def test_an_account_with_a_role_is_sent_on_from_the_waiting_page(client, login_as, role) -> None:
    login_as(role)
    response = client.get("/account/waiting")
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_signed_out_the_waiting_page_asks_to_sign_in(client, db) -> None:
    response = client.get("/account/waiting")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_a_deactivated_waiting_account_is_signed_out(db, client) -> None:
    user = waiting_user()
    sign_in_through_session(client, user)
    user.active = False
    _db.session.commit()
    assert "/sign-in" in client.get("/account/waiting").headers["Location"]


# --- an admin gives the role ----------------------------------------------------------------------


def role_url(user: User) -> str:
    return f"/admin/users/{user.id}/role"


def test_the_admin_page_offers_a_role_only_to_a_waiting_account(client, login_as, make_user):
    login_as("admin")
    user = waiting_user()
    html = page(client.get(f"/admin/users/{user.id}"))
    assert html.select_one("#role-form") is not None
    assert "No role yet" in html.get_text()
    assert html.select_one("#signs-in-with") is not None
    other = make_user("reviewer")
    shown = page(client.get(f"/admin/users/{other.id}"))
    assert shown.select_one("#role-form") is None and shown.select_one("#signs-in-with") is None


def test_an_admin_gives_a_watched_role_audited_and_told_to_leadership(
    client, login_as, make_user
) -> None:
    admin = login_as("admin")
    leader = make_user("leadership")
    user = waiting_user()
    response = post_form(
        client, role_url(user), {"role": "quality_assurer"}, form_url=f"/admin/users/{user.id}"
    )
    assert response.status_code == 302, error_summary(response)
    assert user.role == "quality_assurer"
    events = _db.session.scalars(select(AuditEvent).where(AuditEvent.user_id == admin.id)).all()
    assert {"user.role_given", "user.role_granted"} <= {e.action for e in events}
    told = _db.session.scalars(select(Notification).where(Notification.user_id == leader.id))
    assert any("Quality assurer" in n.message for n in told)
    # The person can now use the service.
    other = client.application.test_client()
    sign_in_through_session(other, user)
    assert other.get("/").status_code == 200


@pytest.mark.parametrize(
    ("role", "message"),
    [("", "role"), ("emperor", "role"), (HOSTILE, "role"), ("x" * 5000, "role")],
)
def test_a_bad_role_is_refused_next_to_the_field(client, login_as, role, message) -> None:
    login_as("admin")
    user = waiting_user()
    response = post_form(client, role_url(user), {"role": role}, form_url=f"/admin/users/{user.id}")
    assert response.status_code == 200
    assert error_summary(response), response.get_data(as_text=True)[:500]
    assert "<script>alert(1)" not in response.get_data(as_text=True)
    _db.session.refresh(user)
    assert not user.has_role


def test_a_role_is_given_once_only(db, make_user) -> None:
    admin = make_user("admin")
    user = waiting_user()
    sso_accounts.give_role(admin, user, {"role": "reviewer"})
    with pytest.raises(Conflict):
        sso_accounts.give_role(admin, user, {"role": "leadership"})
    with pytest.raises(ValidationFailed):
        sso_accounts.give_role(admin, waiting_user("b@example.gov.uk"), {"role": 7})
    assert user.role == "reviewer"


def test_giving_a_role_to_an_account_that_has_one_says_so(client, login_as, make_user) -> None:
    login_as("admin")
    other = make_user("officer")
    response = post_form(
        client, role_url(other), {"role": "leadership"}, form_url=f"/admin/users/{other.id}"
    )
    assert response.status_code == 200
    assert error_summary(response)
    assert other.role == "officer"


@pytest.mark.parametrize("role", [r for r in ROLES if r != "admin"])
def test_only_admins_give_roles(client, login_as, role) -> None:
    login_as(role)
    user = waiting_user()
    assert client.post(role_url(user), data={"role": "reviewer"}).status_code == 403
    assert not user.has_role
    with pytest.raises(Forbidden):
        sso_accounts.give_role(_db.session.get(User, user.id) or user, user, {"role": "admin"})


def test_a_waiting_account_cannot_give_itself_a_role(client, db) -> None:
    user = waiting_user()
    sign_in_through_session(client, user)
    response = client.post(role_url(user), data={"role": "admin"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/waiting")
    assert not user.has_role


def test_giving_a_role_to_no_account_is_not_found(client, login_as) -> None:
    login_as("admin")
    assert client.post("/admin/users/999999/role", data={"role": "reviewer"}).status_code == 404


def test_signed_out_giving_a_role_asks_to_sign_in(client, db) -> None:
    user = waiting_user()
    response = client.post(role_url(user), data={"role": "reviewer"})
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
