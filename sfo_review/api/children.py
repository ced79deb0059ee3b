"""API v1 routes for findings (with responses), statements and actions."""

from __future__ import annotations

from flask import Response, jsonify
from flask.typing import ResponseReturnValue

from sfo_review import permissions as perm
from sfo_review import visibility
from sfo_review.api import serializers as s
from sfo_review.api.blueprint import api_bp
from sfo_review.api.helpers import (
    api_user,
    created,
    json_body,
    load_review,
    no_content,
    no_fields_body,
    viewed,
)
from sfo_review.loaders import ReviewAction, get_child_or_404
from sfo_review.models import Action, Finding, Review, Statement
from sfo_review.services import actions as action_service
from sfo_review.services import findings as finding_service
from sfo_review.services import reply_outcomes, statement_access
from sfo_review.services import statements as statement_service
from sfo_review.services.errors import NotFound

FINDINGS = "/reviews/<int:review_id>/findings"
STATEMENTS = "/reviews/<int:review_id>/statements"
ACTIONS = "/reviews/<int:review_id>/actions"


# Findings ----------------------------------------------------------------------------------


def _finding(review: Review, finding_id: int) -> Finding:
    """A finding the caller may read: officers see none before the factual accuracy check."""
    if not perm.can_see_findings(api_user(), review):
        raise NotFound("Finding not found.")
    return get_child_or_404(review, Finding, finding_id)


@api_bp.get(FINDINGS)
def findings(review_id: int) -> Response:
    user = api_user()
    review = viewed(load_review(review_id), "findings")
    return jsonify(items=[s.finding_json(f, user) for f in visibility.findings(user, review)])


@api_bp.post(FINDINGS)
def add_finding(review_id: int) -> ResponseReturnValue:
    review = load_review(review_id, perm.can_edit_review)
    user = api_user()
    return created(s.finding_json(finding_service.add_finding(user, review, json_body()), user))


@api_bp.get(FINDINGS + "/<int:finding_id>")
def finding(review_id: int, finding_id: int) -> Response:
    review = load_review(review_id)
    item = _finding(review, finding_id)
    viewed(review, "finding")
    return jsonify(s.finding_json(item, api_user()))


@api_bp.patch(FINDINGS + "/<int:finding_id>")
def update_finding(review_id: int, finding_id: int) -> Response:
    review = load_review(review_id, perm.can_edit_review)
    item = _finding(review, finding_id)
    item = finding_service.update_finding(api_user(), review, item, json_body())
    return jsonify(s.finding_json(item, api_user()))


@api_bp.delete(FINDINGS + "/<int:finding_id>")
def delete_finding(review_id: int, finding_id: int) -> ResponseReturnValue:
    review = load_review(review_id, perm.can_edit_review)
    finding_service.delete_finding(api_user(), review, _finding(review, finding_id))
    return no_content()


@api_bp.get(FINDINGS + "/<int:finding_id>/responses")
def responses(review_id: int, finding_id: int) -> Response:
    review = load_review(review_id)
    item = _finding(review, finding_id)
    viewed(review, "finding")
    return jsonify(items=[s.response_json(r, api_user()) for r in item.responses])


@api_bp.post(FINDINGS + "/<int:finding_id>/responses")
def add_response(review_id: int, finding_id: int) -> ResponseReturnValue:
    review = load_review(review_id, perm.can_respond_to_findings)
    item = _finding(review, finding_id)
    response = finding_service.add_response(api_user(), review, item, json_body())
    return created(s.response_json(response, api_user()))


@api_bp.post(FINDINGS + "/<int:finding_id>/responses/<int:response_id>/outcome")
def answer_response(review_id: int, finding_id: int, response_id: int) -> Response:
    """The reviewer's answer to a reply (api-v1.1 A): given once, in the edit window."""
    review = load_review(review_id, perm.can_edit_review)
    response = reply_outcomes.response_of(_finding(review, finding_id), response_id)
    body = json_body()
    answered = reply_outcomes.answer_reply(api_user(), review, response.finding, response, body)
    return jsonify(s.response_json(answered, api_user()))


# Statements --------------------------------------------------------------------------------


def _statement(
    review_id: int, statement_id: int, action: ReviewAction = perm.can_see_review
) -> Statement:
    """A statement the caller may see (never another officer's; drafts only to the author)."""
    review = load_review(review_id, action)
    item = get_child_or_404(review, Statement, statement_id)
    if not perm.can_see_statement(api_user(), review, item):
        raise NotFound("Statement not found.")
    return item


@api_bp.get(STATEMENTS)
def statements(review_id: int) -> Response:
    user = api_user()
    review = viewed(load_review(review_id), "statements")
    visible = statement_service.statements_visible_to(user, review)
    items = [s.statement_json(st, user) for st in visible]
    statement_access.record(user, visible)
    return jsonify(items=items)


@api_bp.post(STATEMENTS)
def add_statement(review_id: int) -> ResponseReturnValue:
    review = load_review(review_id, perm.can_write_statement)
    statement = statement_service.create_statement(api_user(), review, json_body())
    return created(s.statement_json(statement, api_user()))


@api_bp.get(STATEMENTS + "/<int:statement_id>")
def statement(review_id: int, statement_id: int) -> Response:
    item = _statement(review_id, statement_id)
    viewed(item.review, "statement")
    body = s.statement_json(item, api_user())
    statement_access.record(api_user(), [item])
    return jsonify(body)


@api_bp.patch(STATEMENTS + "/<int:statement_id>")
def update_statement(review_id: int, statement_id: int) -> Response:
    item = _statement(review_id, statement_id)
    item = statement_service.update_statement(api_user(), item.review, item, json_body())
    return jsonify(s.statement_json(item, api_user()))


@api_bp.post(STATEMENTS + "/<int:statement_id>/submit")
def submit_statement(review_id: int, statement_id: int) -> Response:
    item = _statement(review_id, statement_id)
    no_fields_body()
    item = statement_service.submit_statement(api_user(), item.review, item)
    return jsonify(s.statement_json(item, api_user()))


# Actions -----------------------------------------------------------------------------------


@api_bp.get(ACTIONS)
def actions(review_id: int) -> Response:
    review = viewed(load_review(review_id, perm.can_see_actions), "actions")
    user = api_user()
    return jsonify(items=[s.action_json(a, user) for a in visibility.actions(user, review)])


@api_bp.post(ACTIONS)
def add_action(review_id: int) -> ResponseReturnValue:
    review = load_review(review_id, perm.can_manage_actions)
    user = api_user()
    return created(s.action_json(action_service.add_action(user, review, json_body()), user))


@api_bp.get(ACTIONS + "/<int:action_id>")
def action(review_id: int, action_id: int) -> Response:
    review = viewed(load_review(review_id, perm.can_see_actions), "actions")
    return jsonify(s.action_json(get_child_or_404(review, Action, action_id), api_user()))


@api_bp.patch(ACTIONS + "/<int:action_id>")
def update_action(review_id: int, action_id: int) -> Response:
    review = load_review(review_id, perm.can_manage_actions)
    item = get_child_or_404(review, Action, action_id)
    item = action_service.update_action(api_user(), review, item, json_body())
    return jsonify(s.action_json(item, api_user()))
