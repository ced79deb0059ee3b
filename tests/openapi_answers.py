"""A pytest plugin (tests/conftest.py's pytest_plugins): every answer the app's JSON API gives
in any test of the suite is checked against the OpenAPI description
(sfo_review/api/openapi.yaml, tests/api/openapi_conformance.py). A test whose answers do not
conform fails, naming each one."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest
from flask import Flask, request_finished
from flask import request as flask_request
from werkzeug.wrappers import Response

from sfo_review.api import description
from tests.api.openapi_conformance import BASE, Conformance


@cache
def _conformance() -> Conformance:
    return Conformance(description.document())


@pytest.fixture(autouse=True)
def _answers_conform_to_the_description(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every answer the API gives in the test is checked against the OpenAPI description
    (sfo_review/api/openapi.yaml): its status must be one the operation declares, and its
    JSON body must match the declared schema (no field the description does not name). The
    test fails, naming each answer that does not conform."""
    if "app" not in request.fixturenames:
        yield
        return
    app: Flask = request.getfixturevalue("app")
    problems: list[str] = []

    def record(sender: Flask, response: Response, **_: Any) -> None:
        rule = flask_request.url_rule
        if rule is None or not rule.rule.startswith(BASE) or flask_request.method == "HEAD":
            return
        body = response.get_json(silent=True) if response.is_json else None
        problems.extend(
            _conformance().problems(
                flask_request.method, rule.rule, response.status_code, response.mimetype, body
            )
        )

    request_finished.connect(record, app)
    try:
        yield
    finally:
        request_finished.disconnect(record, app)
    if problems:
        pytest.fail(
            "Answers that do not conform to sfo_review/api/openapi.yaml:\n"
            + "\n".join(dict.fromkeys(problems)),
            pytrace=False,
        )
