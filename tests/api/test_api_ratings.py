"""api-v1.1 C: approval takes the ratings against the inspectorate's standards (required);
every problem is named in the 422's `fields` and nothing is written; the review returns them."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from sfo_review.cli.ratings_data import EXAMPLE_RATINGS, approval
from sfo_review.extensions import db
from sfo_review.models import AuditEvent, RenderedReport, ReportSnapshot, ReviewRating
from sfo_review.services import reviews as review_service
from sfo_review.services import transitions as transition_service
from tests import helpers_rules
from tests.api.support import error

# This module's fixtures only build (tests/snapshots.py: a build is reused).
SNAPSHOT_PURE = {"at_qa"}

STANDARDS = ["analysis_of_practice", "overall_judgements", "learning", "victims_and_families"]


@pytest.fixture
def at_qa(world):
    w = world("reviewer", "countersigner", "quality_assurer", "leadership", "officer", "admin")
    review = w["review"]
    transition_service.transition(w["reviewer"], review, {"to": "factual_accuracy"})
    helpers_rules.settle_statements(review, w["officer"])
    helpers_rules.nothing_to_add(review)
    review_service.update_review(
        w["reviewer"], review, {"version": review.version, "overall_judgement": "Written."}
    )
    transition_service.transition(w["reviewer"], review, {"to": "quality_assurance"})
    helpers_rules.address_factors(review)  # api-v1.1 B: the action balance rule
    return w


def _ratings(**changes: Any) -> dict[str, Any]:
    """EXAMPLE_RATINGS with `standard=value` replaced (value None: the standard left out)."""
    given = copy.deepcopy(EXAMPLE_RATINGS)
    for standard, value in changes.items():
        if value is None:
            del given[standard]
        else:
            given[standard] = value
    return given


def _nothing_written(w: dict[str, Any]) -> None:
    db.session.expire_all()
    assert w["review"].status == "quality_assurance"
    assert w["review"].approved_at is None
    assert db.session.query(ReviewRating).count() == 0
    assert db.session.query(ReportSnapshot).count() == 0
    assert db.session.query(RenderedReport).filter_by(review_id=w["id"]).count() == 0
    moves = db.session.query(AuditEvent).filter_by(action="review.transitioned").all()
    assert all((e.detail or {}).get("to") != "approved" for e in moves)


def _approve(api: Any, w: dict[str, Any], body: Any, role: str = "countersigner") -> Any:
    return api.post(f"/reviews/{w['id']}/transitions", w["tokens"][role], body)


BAD = [
    # (ratings, the field named, words in its message)
    (None, "ratings", "Rate the review"),
    ("good", "ratings", "must be an object"),
    ([], "ratings", "must be an object"),
    (_ratings(learning=None), "ratings.learning", "Rate the review on learning"),
    (_ratings(overall=None), "ratings.overall", "Rate the review overall"),
    (_ratings(learning="good"), "ratings.learning", "must be an object"),
    (
        _ratings(learning={"rating": "excellent", "rationale": "x" * 30}),
        "ratings.learning.rating",
        "Select a rating for learning",
    ),
    (
        _ratings(learning={"rating": 3, "rationale": "x" * 30}),
        "ratings.learning.rating",
        "Select a rating for learning",
    ),
    (
        _ratings(learning={"rationale": "x" * 30}),
        "ratings.learning.rating",
        "Select a rating for learning",
    ),
    (
        _ratings(learning={"rating": "good", "rationale": "Too short."}),
        "ratings.learning.rationale",
        "20 characters or more",
    ),
    (
        _ratings(learning={"rating": "good", "rationale": " " * 19 + "x" + " " * 30}),
        "ratings.learning.rationale",
        "20 characters or more",
    ),
    (
        _ratings(learning={"rating": "good", "rationale": ""}),
        "ratings.learning.rationale",
        "Enter the rationale for learning",
    ),
    (
        _ratings(learning={"rating": "good", "rationale": 12345678901234567890123}),
        "ratings.learning.rationale",
        "must be text",
    ),
    (
        _ratings(learning={"rating": "good", "rationale": "x" * 20_001}),
        "ratings.learning.rationale",
        "20,000 characters or fewer",
    ),
    (
        _ratings(learning={"rating": "good", "rationale": "x" * 30, "score": 4}),
        "ratings.learning.score",
        "Unknown field: score",
    ),
    (
        _ratings(leadership={"rating": "good", "rationale": "x" * 30}),
        "ratings.leadership",
        "Unknown",
    ),
]


@pytest.mark.parametrize(("ratings", "field", "words"), BAD)
def test_bad_ratings_are_named_and_nothing_is_written(api, at_qa, ratings, field, words):
    body: dict[str, Any] = {"to": "approved"}
    if ratings is not None:
        body["ratings"] = ratings
    response = _approve(api, at_qa, body)
    assert response.status_code == 422, response.get_json()
    body = error(response)
    assert body["code"] == "validation_error"
    assert words in " ".join(body["fields"][field])
    _nothing_written(at_qa)


def test_every_problem_is_named_at_once(api, at_qa):
    ratings = {
        "analysis_of_practice": {"rating": "good"},
        "overall_judgements": {"rating": "brilliant", "rationale": "short"},
        "learning": "good",
        "overall": {"rating": "good", "rationale": "A rationale long enough to keep."},
    }
    response = _approve(api, at_qa, {"to": "approved", "ratings": ratings})
    assert response.status_code == 422
    assert set(error(response)["fields"]) == {
        "ratings.analysis_of_practice.rationale",
        "ratings.overall_judgements.rating",
        "ratings.overall_judgements.rationale",
        "ratings.learning",
        "ratings.victims_and_families",
    }
    _nothing_written(at_qa)


@pytest.mark.parametrize("role", ["reviewer", "quality_assurer", "leadership", "officer", "admin"])
def test_only_the_countersigner_approves_with_ratings(api, at_qa, role):
    response = _approve(api, at_qa, approval(), role)
    assert response.status_code in (403, 404)
    assert response.status_code == (404 if role == "admin" else 403)
    _nothing_written(at_qa)


def test_not_visible_is_404(api, world):
    other = world("other_reviewer")
    response = api.post(
        f"/reviews/{other['id']}/transitions", other["tokens"]["other_reviewer"], approval()
    )
    assert response.status_code == 404


def test_a_return_takes_no_ratings(api, at_qa):
    body = {"to": "in_review", "reason": "Please say more.", "ratings": EXAMPLE_RATINGS}
    response = _approve(api, at_qa, body)
    assert response.status_code == 422
    assert "only when approving" in error(response)["fields"]["ratings"][0]
    _nothing_written(at_qa)
    response = _approve(api, at_qa, {"to": "in_review", "reason": "Please say more."})
    assert response.status_code == 200 and response.get_json()["status"] == "in_review"


def test_lifecycle_rules_answer_409_before_the_ratings_are_read(api, at_qa):
    """The rules of the move come first (409), as for a return's reason."""
    transition_service.transition(
        at_qa["qa"], at_qa["review"], {"to": "in_review", "reason": "Back to the reviewer."}
    )
    response = _approve(api, at_qa, {"to": "approved", "ratings": "nonsense"})
    assert response.status_code == 409 and error(response)["code"] == "conflict"
    assert db.session.query(ReviewRating).count() == 0


