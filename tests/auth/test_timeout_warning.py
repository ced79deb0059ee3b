"""The warning before the inactivity sign-out: the dialog on every signed-in page, a status
that does not count as activity, and a keep-alive that does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers import page, post_form

# Signing in and the session around it, with CSRF protection on as in production.
pytestmark = pytest.mark.csrf

STATUS = "/session/status"
KEEP_ALIVE = "/session/keep-alive"
ACCOUNT = "/account/password"


def _idle_for(client, minutes: int) -> None:
    with client.session_transaction() as session:
        session["last_seen"] = (datetime.now(UTC) - timedelta(minutes=minutes)).timestamp()


@pytest.mark.parametrize("role", ["reviewer", "officer", "quality_assurer", "leadership", "admin"])
def test_every_signed_in_role_gets_the_dialog_and_the_status(client, login_as, app, role):
    login_as(role)
    dialog = page(client.get(ACCOUNT)).select_one("dialog#timeout-warning")
    assert dialog is not None
    assert int(dialog["data-warn-seconds"]) == app.config["SESSION_WARNING_SECONDS"]
    assert 1790 <= int(dialog["data-idle-seconds"]) <= 1800
    assert dialog.select_one("form[action='/session/keep-alive'] input[name=csrf_token]")
    assert dialog.select_one("form[action='/sign-out'] input[name=csrf_token]")
    body = client.get(STATUS).get_json()
    assert 1790 <= body["idle_seconds_left"] <= 1800
    assert body["absolute_seconds_left"] > 9 * 3600


def test_anonymous_visitors_get_no_dialog_and_no_status(client):
    assert page(client.get("/sign-in")).select_one("dialog#timeout-warning") is None
    response = client.get(STATUS)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    response = post_form(client, KEEP_ALIVE, {}, form_url="/sign-in")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_asking_for_the_status_is_not_activity(client, login_as):
    login_as("reviewer")
    _idle_for(client, 27)
    first = client.get(STATUS).get_json()["idle_seconds_left"]
    second = client.get(STATUS).get_json()["idle_seconds_left"]
    assert 170 <= second <= first <= 180


def test_asking_for_the_status_sends_no_cookie_back(client, login_as):
    """A status poll answered after another tab's request must not put back the session
    as it was when the poll set out: that tab's activity and CSRF token would be lost."""
    login_as("reviewer")
    before = client.get_cookie("session")
    token = page(client.get(ACCOUNT)).select_one("input[name=csrf_token]")["value"]
    after_other_tab = client.get_cookie("session").value
    assert after_other_tab != before.value
    # The poll set out with the cookie from before the other tab's request.
    client.set_cookie("session", before.value)
    response = client.get(STATUS)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert client.get_cookie("session").value == before.value  # left as the poll had it
    # So in a browser the other tab's cookie stays, and its form goes through.
    client.set_cookie("session", after_other_tab)
    response = client.post(ACCOUNT, data={"csrf_token": token})
    assert response.status_code == 200 and "CSRF" not in response.get_data(as_text=True)
    assert page(response).select(".govuk-error-summary")  # the form's own errors instead


def test_staying_signed_in_renews_the_session(client, login_as):
    login_as("reviewer")
    token = page(client.get(ACCOUNT)).select_one("input[name=csrf_token]")["value"]
    _idle_for(client, 28)
    response = client.post(
        KEEP_ALIVE, data={"csrf_token": token}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 200
    assert response.get_json()["idle_seconds_left"] >= 1790


def test_without_javascript_the_keep_alive_returns_to_the_page(client, login_as):
    login_as("reviewer")
    response = post_form(client, KEEP_ALIVE, {"next": "/notifications?x=1"}, form_url=ACCOUNT)
    assert response.status_code == 302 and response.headers["Location"] == "/notifications?x=1"
    for hostile in (
        "//evil.example/",
        "https://evil.example/",
        "javascript:alert(1)",
        "",
        "/\r\nX",
        "/\\evil.example",
    ):
        response = post_form(client, KEEP_ALIVE, {"next": hostile}, form_url=ACCOUNT)
        assert response.headers["Location"] == "/", hostile


def test_the_keep_alive_needs_csrf(client, login_as):
    login_as("reviewer")
    response = client.post(KEEP_ALIVE, headers={"Accept": "application/json"})
    assert response.status_code == 400


def test_once_the_session_has_ended_the_status_signs_out_and_says_why(client, login_as):
    login_as("reviewer")
    _idle_for(client, 31)
    response = client.get(STATUS)
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in"
    assert "without activity" in page(client.get("/sign-in")).get_text()
    assert client.get(ACCOUNT).status_code == 302
