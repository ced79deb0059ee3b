"""The API tests' fixtures (a JSON client, users and tokens made with the real CLI)."""

from __future__ import annotations

from tests.api.conftest import api, cli_user, token_for, world  # noqa: F401 - fixtures