def test_the_ratings_are_stored_with_the_approval_and_returned(api, at_qa):
    hostile = "<script>alert('x')</script> & a rationale long enough"
    ratings = _ratings(learning={"rating": "inadequate", "rationale": hostile})
    response = _approve(api, at_qa, {"to": "approved", "ratings": ratings})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "approved" and body["ratings_state"] == "rated"
    assert body["ratings"]["learning"]["rating"] == "inadequate"
    assert body["ratings"]["learning"]["rationale"] == hostile  # stored exactly as sent
    rows = db.session.query(ReviewRating).filter_by(review_id=at_qa["id"]).all()
    assert sorted(r.standard for r in rows) == sorted([*STANDARDS, "overall"])
    review = at_qa["review"]
    db.session.refresh(review)
    for row in rows:
        assert row.rated_by_id == at_qa["qa"].id
        assert row.rated_at == review.approved_at
        assert row.rationale == ratings[row.standard]["rationale"]
    detail = api.get(f"/reviews/{at_qa['id']}", at_qa["tokens"]["leadership"]).get_json()
    assert set(detail["ratings"]) == {*STANDARDS, "overall"}
    assert detail["ratings"]["overall"] == {
        "rating": "good",
        "rationale": EXAMPLE_RATINGS["overall"]["rationale"],
        "rated_by": {"id": at_qa["qa"].id, "name": at_qa["qa"].name, "email": at_qa["qa"].email},
        "rated_at": detail["approved_at"],
    }
    # officers never see quality assurance's ratings
    officer = api.get(f"/reviews/{at_qa['id']}", at_qa["tokens"]["officer"]).get_json()
    assert "ratings" not in officer and "ratings_state" not in officer


def test_before_approval_and_approved_before_ratings(api, at_qa):
    url = f"/reviews/{at_qa['id']}"
    body = api.get(url, at_qa["tokens"]["countersigner"]).get_json()
    assert body["ratings"] is None and body["ratings_state"] == "awaiting_approval"
    # A review approved before 1.1: approved, without any rating row.
    review = at_qa["review"]
    review.status = "approved"
    db.session.flush()
    body = api.get(url, at_qa["tokens"]["leadership"]).get_json()
    assert body["ratings"] is None and body["ratings_state"] == "approved_before_ratings"
