"""Errors raised by the service layer; the browser and the API each present them."""

from __future__ import annotations


class ServiceError(Exception):
    code = "bad_request"
    status = 400

    def __init__(self, message: str, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class ValidationFailed(ServiceError):
    code = "validation_error"
    status = 422

    def __init__(self, fields: dict[str, list[str]], message: str | None = None) -> None:
        super().__init__(message or "Some of the information is missing or not valid.", fields)


class Conflict(ServiceError):
    """A stale version, or a lifecycle rule not met."""

    code = "conflict"
    status = 409


class Forbidden(ServiceError):
    code = "forbidden"
    status = 403

    def __init__(self, message: str = "You do not have permission to do that.") -> None:
        super().__init__(message)


class NotFound(ServiceError):
    code = "not_found"
    status = 404

    def __init__(self, message: str = "Page not found.") -> None:
        super().__init__(message)
