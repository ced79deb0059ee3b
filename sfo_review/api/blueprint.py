"""The API blueprint (/api/v1): every request authenticates with a Bearer token."""

from __future__ import annotations

from flask import Blueprint, g, request
from flask.typing import ResponseReturnValue

from sfo_review.api.errors import error_response
from sfo_review.extensions import csrf
from sfo_review.services import users as user_service

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(api_bp)

# Read without a token: the API's description (OpenAPI JSON) and its page (description.py).
PUBLIC_ENDPOINTS = frozenset({"api.openapi_json", "api.docs"})


@api_bp.before_request
def authenticate() -> ResponseReturnValue | None:
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    user = None
    if scheme.lower() == "bearer" and token.strip():
        user = user_service.user_for_token(token.strip())
    if user is None:
        return error_response(
            401,
            "unauthenticated",
            "Send a valid API token as 'Authorization: Bearer <token>' (a token stops working "
            "when it expires, is revoked, or its account is deactivated or changes password).",
        )
    g.api_user = user
    return None
