"""Actions through the API (api-v1.1 B): every new field, who may add, change, progress,
verify or send back at each stage (404 where the review is not visible), bad input, and
closing once every action is verified."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from sfo_review.extensions import db
from sfo_review.models import Action, ActionRecurrence, ActionReminder, Notification
from sfo_review.services import actions as action_service
from sfo_review.services import transitions
from tests.api.conftest import ROLES as API_ROLES
from tests.api.support import error
from tests.helpers_actions import SUCCESS_MEASURE, action_data, action_owner, old_action
from tests.helpers_forms import HOSTILE, move_to

# This module's fixtures only build (tests/snapshots.py: a build is reused).
SNAPSHOT_PURE = {"w"}

W = dict[str, Any]
ROLES = (*API_ROLES, "owner")  # the action's owner: a leadership user too
HIDDEN = {"other_reviewer": 404, "other_officer": 404, "admin": 404, "anonymous": 401}
ACTION = {"description": "Cap PSO caseloads", "owner": "Head of PDU", "level": "pdu"}
V11_FIELDS = {
    "owner_user",
    "owner_email",
    "review_date",
    "success_measure",
    "systemic_factor_ids",
    "verification_note",
    "verified_at",
    "verified_by",
    "sent_back_reason",
    "agreed_at",
    "recurrences",
}


def _w(world, token_for) -> W:  # type: ignore[no-untyped-def]
    data = world(*[r for r in ROLES if r != "owner"])
    owner = action_owner()
    data["users"]["owner"] = owner
    data["tokens"]["owner"] = token_for(owner)
    return data


@pytest.fixture
def w(world, token_for) -> W:
    """The API tests' world with a token for every role, and the actions' owner's."""
    return _w(world, token_for)


@pytest.fixture
def staged_built(world, token_for) -> Callable[..., W]:
    """`staged_built(stage, with_action=False)`: `w` moved to `stage`, with one action
    (`["action"]`) added before the move when asked. A builder of tests/snapshots.py: each
    (stage, with_action) is built once per module and copied in for the later tests, so the
    permission tables below (a test per role and stage) move a review through its lifecycle
    once per stage, not once per test."""

    def build(stage: str, with_action: bool = False) -> W:
        data = _w(world, token_for)
        if with_action:
            data["action"] = _add(data)
        _at(data, stage)
        return data

    return build


def _actions(w: W) -> str:
    return f"/reviews/{w['id']}/actions"


def _one(w: W, action: Action) -> str:
    return f"{_actions(w)}/{action.id}"


def _body(w: W, **overrides: Any) -> dict[str, Any]:
    return action_data(w["review"], ACTION, due_date="2030-01-31", **overrides)


def _add(w: W, **overrides: Any) -> Action:
    return action_service.add_action(w["reviewer"], w["review"], _body(w, **overrides))


def _at(w: W, status: str) -> None:
    """Move the review to `status`; to close it, every action is first done by its owner
    and verified by the countersigner."""
    if status != "closed":
        move_to(w, status)
        return
    move_to(w, "approved")
    for action in w["review"].actions:
        for actor, body in (
            (action.owner_user or action_owner(), {"status": "done", "completion_note": "Done."}),
            (w["qa"], {"status": "verified", "verification_note": "Seen."}),
        ):
            db.session.refresh(action)
            action_service.update_action(
                actor, w["review"], action, {"version": action.version, **body}
            )
    transitions.transition(w["qa"], w["review"], {"to": "closed"})
    db.session.refresh(w["review"])


def _expect(response, expected: int) -> None:
    assert response.status_code == expected, response.get_data(as_text=True)[:400]
    if expected >= 400:
        code = {401: "unauthenticated", 403: "forbidden", 404: "not_found", 409: "conflict"}
        assert error(response)["code"] == code[expected]


def _count() -> int:
    return db.session.query(Action).count()


# --- the action's JSON -------------------------------------------------------------------


