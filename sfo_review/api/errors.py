"""The contract's error body: {"error": {"code", "message", "fields"?}}."""

from __future__ import annotations

from flask import Response, jsonify
from werkzeug.exceptions import HTTPException

HTTP_CODES = {
    400: ("bad_request", "The request could not be understood."),
    401: ("unauthenticated", "Send a valid API token as 'Authorization: Bearer <token>'."),
    403: ("forbidden", "You do not have permission to do that."),
    404: ("not_found", "Not found."),
    405: ("method_not_allowed", "That method is not allowed here."),
    409: ("conflict", "This cannot be done now."),
    413: ("payload_too_large", "The request body is over the 1 MiB limit."),
    414: (
        "uri_too_long",
        "The address is over 4,096 bytes: send fewer or shorter query parameters.",
    ),
    415: ("unsupported_media_type", "Send JSON with 'Content-Type: application/json'."),
    422: ("validation_error", "Some of the information is missing or not valid."),
    429: ("rate_limited", "Too many requests. Wait a minute, then try again."),
}


def error_response(
    status: int, code: str, message: str, fields: dict[str, list[str]] | None = None
) -> tuple[Response, int]:
    body: dict[str, object] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    response = jsonify(error=body)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="sfo-review"'
    return response, status


def http_error_response(exc: HTTPException) -> tuple[Response, int]:
    status = exc.code or 500
    code, message = HTTP_CODES.get(status, ("error", exc.description or "Error."))
    return error_response(status, code, message)
