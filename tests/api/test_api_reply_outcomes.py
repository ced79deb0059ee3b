"""POST /reviews/{id}/findings/{fid}/responses/{rid}/outcome (api-v1.1 A, "Replies get an
answer"): who may, what it takes, what it answers, and that bad input writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from sfo_review.extensions import db
from sfo_review.models import AuditEvent, FindingResponse, Notification, Review
from sfo_review.services import findings as finding_service
from sfo_review.services.validation import LONG_MAX
from tests.api.support import error

# This module's fixtures only build (tests/snapshots.py: a build is reused).
SNAPSHOT_PURE = {"answered_world"}

W = dict[str, Any]
REPLY = "The home visit was rearranged, not missed: see the contact log of 3 May."
WHY = "The contact log shows no rearranged visit."  # ≥ 20 characters


def set_status(review: Review, status: str) -> None:
    """Put the review at `status` as it is committed. What is tested here is the edit window
    and who may answer; the transitions' own rules are tested in tests/lifecycle."""
    review.status = status
    db.session.commit()


def reply(w: W, author: str = "officer", finding: Any = None) -> FindingResponse:
    """A participant's reply, made through the service during the factual accuracy check."""
    return finding_service.add_response(
        w["users"][author], w["review"], finding or w["finding"], {"body": REPLY}
    )


def path(w: W, response: FindingResponse, finding: Any = None) -> str:
    item = finding or w["finding"]
    return f"/reviews/{w['id']}/findings/{item.id}/responses/{response.id}/outcome"


@pytest.fixture
def answered_world(world: Callable[..., W]) -> Callable[..., W]:
    """A review at factual accuracy with one reply from the responsible officer."""

    def build(*roles: str) -> W:
        w = world(*roles, individual=False)
        set_status(w["review"], "factual_accuracy")
        w["reply"] = reply(w)
        return w

    return build


def outcome_of(response_id: int) -> tuple[str | None, str | None]:
    db.session.expire_all()
    row = db.session.get(FindingResponse, response_id)
    assert row is not None
    return row.outcome, row.outcome_note


@pytest.mark.parametrize("outcome", ["fact_corrected", "context_added", "not_accepted"])
def test_the_reviewer_answers_a_reply(api, answered_world, outcome):
    w = answered_world("reviewer", "officer")
    response = api.post(
        path(w, w["reply"]), w["tokens"]["reviewer"], {"outcome": outcome, "note": WHY}
    )

    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == w["reply"].id and body["body"] == REPLY
    assert body["outcome"] == outcome and body["outcome_note"] == WHY
    assert body["outcome_at"].endswith("+00:00")
    assert outcome_of(w["reply"].id) == (outcome, WHY)
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "finding.response_answered")
    ).one()
    assert event.detail == {
        "finding_id": w["finding"].id,
        "response_id": w["reply"].id,
        "outcome": outcome,
    }
    # The reply's author is told, in the app (and by the email that only links to it).
    told = db.session.scalars(
        select(Notification).where(Notification.user_id == w["officer"].id)
    ).all()
    assert [n.link for n in told if "answered your reply" in n.message] == [
        f"/reviews/{w['id']}/findings/{w['finding'].id}#reply-{w['reply'].id}"
    ]


@pytest.mark.parametrize(
    "body", [{"outcome": "fact_corrected"}, {"outcome": "context_added", "note": ""}]
)
def test_the_note_is_optional_unless_not_accepted(api, answered_world, body):
    w = answered_world("reviewer")
    response = api.post(path(w, w["reply"]), w["tokens"]["reviewer"], body)
    assert response.status_code == 200
    assert response.get_json()["outcome_note"] is None