def test_a_new_action_answers_every_field(api, w):
    body = _body(w)
    response = api.post(_actions(w), w["tokens"]["reviewer"], body)
    assert response.status_code == 201, response.get_json()
    got = response.get_json()
    owner = action_owner()
    assert V11_FIELDS <= set(got)
    assert got["owner_user"] == {"id": owner.id, "name": "Alex Owner", "email": owner.email}
    assert got["owner_email"] == owner.email and got["owner"] == "Head of PDU"
    assert got["systemic_factor_ids"] == [w["factor"].id]
    assert got["finding_ids"] == [w["finding"].id]
    assert (got["due_date"], got["review_date"]) == ("2030-01-31", "2030-05-01")
    assert got["success_measure"] == SUCCESS_MEASURE
    assert got["version"] == 1 and got["status"] == "open"
    assert got["verified_by"] is None and got["agreed_at"] is None
    assert got["recurrences"] == []
    assert (
        api.get(_one(w, db.session.get(Action, got["id"])), w["tokens"]["reviewer"]).get_json()
        == got
    )
    assert api.get(_actions(w), w["tokens"]["reviewer"]).get_json()["items"] == [got]
    detail = api.get(f"/reviews/{w['id']}", w["tokens"]["reviewer"]).get_json()
    assert detail["actions"] == [got]
    # the owner is told, in the app and by the link-only email
    told = db.session.query(Notification).filter_by(user_id=owner.id).all()
    assert any(n.link.endswith(f"/actions#action-{got['id']}") for n in told)
    assert db.session.get(ActionReminder, (got["id"], "assigned")) is not None


def test_officers_see_the_owner_by_name_only(api, w):
    action = _add(w)
    _at(w, "factual_accuracy")
    got = api.get(_one(w, action), w["tokens"]["officer"]).get_json()
    assert got["owner_user"]["name"] == "Alex Owner" and got["owner_user"]["email"] is None
    assert got["owner_email"] is None


def test_recurrences_are_listed_with_the_later_review(api, w, full_review):
    action = _add(w)
    later = full_review()["review"]
    recorded = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)
    db.session.add(
        ActionRecurrence(
            action_id=action.id,
            review_id=later.id,
            category="workload_and_capacity",
            recorded_at=recorded,
        )
    )
    db.session.commit()
    got = api.get(_one(w, action), w["tokens"]["leadership"]).get_json()
    assert got["recurrences"] == [
        {
            "review_id": later.id,
            "reference": later.reference,
            "category": "workload_and_capacity",
            "recorded_at": "2027-03-01T09:30:00+00:00",
        }
    ]


# --- who may add and change actions, at each stage ----------------------------------------

ADD = {
    "in_review": {
        "reviewer": 201,
        "officer": 403,
        "quality_assurer": 404,
        "countersigner": 409,
        "leadership": 409,
        "owner": 409,
    },
    "quality_assurance": {
        "reviewer": 409,
        "officer": 403,
        "quality_assurer": 403,
        "countersigner": 201,
        "leadership": 409,
        "owner": 409,
    },
    "approved": {
        "reviewer": 409,
        "officer": 403,
        "quality_assurer": 403,
        "countersigner": 409,
        "leadership": 201,
        "owner": 201,
    },
    "closed": {
        "reviewer": 409,
        "officer": 403,
        "quality_assurer": 409,
        "countersigner": 409,
        "leadership": 409,
        "owner": 409,
    },
}


@pytest.mark.parametrize("stage", list(ADD))
@pytest.mark.parametrize("role", ROLES)
def test_who_may_add_an_action(api, staged_built, stage, role):
    w = staged_built(stage)
    before = _count()
    response = api.post(_actions(w), w["tokens"][role], _body(w))
    expected = {**ADD[stage], **HIDDEN}[role]
    _expect(response, expected)
    assert _count() == before + (1 if expected == 201 else 0)


@pytest.mark.parametrize("stage", list(ADD))
@pytest.mark.parametrize("role", ROLES)
def test_who_may_change_an_actions_content(api, staged_built, stage, role):
    w = staged_built(stage, with_action=True)
    action = w["action"]
    db.session.refresh(action)
    body = {"version": action.version, "success_measure": "Measured again"}
    expected = {**ADD[stage], **HIDDEN}[role]
    expected = 200 if expected == 201 else expected
    response = api.patch(_one(w, action), w["tokens"][role], body)
    _expect(response, expected)
    db.session.expire_all()
    changed = db.session.get(Action, action.id).success_measure == "Measured again"
    assert changed == (expected == 200)


