"""API v1 routes."""

from __future__ import annotations

from flask import Response, jsonify

from sfo_review import vocab
from sfo_review.api import api_bp


@api_bp.get("/taxonomy/systemic-factors")
def taxonomy() -> Response:
    return jsonify(items=[c._asdict() for c in vocab.SYSTEMIC_FACTOR_CATEGORIES])
