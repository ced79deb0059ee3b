"""Single sign-on in headless Chromium against the real OpenID provider
(tests/sso/provider.mjs): the button, the provider's login form, back to the app; a new
person waits for a role; a deactivated one is refused; sign-out offers the provider's."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from config import TestConfig
from tests.browser.conftest import demo_database
from tests.sso.conftest import CLIENT_ID, CLIENT_SECRET, live_sso_port, oidc_issuer

__all__ = ["live_sso_port", "oidc_issuer"]  # the provider's fixtures, used below

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def sso_server(
    oidc_issuer: str, live_sso_port: int, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Any]]:
    """A live server with single sign-on on, on the port the provider knows, seeded."""
    from sfo_review import create_app

    folder: Path = tmp_path_factory.mktemp("live-sso")
    address = f"http://127.0.0.1:{live_sso_port}"

    class LiveConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = demo_database(folder / "live.db")
        TESTING = False
        WTF_CSRF_ENABLED = True
        SERVICE_URL = address
        OIDC_ISSUER = oidc_issuer
        OIDC_CLIENT_ID = CLIENT_ID
        OIDC_CLIENT_SECRET = CLIENT_SECRET
        LOCAL_SIGN_IN = False

    app = create_app(LiveConfig)
    server = make_server("127.0.0.1", live_sso_port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield address, app
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def sso_page(browser: Any, sso_server: tuple[str, Any]) -> Iterator[Any]:
    context = browser.new_context(base_url=sso_server[0])
    # Only the loopback: the provider's pages ask for a web font from outside.
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith("http://127.0.0.1") else route.abort()
        ),
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def sign_in_at_provider(page: Any, login: str) -> None:
    page.goto("/sign-in")
    assert page.locator("input[name=password]").count() == 0  # LOCAL_SIGN_IN=false
    page.get_by_role("link", name="Sign in with your work account").click()
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any-password")
    page.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_a_known_person_signs_in_and_signs_out_of_both(sso_page: Any, sso_server) -> None:
    address, _ = sso_server
    sign_in_at_provider(sso_page, "reviewer@example.gov.uk")
    assert sso_page.url == f"{address}/"
    assert "Rina Reviewer" in sso_page.locator(".app-account-bar").inner_text()
    sso_page.get_by_role("button", name="Sign out").click()
    sso_page.get_by_role("heading", name="You have signed out of SFO Review").wait_for()
    sso_page.get_by_role("link", name="Sign out of your work account").click()
    sso_page.wait_for_load_state()
    assert sso_page.url.startswith(sso_server[1].config["OIDC_ISSUER"])
    sso_page.get_by_role("button", name="Yes, sign me out").click()
    sso_page.wait_for_url(f"{address}/sign-in")


def test_a_new_person_waits_for_an_administrator(sso_page: Any, sso_server) -> None:
    address, _ = sso_server
    sign_in_at_provider(sso_page, "petra.newstart@example.gov.uk")
    assert sso_page.url == f"{address}/account/waiting"
    sso_page.get_by_role("heading", name="Your account is waiting for an administrator").wait_for()
    sso_page.goto("/")
    assert sso_page.url == f"{address}/account/waiting"


def test_a_deactivated_person_is_refused(sso_page: Any, sso_server) -> None:
    from sfo_review.extensions import db
    from sfo_review.services import users

    address, app = sso_server
    with app.app_context():
        user = users.user_by_email("manager@example.gov.uk")
        assert user is not None
        user.active = False
        db.session.commit()
    sign_in_at_provider(sso_page, "manager@example.gov.uk")
    assert "/sign-in/sso/callback" in sso_page.url
    assert "deactivated" in sso_page.locator("#sso-problem").inner_text()
    sso_page.goto("/")
    assert "/sign-in" in sso_page.url