def test_closed_reviews_answer_a_clear_conflict(api, w):
    action = _add(w)
    _at(w, "approved")
    owner, verifier = w["tokens"]["owner"], w["tokens"]["leadership"]
    api.patch(
        _one(w, action),
        owner,
        {"version": _version(action), "status": "done", "completion_note": "Done"},
    )
    verified = {"version": _version(action), "status": "verified", "verification_note": "Seen"}
    assert api.patch(_one(w, action), verifier, verified).status_code == 200
    closed = api.post(f"/reviews/{w['id']}/transitions", verifier, {"to": "closed"})
    assert closed.status_code == 200, closed.get_json()
    response = api.patch(_one(w, action), verifier, {"version": 3, "description": "Late"})
    assert response.status_code == 409
    assert error(response)["message"] == action_service.CLOSED_MESSAGE


# --- progress, verification and sending back ----------------------------------------------

PROGRESS = {
    "reviewer": 403,
    "officer": 403,
    "quality_assurer": 403,
    "countersigner": 403,
    "leadership": 403,
    "owner": 200,
}
VERIFY = {
    "reviewer": 403,
    "officer": 403,
    "quality_assurer": 200,
    "countersigner": 200,
    "leadership": 200,
    "owner": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_owner_records_progress(api, staged_built, role):
    w = staged_built("approved", with_action=True)
    action = w["action"]
    body = {"version": _version(action), "status": "in_progress"}
    expected = {**PROGRESS, **HIDDEN}[role]
    _expect(api.patch(_one(w, action), w["tokens"][role], body), expected)
    db.session.expire_all()
    assert (db.session.get(Action, action.id).status == "in_progress") == (expected == 200)


def test_progress_waits_for_approval(api, w):
    action = _add(w)
    response = api.patch(_one(w, action), w["tokens"]["owner"], {"version": 1, "status": "done"})
    assert response.status_code == 409
    assert error(response)["message"] == action_service.BEFORE_APPROVAL


def _version(action: Action) -> int:
    """The action's version now (approval sets `agreed_at`: a change like any other)."""
    db.session.expire_all()
    return db.session.get(Action, action.id).version


def _done(api, w, action: Action | None = None) -> Action:
    """`action` (else a new one, the review then approved) marked done by its owner."""
    if action is None:
        action = _add(w)
        _at(w, "approved")
    body = {"version": _version(action), "status": "done", "completion_note": "Cap of 50 agreed."}
    response = api.patch(_one(w, action), w["tokens"]["owner"], body)
    assert response.status_code == 200, response.get_json()
    got = response.get_json()
    assert got["status"] == "done" and got["completed_at"] is not None
    return action


DECISIONS = {
    "verify": (
        {"status": "verified", "verification_note": "Audit seen."},
        {"status": "verified", "verification_note": "Audit seen.", "sent_back_reason": None},
    ),
    "send back": (
        {"status": "in_progress", "reason": "No audit attached."},
        {"status": "in_progress", "sent_back_reason": "No audit attached.", "completed_at": None},
    ),
}


@pytest.mark.parametrize("decision", list(DECISIONS))
@pytest.mark.parametrize("role", ROLES)
def test_someone_other_than_the_owner_verifies_or_sends_back(api, staged_built, role, decision):
    w = staged_built("approved", with_action=True)
    action = _done(api, w, w["action"])
    body, answer = DECISIONS[decision]
    expected = {**VERIFY, **HIDDEN}[role]
    response = api.patch(_one(w, action), w["tokens"][role], {"version": _version(action), **body})
    _expect(response, expected)
    if expected == 200:
        got = response.get_json()
        assert {k: got[k] for k in answer} == answer
        if decision == "verify":
            assert got["verified_by"]["id"] == w["users"][role].id and got["verified_at"]
        else:
            assert got["sent_back_at"] is not None and got["verified_by"] is None
    else:
        db.session.expire_all()
        assert db.session.get(Action, action.id).status == "done"


@pytest.mark.parametrize(
    ("who", "body", "field"),
    [
        ("owner", {"status": "done"}, "completion_note"),
        ("owner", {"status": "done", "completion_note": "  \n "}, "completion_note"),
        ("owner", {"status": "done", "completion_note": 5}, "completion_note"),
        ("owner", {"status": "done", "completion_note": "x" * 20_001}, "completion_note"),
        ("owner", {"status": "in_progress", "verification_note": "Mine"}, "verification_note"),
        ("leadership", {"status": "verified"}, "verification_note"),
        ("leadership", {"status": "verified", "verification_note": ["a"]}, "verification_note"),
        ("leadership", {"status": "in_progress"}, "reason"),
        ("leadership", {"status": "in_progress", "reason": " "}, "reason"),
        ("leadership", {"status": "in_progress", "reason": "x" * 20_001}, "reason"),
        ("leadership", {"status": "VERIFIED"}, "status"),
        ("leadership", {"status": None}, "status"),
    ],
)
def test_bad_status_changes_name_the_field_and_change_nothing(api, staged_built, who, body, field):
    w = staged_built("approved", with_action=True)
    action = w["action"]
    if who == "leadership":
        api.patch(
            _one(w, action),
            w["tokens"]["owner"],
            {"version": _version(action), "status": "done", "completion_note": "Done"},
        )
    db.session.expire_all()
    before = db.session.get(Action, action.id)
    version, status = before.version, before.status
    response = api.patch(_one(w, action), w["tokens"][who], {"version": version, **body})
    assert response.status_code == 422, response.get_json()
    assert field in error(response)["fields"]
    db.session.expire_all()
    after = db.session.get(Action, action.id)
    assert (after.version, after.status) == (version, status)


def test_closing_needs_every_action_verified(api, w):
    action = _done(api, w)
    token = w["tokens"]["leadership"]
    blocked = api.post(f"/reviews/{w['id']}/transitions", token, {"to": "closed"})
    assert blocked.status_code == 409
    assert error(blocked)["fields"]["actions"] == [
        "Every action must be verified before the review is closed (1 not verified yet)"
    ]
    body = {"version": _version(action), "status": "verified", "verification_note": "Seen."}
    assert api.patch(_one(w, action), token, body).status_code == 200
    closed = api.post(f"/reviews/{w['id']}/transitions", token, {"to": "closed"})
    assert closed.status_code == 200


# --- bad input when adding ----------------------------------------------------------------


def test_an_empty_body_names_every_required_field(api, w):
    response = api.post(_actions(w), w["tokens"]["reviewer"], {})
    assert response.status_code == 422
    assert set(error(response)["fields"]) == {
        "description",
        "owner",
        "owner_email",
        "level",
        "due_date",
        "review_date",
        "success_measure",
    }
    assert _count() == 0


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"success_measure": None}, "success_measure", "Enter the success measure"),
        ({"success_measure": 42}, "success_measure", "Success measure must be text"),
        ({"success_measure": "x" * 20_001}, "success_measure", "Success measure must be 20,000"),
        ({"owner": "x" * 201}, "owner", "Owner must be 200 characters or fewer"),
        ({"review_date": "01/05/2030"}, "review_date", "Review date must be a real date"),
        ({"review_date": 20300501}, "review_date", "Review date must be a real date"),
        ({"review_date": "2030-01-30"}, "review_date", "Review date must be on or after the due"),
        ({"owner_email": "not-an-email"}, "owner_email", "Enter the owner's email address in"),
        ({"owner_email": ["a@b.org"]}, "owner_email", "Owner's email address must be text"),
        ({"owner_email": "nobody@example.gov.uk"}, "owner_email", action_service.OWNER_MESSAGE),
        ({"systemic_factor_ids": [True]}, "systemic_factor_ids", "Systemic factors must be a"),
        ({"systemic_factor_ids": ["1"]}, "systemic_factor_ids", "Systemic factors must be a"),
        ({"systemic_factor_ids": 3}, "systemic_factor_ids", "Systemic factors must be a"),
        (
            {"systemic_factor_ids": [], "finding_ids": []},
            "systemic_factor_ids",
            "Select the systemic factors this action addresses",
        ),
        ({"systemic_factor_ids": [999_999]}, "systemic_factor_ids", "These ids are not systemic"),
    ],
)
def test_bad_new_actions_name_the_field(api, w, overrides, field, message):
    response = api.post(_actions(w), w["tokens"]["reviewer"], _body(w, **overrides))
    assert response.status_code == 422, response.get_json()
    assert error(response)["fields"][field][0].startswith(message)
    assert _count() == 0


