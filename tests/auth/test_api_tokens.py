"""API tokens expire, record when they were last used, stop for good on deactivation and on a
password change, and their owner sees and revokes them on 'Your account' (issue 12, item 8).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from sfo_review.extensions import db
from sfo_review.models import ApiToken, AuditEvent
from sfo_review.models._base import utcnow
from sfo_review.services import api_tokens
from sfo_review.services import users as user_service
from tests.conftest import PASSWORD
from tests.helpers import counting, csrf_token, page, post_form

ROLES = ["reviewer", "officer", "quality_assurer", "leadership", "admin"]
ACCOUNT = "/account/password"


def call_api(client, token: str):
    return client.get("/api/v1/reviews", headers={"Authorization": f"Bearer {token}"})


def assert_refused(response) -> None:
    assert response.status_code == 401
    body = response.get_json()
    assert set(body) == {"error"} and body["error"]["code"] == "unauthenticated"
    assert body["error"]["message"].startswith("Send a valid API token")


def row(token: str) -> ApiToken:
    digest = hashlib.sha256(token.encode()).hexdigest()
    found = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    assert found is not None
    return found


# --- expiry ----------------------------------------------------------------------------------


def test_a_token_expires_after_api_token_days(app, client, make_user):
    user = make_user("leadership")
    before = utcnow()
    issued = api_tokens.issue(user)
    assert before + timedelta(days=90) <= issued.expires_at <= utcnow() + timedelta(days=90)
    assert call_api(client, issued.token).status_code == 200
    app.config["API_TOKEN_DAYS"] = 7
    try:
        assert api_tokens.issue(user).expires_at <= utcnow() + timedelta(days=7)
    finally:
        app.config["API_TOKEN_DAYS"] = 90


def test_an_expired_token_answers_the_contracts_401(client, make_user):
    token = user_service.issue_token(make_user("leadership"))
    row(token).expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert_refused(call_api(client, token))


# --- revocation --------------------------------------------------------------------------------


def test_deactivation_revokes_tokens_and_reactivation_does_not_bring_them_back(client, make_user):
    admin, user = make_user("admin"), make_user("leadership")
    token = user_service.issue_token(user)
    user_service.set_active(admin, user, False)
    assert_refused(call_api(client, token))
    user_service.set_active(admin, user, True)
    assert_refused(call_api(client, token))
    assert row(token).revoked_at is not None


def test_a_password_change_revokes_every_token(client, login_as):
    user = login_as("reviewer")
    tokens = [user_service.issue_token(user) for _ in range(2)]
    response = post_form(
        client, ACCOUNT, {"current_password": PASSWORD, "new_password": "a-brand-new-password"}
    )
    assert response.status_code == 302
    for token in tokens:
        assert_refused(call_api(client, token))
    flashed = page(client.get(ACCOUNT)).select_one(".govuk-notification-banner").get_text()
    assert "Your API tokens have been revoked" in flashed


# --- last used, without a write per request ----------------------------------------------------


def test_last_used_is_written_at_most_once_a_minute(client, make_user):
    token = user_service.issue_token(make_user("leadership"))
    assert row(token).last_used_at is None
    writes: list[str] = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("UPDATE API_TOKENS"):
            writes.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        for _ in range(5):
            assert call_api(client, token).status_code == 200
        assert len(writes) == 1
        first = row(token).last_used_at
        assert first is not None
        # A minute later (moved back, not waited for), the next request writes it again.
        row(token).last_used_at = first - api_tokens.LAST_USED_EVERY
        db.session.commit()
        assert call_api(client, token).status_code == 200
        assert len(writes) == 3  # the move back, then the one write
        db.session.expire_all()
        assert row(token).last_used_at > first - api_tokens.LAST_USED_EVERY
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_a_token_and_its_owner_are_read_in_one_query(client, make_user):
    owner = make_user("leadership")
    owner_id = owner.id
    token = user_service.issue_token(owner)
    assert call_api(client, token).status_code == 200  # last used now: no write below
    with counting() as statements:  # from an empty session, as a new request's
        found = user_service.user_for_token(token)
    assert found is not None
    assert found.id == owner_id
    assert found.active
    assert len(statements) == 1, statements
    assert "api_tokens" in statements[0].lower()
    assert "users" in statements[0].lower()


# --- 'Your account' ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_everyone_sees_their_working_tokens_never_the_token(client, login_as, role):
    user = login_as(role)
    token = user_service.issue_token(user)
    ended = user_service.issue_token(user)
    row(ended).expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    other = user_service.issue_token(user_service.create_user(None, _person("o@example.gov.uk")))
    response = client.get(ACCOUNT)
    html = response.get_data(as_text=True)
    rows = page(response).select("#api-tokens-table tbody tr")
    assert len(rows) == 1  # not the expired one, not someone else's
    cells = [td.get_text(" ", strip=True) for td in rows[0].select("td")]
    assert cells[2] == "Not used yet" and cells[3].startswith("Revoke")
    for secret in (token, ended, other, row(token).token_hash):
        assert secret not in html


@pytest.mark.parametrize("role", ROLES)
def test_everyone_revokes_their_own_token(client, login_as, role):
    user = login_as(role)
    token = user_service.issue_token(user)
    token_id = row(token).id
    response = post_form(client, f"/account/tokens/{token_id}/revoke", {}, form_url=ACCOUNT)
    assert response.status_code == 302 and response.headers["Location"] == ACCOUNT
    assert "has been revoked" in page(client.get(ACCOUNT)).get_text()
    assert_refused(call_api(client, token))
    event_ = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "token.revoked"))
    assert event_ is not None and event_.user_id == user.id
    # Again: nothing more to do, and said so.
    post_form(client, f"/account/tokens/{token_id}/revoke", {}, form_url=ACCOUNT)
    assert "already stopped working" in page(client.get(ACCOUNT)).get_text()


@pytest.mark.parametrize("role", ROLES)
def test_nobody_revokes_someone_elses_token(client, login_as, make_user, role):
    login_as(role)
    token = user_service.issue_token(make_user("leadership"))
    token_id = row(token).id
    response = post_form(client, f"/account/tokens/{token_id}/revoke", {}, form_url=ACCOUNT)
    assert response.status_code == 404
    assert call_api(client, token).status_code == 200


@pytest.mark.csrf
def test_revoking_needs_a_signed_in_user_csrf_and_post(client, login_as, make_user):
    user = make_user("reviewer")
    token = user_service.issue_token(user)
    url = f"/account/tokens/{row(token).id}/revoke"
    signed_out = client.post(url)
    assert signed_out.status_code in (302, 400)  # no session: no CSRF token, or sign in
    login_as(user=user)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 400  # no CSRF token
    assert client.post(url, data={"csrf_token": "<script>alert(1)</script>"}).status_code == 400
    assert client.post("/account/tokens/not-a-number/revoke").status_code == 404
    unknown = client.post(
        "/account/tokens/99999999/revoke", data={"csrf_token": csrf_token(client, ACCOUNT)}
    )
    assert unknown.status_code == 404
    assert row(token).revoked_at is None


def test_signed_out_revoking_is_sent_to_sign_in(app, client, make_user):
    token_id = row(user_service.issue_token(make_user("reviewer"))).id
    response = client.post(f"/account/tokens/{token_id}/revoke")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def _person(email: str) -> dict[str, str]:
    return {"email": email, "name": "O", "role": "officer", "password": PASSWORD}
