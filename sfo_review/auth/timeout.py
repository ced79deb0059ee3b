"""The warning before the inactivity sign-out (WCAG 2.2.1 Timing Adjustable).

Signed-in pages carry a dialog (templates/_timeout_warning.html) that
static/js/timeout-warning.js opens a few minutes before the session would end. It asks the
server how long is really left first (another tab may have been active), and "Stay signed
in" posts a keep-alive, which counts as activity like any other request.
"""

from __future__ import annotations

from flask import Response, jsonify, redirect, request
from werkzeug.wrappers import Response as BaseResponse

from sfo_review import permissions as perm
from sfo_review.auth.blueprint import auth_bp, safe_next
from sfo_review.auth.session import login_required_for, seconds_left


@auth_bp.route("/session/status")
@login_required_for(perm.can_use_own_account)
def session_status() -> Response:
    idle, absolute = seconds_left()
    return jsonify(idle_seconds_left=idle, absolute_seconds_left=absolute)


@auth_bp.route("/session/keep-alive", methods=["POST"])
@login_required_for(perm.can_use_own_account)
def keep_alive() -> BaseResponse:
    # The request itself renewed the session (enforce_timeouts); say how long is left now.
    if request.accept_mimetypes.best == "application/json":
        return session_status()
    return redirect(safe_next(request.form.get("next")))