@pytest.mark.parametrize("who", ["officer", "reviewer", "quality_assurer", "inactive", "admin"])
def test_the_owner_must_be_an_active_leadership_user(api, w, make_user, who):
    if who == "inactive":
        person = make_user("leadership")
        person.active = False
        db.session.commit()
    else:
        person = w["users"][who]
    response = api.post(_actions(w), w["tokens"]["reviewer"], _body(w, owner_email=person.email))
    assert response.status_code == 422
    assert error(response)["fields"] == {"owner_email": [action_service.OWNER_MESSAGE]}
    assert _count() == 0


def test_factors_of_another_review_are_refused(api, w, full_review):
    foreign = full_review()["factor"].id
    response = api.post(
        _actions(w), w["tokens"]["reviewer"], _body(w, systemic_factor_ids=[foreign])
    )
    assert response.status_code == 422
    assert error(response)["fields"]["systemic_factor_ids"] == [
        f"These ids are not systemic factors of this review: {foreign}"
    ]
    assert _count() == 0


def test_several_problems_are_named_together(api, w, full_review):
    foreign = full_review()["factor"].id
    body = _body(
        w,
        review_date="2029-01-01",
        owner_email="nobody@example.gov.uk",
        systemic_factor_ids=[foreign],
    )
    response = api.post(_actions(w), w["tokens"]["reviewer"], body)
    assert response.status_code == 422
    assert set(error(response)["fields"]) == {"owner_email", "review_date", "systemic_factor_ids"}
    assert _count() == 0


