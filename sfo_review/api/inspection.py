"""GET /api/v1/inspection-sample (api-v1.1 §C): the reproducible sample for an inspection."""

from __future__ import annotations

from flask import Response, jsonify

from sfo_review.api.blueprint import api_bp
from sfo_review.api.helpers import api_user, query_args
from sfo_review.services import inspection_sample


@api_bp.get("/inspection-sample")
def inspection_sample_items() -> Response:
    args = query_args("from", "to", "percent", "seed")
    return jsonify(inspection_sample.sample(api_user(), dict(args), "api").as_json())