def test_every_reply_shows_the_three_fields_null_until_answered(api, answered_world):
    w = answered_world("reviewer", "officer")
    for token in (w["tokens"]["reviewer"], w["tokens"]["officer"]):
        listed = api.get(f"/reviews/{w['id']}/findings/{w['finding'].id}/responses", token)
        finding = api.get(f"/reviews/{w['id']}/findings/{w['finding'].id}", token)
        for item in (listed.get_json()["items"][0], finding.get_json()["responses"][0]):
            assert (item["outcome"], item["outcome_note"], item["outcome_at"]) == (None, None, None)

    api.post(path(w, w["reply"]), w["tokens"]["reviewer"], {"outcome": "not_accepted", "note": WHY})
    # The author sees the answer beside their reply.
    mine = api.get(f"/reviews/{w['id']}/findings/{w['finding'].id}", w["tokens"]["officer"])
    answered = mine.get_json()["responses"][0]
    assert (answered["outcome"], answered["outcome_note"]) == ("not_accepted", WHY)
    assert answered["outcome_at"] is not None


# Who may: the review's reviewer only. 404 for whoever may not see the review, 403 for
# whoever may see it but not answer (the reply's author included).
WHO = {
    "reviewer": 200,
    "other_reviewer": 404,
    "officer": 403,  # the reply's author
    "manager": 403,  # another participant
    "other_officer": 404,  # not a participant
    "quality_assurer": 404,  # not the countersigner, review not yet at quality assurance
    "countersigner": 403,
    "leadership": 403,
    "admin": 404,
    "anonymous": 401,
}


@pytest.mark.parametrize(("role", "expected"), list(WHO.items()))
def test_who_may_answer_a_reply(api, answered_world, role, expected):
    w = answered_world(role)
    response = api.post(path(w, w["reply"]), w["tokens"][role], {"outcome": "context_added"})

    assert response.status_code == expected
    if expected != 200:
        code = {401: "unauthenticated", 403: "forbidden", 404: "not_found"}[expected]
        assert error(response)["code"] == code
        assert outcome_of(w["reply"].id) == (None, None)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "outcome"),
        ({"outcome": None}, "outcome"),
        ({"outcome": ""}, "outcome"),
        ({"outcome": "accepted"}, "outcome"),
        ({"outcome": "FACT_CORRECTED"}, "outcome"),
        ({"outcome": 5}, "outcome"),
        ({"outcome": True}, "outcome"),
        ({"outcome": ["fact_corrected"]}, "outcome"),
        ({"outcome": {"value": "fact_corrected"}}, "outcome"),
        ({"outcome": "<script>alert(1)</script>"}, "outcome"),
        ({"outcome": "context_added", "note": ["a note"]}, "note"),
        ({"outcome": "context_added", "note": 5}, "note"),
        ({"outcome": "context_added", "note": "x" * (LONG_MAX + 1)}, "note"),
        ({"outcome": "context_added", "note": "bad\x00byte"}, "note"),
        ({"outcome": "not_accepted"}, "note"),
        ({"outcome": "not_accepted", "note": None}, "note"),
        ({"outcome": "not_accepted", "note": "   "}, "note"),
        ({"outcome": "not_accepted", "note": "x" * 19}, "note"),
        ({"outcome": "not_accepted", "note": " " * 10 + "x" * 19 + " " * 10}, "note"),
        ({"outcome": "context_added", "reason": "an unknown field"}, "reason"),
        ({"outcome": "context_added", "outcome_at": "2024-01-01T00:00:00+00:00"}, "outcome_at"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_writes_nothing(api, answered_world, body, field):
    w = answered_world("reviewer")
    response = api.post(path(w, w["reply"]), w["tokens"]["reviewer"], body)

    assert response.status_code == 422
    err = error(response)
    assert err["code"] == "validation_error" and field in err["fields"]
    assert outcome_of(w["reply"].id) == (None, None)
    assert not db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "finding.response_answered")
    ).all()


def test_not_accepted_takes_a_note_of_exactly_20_characters(api, answered_world):
    w = answered_world("reviewer")
    note = "x" * 20
    response = api.post(
        path(w, w["reply"]), w["tokens"]["reviewer"], {"outcome": "not_accepted", "note": note}
    )
    assert response.status_code == 200 and response.get_json()["outcome_note"] == note


@pytest.mark.parametrize("raw", [b"", b"not json", b"[]", b'"fact_corrected"'])
def test_a_body_that_is_not_a_json_object_is_refused(api, answered_world, raw):
    w = answered_world("reviewer")
    response = api.call("POST", path(w, w["reply"]), w["tokens"]["reviewer"], raw=raw)
    assert response.status_code in (400, 422)
    assert error(response)
    assert outcome_of(w["reply"].id) == (None, None)


