"""API v1 addition: an addendum to a submitted statement (the author only; never edited)."""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from sfo_review.api import api_bp
from sfo_review.api import serializers as s
from sfo_review.api.children import STATEMENTS, _statement
from sfo_review.api.helpers import api_user, created, json_body
from sfo_review.services import addenda as addendum_service


@api_bp.post(STATEMENTS + "/<int:statement_id>/addenda")
def add_addendum(review_id: int, statement_id: int) -> ResponseReturnValue:
    item = _statement(review_id, statement_id)
    addendum = addendum_service.add_addendum(api_user(), item.review, item, json_body())
    return created(s.addendum_json(addendum))
