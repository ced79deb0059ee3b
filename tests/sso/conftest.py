"""A real OpenID provider (npm oidc-provider: tests/sso/provider.mjs) on a loopback port,
the app configured to use it, and the provider's side of a sign-in driven over HTTP."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
import requests
from bs4 import BeautifulSoup
from flask import Flask

ROOT = Path(__file__).resolve().parents[2]
PROVIDER = Path(__file__).with_name("provider.mjs")
# The test client's SERVICE_URL (TestConfig) and the browser test's live server.
TEST_CLIENT_SERVICE_URL = "http://localhost:5000"
CLIENT_ID = "sfo-review"
CLIENT_SECRET = "sfo-review-secret"  # noqa: S105 - the test provider's
OTHER_CLIENT_ID = "sfo-other"
OTHER_CLIENT_SECRET = "sfo-other-secret"  # noqa: S105 - the test provider's


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def live_sso_port() -> int:
    """The port the browser test's live server will listen on (the provider must know its
    redirect URI before it starts)."""
    return free_port()


@pytest.fixture(scope="session")
def oidc_issuer(live_sso_port: int, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start the provider (node), wait for its discovery document, stop it at the end."""
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "oidc-provider").exists():
        pytest.fail("node and node_modules/oidc-provider are needed: run make install")
    port = free_port()
    callbacks = [
        f"{TEST_CLIENT_SERVICE_URL}/sign-in/sso/callback",
        f"http://127.0.0.1:{live_sso_port}/sign-in/sso/callback",
    ]
    env = {**os.environ, "OIDC_PORT": str(port), "OIDC_REDIRECT_URIS": ",".join(callbacks)}
    log = tmp_path_factory.mktemp("oidc") / "provider.log"
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603 - our own script
            [node, str(PROVIDER)], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    issuer = f"http://127.0.0.1:{port}"
    try:
        _wait_for_discovery(issuer, process, log)
        yield issuer
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _wait_for_discovery(issuer: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the OpenID provider stopped: {log.read_text()[-2000:]}")
        try:
            found = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2)
            if found.ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    pytest.fail("the OpenID provider did not answer within 30 seconds")


def configure_sso(app: Flask, issuer: str, **extra: Any) -> dict[str, Any]:
    """Turn single sign-on on for `app`; returns the settings it had, for restore_sso."""
    from sfo_review.auth import sso

    names = ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "LOCAL_SIGN_IN", *extra)
    saved = {name: app.config.get(name) for name in names}
    settings = {"OIDC_ISSUER": issuer, "OIDC_CLIENT_ID": CLIENT_ID}
    settings["OIDC_CLIENT_SECRET"] = CLIENT_SECRET
    app.config.update({**settings, **extra})
    sso.init_app(app)
    return saved


def restore_sso(app: Flask, saved: dict[str, Any]) -> None:
    from sfo_review.auth import sso

    app.config.update(saved)
    app.extensions.pop(sso.EXTENSION, None)
    sso.init_app(app)


@pytest.fixture
def sso_app(app: Flask, db: Any, oidc_issuer: str) -> Iterator[Flask]:
    """The test app with single sign-on on, against the real provider."""
    saved = configure_sso(app, oidc_issuer)
    try:
        yield app
    finally:
        restore_sso(app, saved)


def _follow_to_callback(browser: requests.Session, url: str, callback_prefix: str) -> str:
    """Follow the provider's redirects (and its login form) until it sends the browser back
    to `callback_prefix`; that address (with code and state) is returned, not opened."""
    for _ in range(10):
        if url.startswith(callback_prefix):
            return url
        response = browser.get(url, allow_redirects=False, timeout=10)
        if response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            continue
        raise AssertionError(f"the provider answered {response.status_code}: {response.text[:500]}")
    raise AssertionError("too many redirects at the provider")


def provider_sign_in(
    authorize_url: str, login: str, callback_prefix: str = TEST_CLIENT_SERVICE_URL
) -> str:
    """Sign in at the provider as `login` (its devInteractions form) and return the address
    it sends the browser back to: the app's callback with `code` and `state`."""
    browser = requests.Session()
    response = browser.get(authorize_url, allow_redirects=True, timeout=10)
    form = BeautifulSoup(response.text, "html.parser").select_one("form")
    assert form is not None, response.text[:500]
    data = {"prompt": "login", "login": login, "password": "any-password"}
    posted = browser.post(
        urljoin(response.url, str(form["action"])), data=data, allow_redirects=False, timeout=10
    )
    assert posted.is_redirect, posted.text[:500]
    return _follow_to_callback(
        browser, urljoin(posted.url, posted.headers["Location"]), callback_prefix
    )


SignIn = Callable[..., Any]
