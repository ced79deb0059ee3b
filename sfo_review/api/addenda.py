"""API v1 additions for statements: an addendum to a submitted statement (the author only;
never edited), and declining to give a statement with a reason (or changing one's mind)."""

from __future__ import annotations

from flask import Response, jsonify
from flask.typing import ResponseReturnValue

from sfo_review import permissions as perm
from sfo_review.api import serializers as s
from sfo_review.api.blueprint import api_bp
from sfo_review.api.children import STATEMENTS, _statement
from sfo_review.api.helpers import api_user, created, json_body, load_review, no_fields_body
from sfo_review.services import addenda as addendum_service
from sfo_review.services import statements as statement_service


@api_bp.post(STATEMENTS + "/<int:statement_id>/addenda")
def add_addendum(review_id: int, statement_id: int) -> ResponseReturnValue:
    item = _statement(review_id, statement_id)
    addendum = addendum_service.add_addendum(api_user(), item.review, item, json_body())
    return created(s.addendum_json(addendum))


@api_bp.post(STATEMENTS + "/decline")
def decline_statement(review_id: int) -> ResponseReturnValue:
    review = load_review(review_id, perm.can_write_statement)
    statement = statement_service.decline_statement(api_user(), review, json_body())
    return created(s.statement_json(statement, api_user()))


@api_bp.post(STATEMENTS + "/<int:statement_id>/withdraw-decline")
def withdraw_decline(review_id: int, statement_id: int) -> Response:
    item = _statement(review_id, statement_id)
    no_fields_body()
    item = statement_service.withdraw_decline(api_user(), item.review, item)
    return jsonify(s.statement_json(item, api_user()))
