"""Browser-facing wiring: blueprints, error pages, security headers, template helpers."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Flask, current_app, g, jsonify, render_template, request
from flask_login import current_user
from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from werkzeug.exceptions import HTTPException, RequestURITooLarge, SecurityError
from werkzeug.wrappers import Response

from sfo_review import jobs, lifecycle, outages, permissions, static_files, vocab
from sfo_review.auth import session as auth_session
from sfo_review.auth.session import seconds_left
from sfo_review.error_pages import ERROR_TITLES
from sfo_review.extensions import csrf, db, login_manager
from sfo_review.forms_support import error_summary_items
from sfo_review.rendered_once import rendered_once
from sfo_review.services.errors import ServiceError

# Nothing here needs a camera, a microphone, the location, payments or devices: no page (nor
# anything injected into one) may ask for them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


def register(app: Flask) -> None:
    from sfo_review.actions import actions_bp
    from sfo_review.admin import admin_bp
    from sfo_review.dashboard import dashboard_bp
    from sfo_review.evidence import evidence_bp
    from sfo_review.family import family_bp
    from sfo_review.findings import findings_bp
    from sfo_review.inspection import inspection_bp
    from sfo_review.notifications import notifications_bp
    from sfo_review.reports import reports_bp
    from sfo_review.reviews import reviews_bp
    from sfo_review.statements import statements_bp
    from sfo_review.support import support_bp

    for blueprint in (
        reviews_bp,
        evidence_bp,
        family_bp,
        findings_bp,
        statements_bp,
        actions_bp,
        reports_bp,
        admin_bp,
        notifications_bp,
        support_bp,
        dashboard_bp,
        inspection_bp,
    ):
        app.register_blueprint(blueprint)
    auth_session.init_app(app)
    app.add_url_rule("/healthz", "healthz", healthz)
    app.add_url_rule("/readyz", "readyz", readyz)
    app.add_url_rule("/accessibility", "accessibility", accessibility)
    csrf.exempt(healthz)
    csrf.exempt(readyz)
    # First of all: a request refused for its size asks nothing else of the app.
    app.before_request_funcs.setdefault(None, []).insert(0, _refuse_long_address)
    app.before_request(_nonce)
    app.after_request(_security_headers)
    static_files.init_app(app)  # stylesheets and scripts at addresses kept a year
    app.register_error_handler(ServiceError, _service_error)
    app.register_error_handler(HTTPException, _http_error)
    for database_error in (sa_exc.DBAPIError, sa_exc.TimeoutError, sa_exc.DisconnectionError):
        app.register_error_handler(database_error, _database_error)
    app.register_error_handler(Exception, _unexpected_error)
    app.context_processor(_template_context)


def healthz() -> Response:
    """Liveness, no login: the process answers requests. Asks nothing of the database (a
    database outage is not cured by restarting the web server: /readyz says whether it can
    serve)."""
    return jsonify(status="ok")


def readyz() -> tuple[Response, int]:
    """Readiness, no login: the database answers `SELECT 1` and the job queue's storage
    (Redis, or its SQLite file) answers; 503 with Retry-After when either does not."""
    checks = {"database": _check(_ping_database), "job_queue": _check(jobs.huey.pending_count)}
    ready = all(state == "ok" for state in checks.values())
    response = jsonify(status="ready" if ready else "not_ready", checks=checks)
    if not ready:
        response.headers["Retry-After"] = str(outages.RETRY_AFTER_SECONDS)
    return response, 200 if ready else 503


def _ping_database() -> None:
    try:
        db.session.execute(text("SELECT 1"))
    finally:
        _forget_session()


def _check(probe: Any) -> str:
    try:
        probe()
    except Exception as exc:  # noqa: BLE001 - whatever stops it, it is not ready
        current_app.logger.warning("Readiness check failed: %r", exc)
        return "unavailable"
    return "ok"


healthz.permission_checked = True  # type: ignore[attr-defined]  # public by design
readyz.permission_checked = True  # type: ignore[attr-defined]  # public by design


def accessibility() -> str:
    return render_template("accessibility.html")


accessibility.permission_checked = True  # type: ignore[attr-defined]  # public by design


# The longest address (path and query string, as sent) the app answers. gunicorn.conf.py lets
# request lines up to 8,190 bytes through so that the app, not the HTTP server, refuses the
# longer ones here: with the API's JSON error body, or the service's own error page.
MAX_ADDRESS_BYTES = 4096


def _refuse_long_address() -> None:
    environ = request.environ
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw is None:  # not every server says what was sent: count the decoded parts
        raw = environ.get("PATH_INFO", "") + "?" + environ.get("QUERY_STRING", "")
    if len(str(raw).encode("latin-1", "replace")) > MAX_ADDRESS_BYTES:
        raise RequestURITooLarge()


def _nonce() -> None:
    g.csp_nonce = secrets.token_urlsafe(16)


def _security_headers(response: Response) -> Response:
    nonce = getattr(g, "csp_nonce", "")
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        "style-src 'self'; img-src 'self' data:; font-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = PERMISSIONS_POLICY
    # A page this one opens (or that opens it) from another origin gets no handle on it.
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if request.endpoint != "static":
        # Review content is OFFICIAL-SENSITIVE: never kept in a browser or proxy cache.
        response.headers["Cache-Control"] = "no-store"
    return response


def _wants_json() -> bool:
    return request.blueprint == "api" or request.path.startswith("/api/")


def _error_page(
    status: int, message: str | None = None, title: str | None = None
) -> tuple[str, int]:
    title = title or ERROR_TITLES.get(status, "Error")
    return render_template("error.html", status=status, title=title, message=message), status


def _forget_session() -> None:
    """End the request's transaction; on a lost connection, just let the session go."""
    try:
        db.session.rollback()
    except sa_exc.SQLAlchemyError:
        db.session.close()


