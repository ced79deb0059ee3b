"""API v1.1 §A, "Officers see and answer what is recorded about them": the subject's account
of their caseload context (added, never edited or deleted: no PATCH, no DELETE, so 405),
and a statement's access log (its author only)."""

from __future__ import annotations

from flask import Response, jsonify
from flask.typing import ResponseReturnValue

from sfo_review import permissions as perm
from sfo_review import visibility
from sfo_review.api import serializers as s
from sfo_review.api.blueprint import api_bp
from sfo_review.api.children import STATEMENTS, _statement
from sfo_review.api.helpers import api_user, created, json_body, load_review, viewed
from sfo_review.loaders import get_child_or_404
from sfo_review.models import CaseloadContext
from sfo_review.services import caseload_accounts as account_service
from sfo_review.services import statement_access
from sfo_review.services.errors import NotFound

ACCOUNTS = "/reviews/<int:review_id>/caseload-contexts/<int:context_id>/accounts"


@api_bp.post(ACCOUNTS)
def add_caseload_account(review_id: int, context_id: int) -> ResponseReturnValue:
    """404 when the caller may not read the context (a colleague's), 403 when they read it
    but it is not about them, 409 outside the edit window, 422 for the fields."""
    user = api_user()
    review = load_review(review_id, perm.can_see_caseload_contexts)
    context = get_child_or_404(review, CaseloadContext, context_id)
    if context not in visibility.caseload_contexts(user, review).items:
        raise NotFound("CaseloadContext not found.")
    account = account_service.add_account(user, review, context, json_body())
    return created(s.caseload_account_json(account, user))


@api_bp.get(STATEMENTS + "/<int:statement_id>/access-log")
def statement_access_log(review_id: int, statement_id: int) -> Response:
    """Who has read the statement's words, newest first: the author only (others 404)."""
    user = api_user()
    item = _statement(review_id, statement_id)
    if not perm.can_read_statement_access_log(user, item):
        raise NotFound("Statement not found.")
    viewed(item.review, "access log of their statement")
    return jsonify(
        items=[
            {
                "user": {"name": row.user.name, "role": row.user.role},
                "action": row.action,
                "at": s.timestamp(row.at),
            }
            for row in statement_access.log_for(item)
        ]
    )
