"""Small helpers shared by the tests: pages, forms, and counting the queries a block runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from sqlalchemy import event
from werkzeug.test import TestResponse

from sfo_review.extensions import db


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


@contextmanager
def counting() -> Iterator[list[str]]:
    """The statements run inside the block (not BEGIN, COMMIT, ROLLBACK or SAVEPOINT), each
    request starting as a server's does: with an empty session. (The tests share one session
    with the requests they make; what it still held — the signed-in user, say — would
    otherwise depend on when the garbage collector last ran.)"""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.split()[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT"):
            statements.append(statement)

    db.session.commit()
    db.session.expunge_all()
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
