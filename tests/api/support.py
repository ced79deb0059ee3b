"""Helpers for the JSON API tests (imported by tests/api/conftest.py and the test modules)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from sfo_review.extensions import db


def run_cli(app: Flask, args: list[str], stdin: str | None = None) -> str:
    # The CLI has its own app context and session: end the test's transaction first so
    # SQLite's write lock is free for it.
    db.session.commit()
    result = app.test_cli_runner().invoke(args=args, input=stdin)
    assert result.exit_code == 0, result.output
    return str(result.stdout)  # what a script reading the command's output gets


class Api:
    """A JSON client: `api.get(path, token)`, `api.post(path, token, body)`, …"""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def call(
        self,
        method: str,
        path: str,
        token: str | None = None,
        body: Any = None,
        *,
        raw: bytes | str | None = None,
        headers: dict[str, str] | None = None,
    ) -> TestResponse:
        all_headers = dict(headers or {})
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        url = path if path.startswith("/api/") else "/api/v1" + path
        if raw is not None:
            return self.client.open(
                url, method=method, data=raw, headers=all_headers, content_type="application/json"
            )
        if body is None:
            return self.client.open(url, method=method, headers=all_headers)
        return self.client.open(url, method=method, json=body, headers=all_headers)

    def get(self, path: str, token: str | None = None) -> TestResponse:
        return self.call("GET", path, token)

    def post(self, path: str, token: str | None = None, body: Any = None) -> TestResponse:
        return self.call("POST", path, token, body)

    def patch(self, path: str, token: str | None = None, body: Any = None) -> TestResponse:
        return self.call("PATCH", path, token, body)

    def delete(self, path: str, token: str | None = None) -> TestResponse:
        return self.call("DELETE", path, token)


def error(response: TestResponse) -> dict[str, Any]:
    """The contract's error body, checked for shape."""
    body = response.get_json()
    assert isinstance(body, dict) and set(body) == {"error"}, body
    err = body["error"]
    assert isinstance(err["code"], str) and isinstance(err["message"], str) and err["message"]
    return dict(err)
