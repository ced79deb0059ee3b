"""Fixtures for the JSON API tests: users and tokens made with the real CLI, a JSON client.

`world()` builds one review ready for the factual accuracy check (conftest's full_review)
plus a user for every role the permission matrix needs, each with a token from
`flask users token`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from sfo_review.models import User
from sfo_review.services import reviews as review_service
from sfo_review.services import users as user_service
from tests.api.support import Api, run_cli
from tests.conftest import PASSWORD

ROLES = (
    "reviewer",
    "other_reviewer",
    "officer",
    "other_officer",
    "quality_assurer",
    "countersigner",
    "leadership",
    "admin",
    "anonymous",
)


@pytest.fixture
def cli_user(app: Flask, db: Any) -> Callable[..., User]:
    """`flask users create EMAIL --name --role`, the password on standard input."""
    counter = {"n": 0}

    def create(role: str, name: str | None = None) -> User:
        counter["n"] += 1
        email = f"api-{role}-{counter['n']}@example.gov.uk"
        label = name or f"{role.replace('_', ' ').title()} {counter['n']}"
        run_cli(app, ["users", "create", email, "--name", label, "--role", role], PASSWORD + "\n")
        user = user_service.user_by_email(email)
        assert user is not None
        return user

    return create


@pytest.fixture
def token_for(app: Flask, db: Any) -> Callable[[User], str]:
    """`flask users token EMAIL`: only the token, on one line of standard output."""

    def issue(user: User) -> str:
        output = run_cli(app, ["users", "token", user.email])
        lines = output.splitlines()
        assert len(lines) == 1
        return lines[0].strip()

    return issue


@pytest.fixture
def api(client: FlaskClient) -> Api:
    return Api(client)


@pytest.fixture
def world(
    full_review: Callable[..., dict[str, Any]],
    cli_user: Callable[..., User],
    token_for: Callable[[User], str],
) -> Callable[..., dict[str, Any]]:
    """A review (in review, ready for factual accuracy, countersigner named) and tokens.

    `world("officer", "leadership")` also makes a user for each role named (see ROLES) and
    gives `tokens[role]` from `flask users token` (None for "anonymous"). The
    "quality_assurer" is not the review's countersigner; "countersigner" is.
    """

    def build(*roles: str, **options: Any) -> dict[str, Any]:
        data = full_review(**options)
        users: dict[str, User | None] = {
            "reviewer": data["reviewer"],
            "officer": data["officer"],
            "manager": data["manager"],
            "countersigner": data["qa"],
            "anonymous": None,
        }
        for role in roles:
            if role not in users:
                base = {"other_reviewer": "reviewer", "other_officer": "officer"}.get(role, role)
                users[role] = cli_user(base)
        review = data["review"]
        review_service.update_review(
            data["reviewer"],
            review,
            {"version": review.version, "countersigner_email": data["qa"].email},
        )
        tokens = {r: (token_for(users[r]) if users[r] is not None else None) for r in roles}
        return {**data, "users": users, "tokens": tokens, "id": review.id}

    return build
