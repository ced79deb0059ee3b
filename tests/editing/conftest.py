"""Two people editing at once: a second signed-in browser, and reading a form as posted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient

from sfo_review.models import User
from tests.conftest import sign_in_through_session

# second_client records nothing and changes nothing until a test calls it (tests/snapshots.py).
SNAPSHOT_PURE = {"second_client"}


@pytest.fixture
def second_client(app: Flask, db: Any) -> Callable[[User], FlaskClient]:
    """Another browser (its own session), signed in as `user`."""

    def open_as(user: User) -> FlaskClient:
        other = app.test_client()
        sign_in_through_session(other, user)
        return other

    return open_as


def form_values(soup: BeautifulSoup) -> dict[str, Any]:
    """What the browser would post from the page's edit form (the one with a version)."""
    form = soup.select_one("input[name=version]").find_parent("form")
    values: dict[str, Any] = {}

    def add(name: str, value: str) -> None:
        if name in values:
            existing = values[name]
            values[name] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            values[name] = value

    for field in form.select("input[name]"):
        kind = field.get("type", "text")
        if kind in ("checkbox", "radio") and not field.has_attr("checked"):
            continue
        add(field["name"], field.get("value", "y" if kind == "checkbox" else ""))
    for area in form.select("textarea[name]"):
        add(area["name"], area.get_text().removeprefix("\n"))
    for select in form.select("select[name]"):
        chosen = select.select_one("option[selected]") or select.select_one("option")
        add(select["name"], chosen.get("value", "") if chosen else "")
    return values
