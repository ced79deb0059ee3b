"""API v1.1 A: a participant says they have nothing to add at factual accuracy."""

from __future__ import annotations

from flask import Response, jsonify

from sfo_review import permissions as perm
from sfo_review.api import serializers as s
from sfo_review.api.blueprint import api_bp
from sfo_review.api.helpers import api_user, load_review
from sfo_review.services import factual_accuracy


def _state_json(state: factual_accuracy.ParticipantState) -> s.JSON:
    participant = state.participant
    return {
        "participant_id": participant.id,
        "name": participant.user.name,
        "role_in_case": participant.role_in_case,
        "factual_accuracy_done_at": s.timestamp(state.done_at),
        "factual_accuracy_ends_on": s.day(state.window_ends_on),
        "window_open": state.window_open,
        "outstanding_findings": [{"id": f.id, "title": f.title} for f in state.outstanding],
    }


@api_bp.post("/reviews/<int:review_id>/factual-accuracy/done")
def factual_accuracy_done(review_id: int) -> Response:
    user = api_user()
    review = load_review(review_id, perm.can_say_factual_accuracy_done)
    return jsonify(_state_json(factual_accuracy.mark_done(user, review)))
