"""Request helpers for the API views."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, g, jsonify, request, url_for

from sfo_review import permissions as perm
from sfo_review.loaders import ReviewAction, get_review_or_404
from sfo_review.models import Review, User
from sfo_review.services import reviews as review_service
from sfo_review.services import validation as v
from sfo_review.services.errors import ServiceError


class BadRequest(ServiceError):
    code = "bad_request"
    status = 400


def absolute_url(endpoint: str, **values: Any) -> str:
    """An absolute URL on SERVICE_URL: never from the request's Host header, which a client
    (or anyone able to put a link in front of one) chooses."""
    return current_app.config["SERVICE_URL"].rstrip("/") + url_for(endpoint, **values)


def api_user() -> User:
    user: User = g.api_user
    return user


def json_body() -> dict[str, Any]:
    """The request's JSON object; anything else is a 400 with the contract's body."""
    try:
        data = request.get_json(silent=True, force=True)
    except RecursionError:  # absurdly deep nesting: not a body anyone means to send
        data = None
    if data is None:
        raise BadRequest("The request body must be valid JSON.")
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object.")
    return data


def no_fields_body() -> None:
    """For actions that take no fields: an empty body, or a JSON object with no keys."""
    if request.get_data(cache=True):
        v.clean(json_body(), {})


def query_args(*allowed: str) -> dict[str, str]:
    """The query string as a dict; unknown parameters are a 422 naming them."""
    args = request.args.to_dict()
    unknown = {k: [f"Unknown query parameter: {k}"] for k in args if k not in allowed}
    v.require(unknown)
    return args


def load_review(review_id: int, action: ReviewAction = perm.can_see_review) -> Review:
    """404 when the caller may not see the review, 403 when they may not do `action`."""
    return get_review_or_404(review_id, api_user(), action)


def viewed(review: Review, what: str) -> Review:
    """Record the read in the audit trail (who read what, and when)."""
    review_service.record_view(api_user(), review, f"{what} (API)")
    return review


def created(body: dict[str, Any]) -> tuple[Response, int]:
    return jsonify(body), 201


def no_content() -> Response:
    """204 with no body, and so no Content-Type (not Flask's default text/html)."""
    response = Response(status=204)
    del response.headers["Content-Type"]
    return response
