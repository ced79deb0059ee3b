"""Request helpers for the API views."""

from __future__ import annotations

from typing import Any

from flask import g, request

from sfo_review.models import User
from sfo_review.services.errors import ServiceError


class BadRequest(ServiceError):
    code = "bad_request"
    status = 400


def api_user() -> User:
    user: User = g.api_user
    return user


def json_body() -> dict[str, Any]:
    """The request's JSON object; anything else is a 400 with the contract's body."""
    data = request.get_json(silent=True, force=True)
    if data is None:
        raise BadRequest("The request body must be valid JSON.")
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object.")
    return data
