"""Small helpers shared by the browser tests."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from werkzeug.test import TestResponse


def page(response: TestResponse) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def csrf_token(client: FlaskClient, url: str) -> str:
    """The CSRF token of the first form on `url` (the session keeps it valid).

    With CSRF protection off (the test config, except in tests marked `csrf`) there is no
    token to fetch: the page is not requested and the token is empty."""
    if not client.application.config["WTF_CSRF_ENABLED"]:
        return ""
    field = page(client.get(url)).select_one("input[name=csrf_token]")
    assert field is not None, f"no CSRF token on {url}"
    return str(field["value"])


def post_form(
    client: FlaskClient, url: str, data: dict[str, Any], *, form_url: str | None = None
) -> TestResponse:
    """POST like a browser: fetch the page with the form for its CSRF token first (when
    CSRF protection is on)."""
    token = csrf_token(client, form_url or url)
    return client.post(url, data={**data, "csrf_token": token})


def error_summary(response: TestResponse) -> list[str]:
    soup = page(response)
    return [a.get_text(strip=True) for a in soup.select(".govuk-error-summary__list a")]