def test_hostile_text_is_stored_and_returned_exactly(api, w):
    body = _body(w, success_measure=HOSTILE, description=HOSTILE, owner=HOSTILE[:200])
    response = api.post(_actions(w), w["tokens"]["reviewer"], body)
    assert response.status_code == 201
    got = response.get_json()
    assert got["success_measure"] == HOSTILE and got["description"] == HOSTILE
    assert db.session.get(Action, got["id"]).success_measure == HOSTILE
    assert response.content_type == "application/json"


# --- bad input when changing --------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"review_date": "2029-12-31"}, "review_date"),
        ({"due_date": "2031-01-01"}, "review_date"),
        ({"owner_email": "nobody@example.gov.uk"}, "owner_email"),
        ({"owner_email": None}, "owner_email"),
        ({"success_measure": ""}, "success_measure"),
        ({"systemic_factor_ids": [], "finding_ids": []}, "systemic_factor_ids"),
        ({"verified_by": 1}, "verified_by"),
        ({"agreed_at": "2030-01-01"}, "agreed_at"),
    ],
)
def test_bad_changes_name_the_field_and_change_nothing(api, w, body, field):
    action = _add(w)
    response = api.patch(_one(w, action), w["tokens"]["reviewer"], {"version": 1, **body})
    assert response.status_code == 422, response.get_json()
    assert field in error(response)["fields"]
    db.session.expire_all()
    assert db.session.get(Action, action.id).version == 1


def test_an_old_action_gets_its_owner_later(api, w):
    _at(w, "approved")
    old = old_action(w["review"])
    got = api.get(_one(w, old), w["tokens"]["leadership"]).get_json()
    assert got["owner_user"] is None and got["owner_email"] is None
    assert got["review_date"] is None and got["systemic_factor_ids"] == []
    owner = action_owner()
    body = {"version": 1, "owner_email": owner.email}
    response = api.patch(_one(w, old), w["tokens"]["leadership"], body)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["owner_user"]["id"] == owner.id
    assert response.get_json()["version"] == 2  # +1 for the change, whatever it touched
    verified = {"version": 2, "status": "verified", "verification_note": "Checked."}
    assert api.patch(_one(w, old), w["tokens"]["leadership"], verified).status_code == 200