def _database_error(exc: Exception) -> Any:
    """The database down, frozen, over a timeout or busy: 503 with Retry-After, drawn
    without the database. Any other database error is a bug (500)."""
    if not outages.is_outage(exc):
        return _unexpected_error(exc)
    current_app.logger.warning("Database unavailable: %r", exc)
    _forget_session()
    if _wants_json():
        from sfo_review.api.errors import error_response

        response, status = error_response(503, "service_unavailable", outages.MESSAGE)
    else:
        # Who is signed in lives in the database: the page is drawn as for nobody (no
        # navigation, no notification count), so nothing on it asks the database again.
        g._login_user = login_manager.anonymous_user()
        html, status = _error_page(503, outages.MESSAGE, "Sorry, the service is unavailable")
        response = current_app.make_response(html)
    response.status_code = status
    response.headers["Retry-After"] = str(outages.RETRY_AFTER_SECONDS)
    return response


def _service_error(exc: ServiceError) -> Any:
    if _wants_json():
        from sfo_review.api.errors import error_response

        return error_response(exc.status, exc.code, exc.message, exc.fields)
    db.session.rollback()
    return _error_page(exc.status, exc.message)


def _http_error(exc: HTTPException) -> Any:
    status = exc.code or 500
    if isinstance(exc, SecurityError):
        # A Host outside TRUSTED_HOSTS: no URL can be built for it, so no page either.
        return Response(
            "This service does not answer for that host name.", 400, mimetype="text/plain"
        )
    if _wants_json():
        from sfo_review.api.errors import http_error_response

        return http_error_response(exc)
    message = None
    if status == 429:
        message = "You have made too many attempts. Wait a minute, then try again."
    elif status == 400:
        message = exc.description
    elif status == 414:
        message = (
            f"The address is longer than {MAX_ADDRESS_BYTES:,} characters. "
            "Go back and choose fewer or shorter filters."
        )
    return _error_page(status, message)


def _unexpected_error(exc: Exception) -> Any:
    _forget_session()
    if isinstance(exc, HTTPException):  # pragma: no cover - handled above
        return _http_error(exc)
    current_app.logger.exception("Unhandled error")
    if current_app.testing:
        raise exc  # tests see the real error rather than a 500 page
    if _wants_json():
        from sfo_review.api.errors import error_response

        return error_response(500, "internal_error", "Sorry, something went wrong.")
    return _error_page(500)


def _template_context() -> dict[str, Any]:
    return {
        "perm": permissions,
        "vocab": vocab,
        "lifecycle": lifecycle,
        "current_user": current_user,
        "cspNonce": getattr(g, "csp_nonce", None),
        "session_seconds_left": seconds_left,
        "rendered_once": rendered_once,
        "error_summary_items": error_summary_items,
    }
