"""API additions for deadlines: `extensions` and the deadline in force on the review object,
and the endpoints to list, read, ask for and decide on an extension — every role, bad input."""

from __future__ import annotations

from datetime import date

import pytest

from sfo_review.extensions import db
from sfo_review.models import DeadlineExtension
from sfo_review.services import deadline_extensions as extension_service
from tests.api.conftest import ROLES
from tests.api.support import error
from tests.helpers_forms import HOSTILE
from tests.reviews.extension_helpers import REASON, later_working_day

HIDDEN = {
    "other_reviewer": 404,
    "other_officer": 404,
    "quality_assurer": 404,  # not the countersigner, review not at quality assurance
    "admin": 404,
    "anonymous": 401,
}
READ = {"reviewer": 200, "officer": 403, "countersigner": 200, "leadership": 200, **HIDDEN}
ASK = {"reviewer": 201, "officer": 403, "countersigner": 403, "leadership": 201, **HIDDEN}
DECIDE = {"reviewer": 403, "officer": 403, "countersigner": 200, "leadership": 200, **HIDDEN}


def _ask(w, **overrides):
    body = {"new_due_date": later_working_day(), "reason": REASON, **overrides}
    return extension_service.request_extension(w["reviewer"], w["review"], body)


def _body(**overrides):
    return {"new_due_date": later_working_day().isoformat(), "reason": REASON, **overrides}


@pytest.mark.parametrize("role", ROLES)
def test_listing_and_reading_extensions(api, world, role):
    w = world(role)
    extension = _ask(w)
    token = w["tokens"][role]
    listed = api.get(f"/reviews/{w['id']}/extensions", token)
    one = api.get(f"/reviews/{w['id']}/extensions/{extension.id}", token)
    assert (listed.status_code, one.status_code) == (READ[role], READ[role])
    if READ[role] == 200:
        assert [e["id"] for e in listed.get_json()["items"]] == [extension.id]
        assert one.get_json()["reason"] == REASON
    else:
        assert error(listed)["code"] in ("forbidden", "not_found", "unauthenticated")


@pytest.mark.parametrize("role", ROLES)
def test_asking_for_an_extension(api, world, role):
    w = world(role)
    response = api.post(f"/reviews/{w['id']}/extensions", w["tokens"][role], _body())
    assert response.status_code == ASK[role], response.get_json()
    count = db.session.query(DeadlineExtension).count()
    assert count == (1 if ASK[role] == 201 else 0)
    if ASK[role] == 201:
        body = response.get_json()
        assert body["status"] == "requested"
        assert body["previous_due_date"] == w["review"].due_date.isoformat()
        assert body["requested_by"]["email"] == w["users"][role].email
        assert body["decided_by"] is None and body["decision_note"] is None


@pytest.mark.parametrize("role", ROLES)
def test_deciding_on_an_extension(api, world, role):
    w = world(role)
    extension = _ask(w)
    path = f"/reviews/{w['id']}/extensions/{extension.id}/decision"
    response = api.post(path, w["tokens"][role], {"decision": "agreed", "note": "Fine."})
    assert response.status_code == DECIDE[role], response.get_json()
    db.session.expire_all()
    assert extension.status == ("agreed" if DECIDE[role] == 200 else "requested")
    if DECIDE[role] == 200:
        body = response.get_json()
        assert (body["status"], body["decision_note"]) == ("agreed", "Fine.")
        assert body["decided_by"]["email"] == w["users"][role].email
        review = api.get(f"/reviews/{w['id']}", w["tokens"][role]).get_json()
        assert review["effective_due_date"] == extension.new_due_date.isoformat()
        assert review["due_date"] == w["review"].due_date.isoformat()


def test_the_review_object_carries_the_deadline_in_force_flags_and_extensions(api, world):
    w = world("leadership", "officer")
    extension = _ask(w)
    review = api.get(f"/reviews/{w['id']}", w["tokens"]["leadership"]).get_json()
    assert review["due_date"] == w["review"].due_date.isoformat()  # the contract's meaning
    assert review["effective_due_date"] == review["due_date"]
    assert (review["overdue"], review["due_soon"]) == (True, False)  # notified in 2023
    assert [e["id"] for e in review["extensions"]] == [extension.id]
    assert set(review["extensions"][0]) == {
        "id",
        "version",
        "created_at",
        "updated_at",
        "status",
        "reason",
        "previous_due_date",
        "new_due_date",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
        "decision_note",
    }
    listed = api.get("/reviews", w["tokens"]["leadership"]).get_json()["items"][0]
    assert listed["effective_due_date"] == review["effective_due_date"]
    assert "extensions" not in listed  # the list has no nested lists
    # officers see the deadline in force, never the requests and their reasons
    officer = api.get(f"/reviews/{w['id']}", w["tokens"]["officer"]).get_json()
    assert officer["extensions"] == []
    assert officer["effective_due_date"] == review["effective_due_date"]


def test_due_soon_in_the_api(api, world, on_day):
    w = world("leadership")
    review = w["review"]
    on_day(date(2023, 9, 12))
    body = api.get(f"/reviews/{w['id']}", w["tokens"]["leadership"]).get_json()
    assert review.due_date == date(2023, 9, 21)
    assert (body["overdue"], body["due_soon"]) == (False, True)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": ""}, "reason"),
        ({"reason": "  "}, "reason"),
        ({"reason": 7}, "reason"),
        ({"reason": "x" * 20_001}, "reason"),
        ({"new_due_date": "31/12/2030"}, "new_due_date"),
        ({"new_due_date": "2030-02-30"}, "new_due_date"),
        ({"new_due_date": None}, "new_due_date"),
        ({"new_due_date": "2023-01-02"}, "new_due_date"),  # before the deadline in force
        ({"why": "because"}, "why"),
    ],
)
def test_bad_requests_answer_422_naming_the_field(api, world, body, field):
    w = world("reviewer")
    token = w["tokens"]["reviewer"]
    response = api.post(f"/reviews/{w['id']}/extensions", token, _body(**body))
    assert response.status_code == 422
    err = error(response)
    assert err["code"] == "validation_error" and field in err["fields"]
    assert db.session.query(DeadlineExtension).count() == 0


