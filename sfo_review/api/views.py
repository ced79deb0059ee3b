"""API v1 routes on the review itself: reviews, participants, lifecycle, report, themes.

Thin views: load-and-authorise (404 when not visible, 403 when not allowed), call one
service, shape the answer. Service errors become the contract's error body in web.py.
"""

from __future__ import annotations

from flask import Response, jsonify, request
from flask.typing import ResponseReturnValue

from sfo_review import permissions as perm
from sfo_review import vocab
from sfo_review.api import serializers as s
from sfo_review.api.blueprint import api_bp
from sfo_review.api.errors import error_response
from sfo_review.api.helpers import (
    api_user,
    created,
    json_body,
    load_review,
    no_content,
    query_args,
    viewed,
)
from sfo_review.loaders import get_child_or_404
from sfo_review.models import Participant
from sfo_review.pdf import participant as participant_copy
from sfo_review.pdf.render import ReportUnavailable
from sfo_review.services import reviews as review_service
from sfo_review.services import statement_access
from sfo_review.services import themes as theme_service
from sfo_review.services import transitions as transition_service
from sfo_review.services.reports import exports as report_exports
from sfo_review.services.statements import statements_visible_to


@api_bp.get("/taxonomy/systemic-factors")
def taxonomy() -> Response:
    return jsonify(items=[c._asdict() for c in vocab.SYSTEMIC_FACTOR_CATEGORIES])


@api_bp.get("/themes")
def themes() -> Response:
    return jsonify(theme_service.themes(api_user(), query_args("from", "to", "region", "pdu")))


@api_bp.post("/reviews")
def create_review() -> ResponseReturnValue:
    user = api_user()
    review = review_service.create_review(user, json_body())
    return created(s.review_json(review, user))


@api_bp.get("/reviews/<int:review_id>")
def review(review_id: int) -> Response:
    user = api_user()
    item = viewed(load_review(review_id), "review")
    body = s.review_detail_json(item, user)
    statement_access.record(user, statements_visible_to(user, item))  # their words are in it
    return jsonify(body)


@api_bp.patch("/reviews/<int:review_id>")
def update_review(review_id: int) -> Response:
    user = api_user()
    item = load_review(review_id, perm.can_edit_review)
    item = review_service.update_review(user, item, json_body())
    return jsonify(s.review_json(item, user))


@api_bp.get("/reviews/<int:review_id>/participants")
def participants(review_id: int) -> Response:
    user = api_user()
    item = viewed(load_review(review_id, perm.can_see_evidence), "participants")
    return jsonify(items=[s.participant_json(p, user) for p in item.participants])


@api_bp.post("/reviews/<int:review_id>/participants")
def add_participant(review_id: int) -> ResponseReturnValue:
    item = load_review(review_id, perm.can_edit_review)
    user = api_user()
    participant = review_service.add_participant(user, item, json_body())
    return created(s.participant_json(participant, user))


@api_bp.get("/reviews/<int:review_id>/participants/<int:participant_id>")
def participant(review_id: int, participant_id: int) -> Response:
    item = viewed(load_review(review_id, perm.can_see_evidence), "participants")
    child = get_child_or_404(item, Participant, participant_id)
    return jsonify(s.participant_json(child, api_user()))


@api_bp.delete("/reviews/<int:review_id>/participants/<int:participant_id>")
def remove_participant(review_id: int, participant_id: int) -> ResponseReturnValue:
    item = load_review(review_id, perm.can_edit_review)
    child = get_child_or_404(item, Participant, participant_id)
    review_service.remove_participant(api_user(), item, child)
    return no_content()


@api_bp.post("/reviews/<int:review_id>/transitions")
def transition(review_id: int) -> Response:
    user = api_user()
    item = load_review(review_id)
    item = transition_service.transition(user, item, json_body())
    return jsonify({**s.review_json(item, user), **s.ratings_json(item, user)})


# Seconds an API client is asked to wait while the job worker prepares its PDF.
PREPARING_RETRY_AFTER_SECONDS = 10


@api_bp.get("/reviews/<int:review_id>/report.pdf")
def report(review_id: int) -> ResponseReturnValue:
    if request.args.get("variant") == participant_copy.VARIANT:
        # a participant's own copy: anyone else is answered 404 (by the service)
        item = load_review(review_id, perm.can_see_review)
    else:
        item = load_review(review_id, perm.can_export)
    args = query_args("variant", "format")
    # The contract answers with the PDF itself: cached when unchanged, else rendered by the
    # job worker while this request waits a little; not made in that time (a long one, a
    # busy worker), 503 with Retry-After, and the retry is answered from what it made.
    if args.get("variant") == participant_copy.VARIANT:
        export = report_exports.export_participant_copy(api_user(), item, args.get("format"))
    else:
        export = report_exports.export_report(
            api_user(), item, args.get("variant"), args.get("format")
        )
    if export.pdf is None:
        assert export.preparing is not None  # noqa: S101 - no bytes means a render was asked
        if export.preparing.state == "failed":  # the next request asks for it again
            raise ReportUnavailable(export.preparing.error or "")
        response, status = error_response(
            503,
            "service_unavailable",
            "This report is being prepared. Ask for it again in "
            f"{PREPARING_RETRY_AFTER_SECONDS} seconds.",
        )
        response.headers["Retry-After"] = str(PREPARING_RETRY_AFTER_SECONDS)
        return response, status
    return Response(
        export.pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{export.filename}"'},
    )
