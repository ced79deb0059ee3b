"""API v1 additions: the review list's filters and pages, and deadline extensions.

`GET /reviews` keeps the contract (`{"items": [...]}`, filters `status` and `region`) and adds
the browser list's search, filters and sorts; pages only when asked for (`page` or
`per_page`), so a client that never asked still gets every review, as before.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request
from flask.typing import ResponseReturnValue

from sfo_review import permissions as perm
from sfo_review.api import serializers as s
from sfo_review.api.blueprint import api_bp
from sfo_review.api.helpers import (
    absolute_url,
    api_user,
    created,
    json_body,
    load_review,
    query_args,
    viewed,
)
from sfo_review.loaders import get_child_or_404
from sfo_review.models import DeadlineExtension, Review
from sfo_review.services import deadline_extensions as extension_service
from sfo_review.services import review_list
from sfo_review.services.deadlines import deadline_window
from sfo_review.services.errors import Forbidden, ValidationFailed

MULTI_VALUED = ("status", "deadline")
PAGING = ("page", "per_page")


def _filter_data() -> dict[str, Any]:
    """The filters of the query string; repeated `status`/`deadline` mean either value, and
    an empty value means no filter (as `?status=` always has)."""
    data: dict[str, Any] = {}
    for name in review_list.FILTER_RULES:
        if name in MULTI_VALUED:
            values = [value for value in request.args.getlist(name) if value != ""]
            if values:
                data[name] = values
        elif request.args.get(name, "") != "":
            data[name] = request.args[name]
    return data


def _read_list_args() -> tuple[review_list.Filters, int | None, int]:
    """Filters, page and page size, with every problem reported at once (422)."""
    query_args(*review_list.FILTER_RULES, *PAGING)
    errors: dict[str, list[str]] = {}
    filters, number = review_list.Filters(), None
    size = review_list.default_page_size()
    try:
        filters = review_list.parse_filters(_filter_data(), api_user())
    except ValidationFailed as exc:
        errors.update(exc.fields)
    for name, maximum in (("page", None), ("per_page", review_list.MAX_PER_PAGE)):
        if name not in request.args:
            continue
        try:
            value = review_list.parse_page(request.args[name], name, maximum)
        except ValidationFailed as exc:
            errors.update(exc.fields)
            continue
        if name == "page":
            number = value
        else:
            size, number = value, number or 1
    if errors:
        raise ValidationFailed(errors)
    return filters, number, size


@api_bp.get("/reviews")
def reviews() -> Response:
    user = api_user()
    if not perm.can_list_reviews(user):
        raise Forbidden("Your role has no access to review content.")
    filters, number, size = _read_list_args()
    window = deadline_window()  # once for every row of the answer
    if number is None:
        rows = review_list.find_all(user, filters)
        return jsonify(items=[s.review_json(r.review, user, window) for r in rows])
    found = review_list.find(user, filters, number, size, clamp=False)
    following = None
    if found.number < found.pages:
        following = absolute_url(
            "api.reviews", **filters.as_args(), page=found.number + 1, per_page=size
        )
    return jsonify(
        items=[s.review_json(r.review, user, window) for r in found.rows],
        next=following,
        total=found.total,
    )


EXTENSIONS = "/reviews/<int:review_id>/extensions"


def _readable(review_id: int) -> Review:
    return load_review(review_id, perm.can_see_extensions)


@api_bp.get(EXTENSIONS)
def extensions(review_id: int) -> Response:
    review = viewed(_readable(review_id), "deadline extensions")
    return jsonify(items=[s.extension_json(e, api_user()) for e in review.extensions])


@api_bp.get(EXTENSIONS + "/<int:extension_id>")
def extension(review_id: int, extension_id: int) -> Response:
    review = viewed(_readable(review_id), "deadline extension")
    return jsonify(
        s.extension_json(get_child_or_404(review, DeadlineExtension, extension_id), api_user())
    )


@api_bp.post(EXTENSIONS)
def request_extension(review_id: int) -> ResponseReturnValue:
    review = load_review(review_id, perm.can_request_extension)
    item = extension_service.request_extension(api_user(), review, json_body())
    return created(s.extension_json(item, api_user()))


@api_bp.post(EXTENSIONS + "/<int:extension_id>/decision")
def decide_extension(review_id: int, extension_id: int) -> Response:
    review = load_review(review_id, perm.can_decide_extensions)
    item = get_child_or_404(review, DeadlineExtension, extension_id)
    item = extension_service.decide_extension(api_user(), review, item, json_body())
    return jsonify(s.extension_json(item, api_user()))


@api_bp.post(EXTENSIONS + "/<int:extension_id>/withdraw")
def withdraw_extension(review_id: int, extension_id: int) -> Response:
    review = load_review(review_id, perm.can_request_extension)
    item = get_child_or_404(review, DeadlineExtension, extension_id)
    item = extension_service.withdraw_extension(api_user(), review, item)
    return jsonify(s.extension_json(item, api_user()))