@pytest.mark.parametrize("raw", ["not json", "[1, 2]", '"text"', "{"])
def test_unparseable_bodies_answer_400(api, world, raw):
    w = world("reviewer")
    response = api.call("POST", f"/reviews/{w['id']}/extensions", w["tokens"]["reviewer"], raw=raw)
    assert response.status_code == 400
    assert error(response)["code"] == "bad_request"


def test_a_second_request_conflicts(api, world):
    w = world("reviewer")
    _ask(w)
    response = api.post(f"/reviews/{w['id']}/extensions", w["tokens"]["reviewer"], _body())
    assert response.status_code == 409
    assert error(response)["code"] == "conflict"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "decision"),
        ({"decision": "AGREED"}, "decision"),
        ({"decision": True}, "decision"),
        ({"decision": "refused", "note": ["x"]}, "note"),
        ({"decision": "refused", "version": 1}, "version"),
    ],
)
def test_bad_decisions_answer_422(api, world, body, field):
    w = world("leadership")
    extension = _ask(w)
    path = f"/reviews/{w['id']}/extensions/{extension.id}/decision"
    response = api.post(path, w["tokens"]["leadership"], body)
    assert response.status_code == 422
    assert field in error(response)["fields"]
    db.session.expire_all()
    assert extension.status == "requested"


def test_deciding_twice_or_on_your_own_request(api, world):
    w = world("leadership")
    extension = _ask(w)
    path = f"/reviews/{w['id']}/extensions/{extension.id}/decision"
    assert api.post(path, w["tokens"]["leadership"], {"decision": "refused"}).status_code == 200
    again = api.post(path, w["tokens"]["leadership"], {"decision": "agreed"})
    assert again.status_code == 409
    own = api.post(f"/reviews/{w['id']}/extensions", w["tokens"]["leadership"], _body())
    assert own.status_code == 201
    mine = api.post(
        f"/reviews/{w['id']}/extensions/{own.get_json()['id']}/decision",
        w["tokens"]["leadership"],
        {"decision": "agreed"},
    )
    assert mine.status_code == 403
    assert "someone else decides" in error(mine)["message"]


def test_an_extension_of_another_review_is_not_found(api, world):
    w, other = world("leadership"), world()
    theirs = _ask(other)
    token = w["tokens"]["leadership"]
    assert api.get(f"/reviews/{w['id']}/extensions/{theirs.id}", token).status_code == 404
    path = f"/reviews/{w['id']}/extensions/{theirs.id}/decision"
    assert api.post(path, token, {"decision": "agreed"}).status_code == 404
    assert api.get(f"/reviews/{w['id']}/extensions/999999", token).status_code == 404


def test_text_is_returned_exactly_as_sent(api, world):
    w = world("reviewer")
    response = api.post(
        f"/reviews/{w['id']}/extensions", w["tokens"]["reviewer"], _body(reason=HOSTILE)
    )
    assert response.get_json()["reason"] == HOSTILE


WITHDRAW = {"reviewer": 200, "officer": 403, "countersigner": 403, "leadership": 200, **HIDDEN}


@pytest.mark.parametrize("role", ROLES)
def test_withdrawing_an_extension(api, world, role):
    w = world(role)
    extension = _ask(w)
    path = f"/reviews/{w['id']}/extensions/{extension.id}/withdraw"
    response = api.post(path, w["tokens"][role], {})
    assert response.status_code == WITHDRAW[role], response.get_json()
    db.session.expire_all()
    assert extension.status == ("withdrawn" if WITHDRAW[role] == 200 else "requested")
    if WITHDRAW[role] == 200:
        body = response.get_json()
        assert body["status"] == "withdrawn"
        assert body["decided_by"]["email"] == w["users"][role].email
        review = api.get(f"/reviews/{w['id']}", w["tokens"][role]).get_json()
        assert review["effective_due_date"] == w["review"].due_date.isoformat()
        again = api.post(f"/reviews/{w['id']}/extensions", w["tokens"][role], _body())
        assert again.status_code == 201  # a new request may be made
    else:
        assert error(response)["code"] in ("forbidden", "not_found", "unauthenticated")


def test_withdrawing_twice_a_decided_or_another_reviews_request(api, world):
    w, other = world("leadership"), world()
    token = w["tokens"]["leadership"]
    extension = _ask(w)
    path = f"/reviews/{w['id']}/extensions/{extension.id}/withdraw"
    assert api.post(path, token, {}).status_code == 200
    twice = api.post(path, token, {})
    assert twice.status_code == 409
    assert "already been withdrawn" in error(twice)["message"]
    decided = _ask(w)
    extension_service.decide_extension(
        w["users"]["countersigner"], w["review"], decided, {"decision": "agreed"}
    )
    late = api.post(f"/reviews/{w['id']}/extensions/{decided.id}/withdraw", token, {})
    assert late.status_code == 409 and error(late)["code"] == "conflict"
    theirs = _ask(other)
    elsewhere = api.post(f"/reviews/{w['id']}/extensions/{theirs.id}/withdraw", token, {})
    assert elsewhere.status_code == 404
    unknown = api.post(f"/reviews/{w['id']}/extensions/999999/withdraw", token, {})
    assert unknown.status_code == 404
    db.session.expire_all()
    assert theirs.status == "requested"
