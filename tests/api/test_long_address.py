"""An address over 4,096 bytes: 414 from the app (the API's error body, or the service's error
page), before the token or the session is read; just under the limit, the usual answers.

`make fuzz` found gunicorn's own 414 (an HTML page the description did not list) for a long
query string: gunicorn.conf.py now lets request lines up to 8,190 bytes reach the app.
"""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import pytest

from sfo_review.web import MAX_ADDRESS_BYTES
from tests.api.support import error

LONG_REGION = "North-West " * 400  # 4,400 characters


@pytest.fixture
def leadership_token(cli_user: Any, token_for: Any) -> str:
    return str(token_for(cli_user("leadership")))


def test_a_long_query_string_answers_414_with_the_error_body(api: Any, leadership_token: str):
    response = api.get(f"/api/v1/themes?region={LONG_REGION}", leadership_token)
    assert response.status_code == 414
    body = error(response)
    assert body["code"] == "uri_too_long"
    assert "4,096" in body["message"]


@pytest.mark.parametrize("token", [None, "not-a-token"])
def test_refused_before_the_token_is_read(api: Any, token: str | None):
    response = api.get(f"/api/v1/reviews?region={LONG_REGION}", token)
    assert response.status_code == 414
    assert error(response)["code"] == "uri_too_long"


def test_a_long_path_answers_414_too(api: Any, leadership_token: str):
    response = api.get("/api/v1/reviews/" + "9" * (MAX_ADDRESS_BYTES + 1), leadership_token)
    assert response.status_code == 414
    assert error(response)["code"] == "uri_too_long"


def test_a_long_post_address_changes_nothing(api: Any, leadership_token: str, db: Any):
    from sfo_review.models import Review

    before = db.session.query(Review).count()
    response = api.post(
        "/api/v1/reviews?x=" + "a" * MAX_ADDRESS_BYTES, leadership_token, {"title": "<b>x</b>"}
    )
    assert response.status_code == 414
    assert db.session.query(Review).count() == before


def test_just_under_the_limit_the_query_is_read_as_usual(api: Any, leadership_token: str):
    address = "/api/v1/themes?region="
    region = "W" * (MAX_ADDRESS_BYTES - len(address))
    response = api.get(address + region, leadership_token)
    assert response.status_code == 422
    assert "region" in error(response)["fields"]


def test_a_page_answers_414_with_the_service_error_page(client: Any, login_as: Any):
    login_as("leadership")
    response = client.get("/reviews?region=" + "<script>alert(1)</script>" * 200)
    assert response.status_code == 414
    page = response.get_data(as_text=True)
    assert "The web address is too long" in page
    assert "choose fewer or shorter filters" in page
    assert "<script>alert(1)" not in page
    assert response.mimetype == "text/html"


def test_gunicorn_lets_the_longest_address_reach_the_app():
    settings = runpy.run_path(str(Path(__file__).parents[2] / "gunicorn.conf.py"))
    # The request line is the method, the address and the protocol: room for all three.
    assert settings["limit_request_line"] >= MAX_ADDRESS_BYTES + len("DELETE  HTTP/1.1")
    assert settings["limit_request_line"] <= 8190  # gunicorn's own maximum
