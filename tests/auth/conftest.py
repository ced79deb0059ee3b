"""The tests about signing in and the session around it sign in through the real form."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from sfo_review.models import User
from tests.conftest import sign_in_through_form


@pytest.fixture
def login_as(client: FlaskClient, make_user: Callable[..., User]) -> Callable[..., User]:
    """Sign the test client in as a new user of `role` (or as `user`) through the form."""

    def sign_in(role: str = "reviewer", user: User | None = None) -> User:
        return sign_in_through_form(client, user or make_user(role))

    return sign_in
