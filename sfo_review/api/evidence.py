"""API v1 routes for the evidence on a review: chronology, caseload contexts, systemic factors.

The three work the same way (list, add, read, PATCH with version, DELETE), so their routes
are registered from one table; the rules live in services/evidence.py. Reading takes the
browser's rule: `readable` answers 403 to whoever may not open the list at all, and the
rows are those `sfo_review.visibility` shows the caller (another row answers 404).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Response, jsonify
from flask.typing import ResponseReturnValue

from sfo_review import permissions as perm
from sfo_review import visibility
from sfo_review.api import serializers as s
from sfo_review.api.blueprint import api_bp
from sfo_review.api.helpers import api_user, created, json_body, load_review, no_content, viewed
from sfo_review.loaders import get_child_or_404
from sfo_review.models import CaseloadContext, ChronologyEntry, Review, SystemicFactor, User
from sfo_review.services import evidence as evidence_service
from sfo_review.services.errors import NotFound


@dataclass(frozen=True)
class Kind:
    path: str  # kebab-case, under /reviews/<id>/
    name: str  # snake_case, for endpoint names
    model: type[Any]
    readable: perm.ReviewCheck
    shown: Callable[[User, Review], list[Any]]  # the rows the caller may read
    add: Callable[[User, Review, dict[str, Any]], Any]
    to_json: Callable[[Any], s.JSON]


KINDS = (
    Kind(
        "chronology",
        "chronology",
        ChronologyEntry,
        perm.can_see_evidence,
        visibility.chronology,  # in date order
        evidence_service.add_chronology_entry,
        s.chronology_json,
    ),
    Kind(
        "caseload-contexts",
        "caseload_context",
        CaseloadContext,
        perm.can_see_caseload_contexts,
        lambda user, review: visibility.caseload_contexts(user, review).items,
        evidence_service.add_caseload_context,
        lambda context: s.caseload_json(context, api_user()),
    ),
    Kind(
        "systemic-factors",
        "systemic_factor",
        SystemicFactor,
        perm.can_see_evidence,
        visibility.systemic_factors,
        evidence_service.add_systemic_factor,
        s.factor_json,
    ),
)


def _register(kind: Kind) -> None:
    base = f"/reviews/<int:review_id>/{kind.path}"
    label = kind.path.replace("-", " ")

    def list_items(review_id: int) -> Response:
        review = viewed(load_review(review_id, kind.readable), label)
        return jsonify(items=[kind.to_json(obj) for obj in kind.shown(api_user(), review)])

    def add_item(review_id: int) -> ResponseReturnValue:
        review = load_review(review_id, perm.can_edit_review)
        return created(kind.to_json(kind.add(api_user(), review, json_body())))

    def get_item(review_id: int, item_id: int) -> Response:
        review = viewed(load_review(review_id, kind.readable), label)
        obj = get_child_or_404(review, kind.model, item_id)
        if obj not in kind.shown(api_user(), review):
            raise NotFound(f"{kind.model.__name__} not found.")
        return jsonify(kind.to_json(obj))

    def update_item(review_id: int, item_id: int) -> Response:
        review = load_review(review_id, perm.can_edit_review)
        obj = get_child_or_404(review, kind.model, item_id)
        obj = evidence_service.update_evidence(api_user(), review, obj, json_body())
        return jsonify(kind.to_json(obj))

    def delete_item(review_id: int, item_id: int) -> ResponseReturnValue:
        review = load_review(review_id, perm.can_edit_review)
        obj = get_child_or_404(review, kind.model, item_id)
        evidence_service.delete_evidence(api_user(), review, obj)
        return no_content()

    item = base + "/<int:item_id>"
    api_bp.add_url_rule(base, f"{kind.name}_list", list_items, methods=["GET"])
    api_bp.add_url_rule(base, f"add_{kind.name}", add_item, methods=["POST"])
    api_bp.add_url_rule(item, kind.name, get_item, methods=["GET"])
    api_bp.add_url_rule(item, f"update_{kind.name}", update_item, methods=["PATCH"])
    api_bp.add_url_rule(item, f"delete_{kind.name}", delete_item, methods=["DELETE"])


for _kind in KINDS:
    _register(_kind)