def test_hostile_text_is_kept_as_typed_and_returned_as_data(api, answered_world):
    w = answered_world("reviewer", "officer")
    hostile = "<script>alert(1)</script> <img src=x onerror=alert(1)>"
    response = api.post(
        path(w, w["reply"]), w["tokens"]["reviewer"], {"outcome": "not_accepted", "note": hostile}
    )
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.get_json()["outcome_note"] == hostile


def test_a_second_answer_is_a_conflict_and_the_first_stands(api, answered_world):
    w = answered_world("reviewer")
    token = w["tokens"]["reviewer"]
    first = api.post(path(w, w["reply"]), token, {"outcome": "fact_corrected", "note": WHY})
    assert first.status_code == 200
    for body in (
        {"outcome": "not_accepted", "note": "Changed my mind about this one."},
        {"outcome": "fact_corrected", "note": WHY},
    ):
        again = api.post(path(w, w["reply"]), token, body)
        assert again.status_code == 409 and error(again)["code"] == "conflict"
    assert outcome_of(w["reply"].id) == ("fact_corrected", WHY)
    assert (
        first.get_json()["outcome_at"]
        == api.get(f"/reviews/{w['id']}/findings/{w['finding'].id}/responses", token).get_json()[
            "items"
        ][0]["outcome_at"]
    )


@pytest.mark.parametrize("status", ["quality_assurance", "approved", "closed"])
def test_outside_the_edit_window_it_is_a_conflict(api, answered_world, status):
    w = answered_world("reviewer")
    set_status(w["review"], status)
    response = api.post(path(w, w["reply"]), w["tokens"]["reviewer"], {"outcome": "context_added"})
    assert response.status_code == 409 and error(response)["code"] == "conflict"
    assert outcome_of(w["reply"].id) == (None, None)


def test_in_review_a_reply_already_made_can_be_answered(api, answered_world):
    """A review returned by quality assurance is in review again: still the edit window."""
    w = answered_world("reviewer")
    set_status(w["review"], "in_review")
    response = api.post(path(w, w["reply"]), w["tokens"]["reviewer"], {"outcome": "context_added"})
    assert response.status_code == 200


def test_ids_of_another_finding_or_review_are_not_found(api, answered_world, full_review):
    w = answered_world("reviewer")
    token = w["tokens"]["reviewer"]
    # Another finding of the same review, with a reply of its own.
    second = finding_service.add_finding(
        w["reviewer"],
        w["review"],
        {
            "title": "Plan not reviewed",
            "practice_area": "planning",
            "judgement": "insufficient",
            "narrative": "Not reviewed.",
            "attribution": ["team"],
        },
    )
    second_reply = reply(w, "manager", second)
    # Another review altogether (another reviewer's), with its reply.
    other = full_review(individual=False)
    set_status(other["review"], "factual_accuracy")
    other_reply = finding_service.add_response(
        other["officer"], other["review"], other["finding"], {"body": REPLY}
    )
    base = f"/reviews/{w['id']}/findings"
    for url in (
        f"{base}/{w['finding'].id}/responses/{second_reply.id}/outcome",  # reply of another finding
        f"{base}/{second.id}/responses/{w['reply'].id}/outcome",
        f"{base}/{w['finding'].id}/responses/{other_reply.id}/outcome",  # another review's
        f"{base}/{other['finding'].id}/responses/{other_reply.id}/outcome",
        f"/reviews/{other['review'].id}/findings/{other['finding'].id}"
        f"/responses/{other_reply.id}/outcome",
        f"{base}/{w['finding'].id}/responses/999999/outcome",
        f"{base}/999999/responses/{w['reply'].id}/outcome",
    ):
        response = api.post(url, token, {"outcome": "context_added"})
        assert response.status_code == 404, url
        assert error(response)["code"] == "not_found"
    for row in (w["reply"], second_reply, other_reply):
        assert outcome_of(row.id) == (None, None)
