"""api-v1.1 C, the criminal case: `case_outcome` and `case_outcome_date` through PATCH
/reviews/{id}, in any status before closed (not content: the approval freeze does not apply
to them), the date rules, and every participant told of an acquittal or discontinuance."""

from __future__ import annotations

from datetime import date

import pytest

from sfo_review.extensions import db
from sfo_review.models import AuditEvent, Notification, OutboxEmail
from tests.api.support import error
from tests.helpers_forms import move_to

# This module's fixtures only build (tests/snapshots.py: a build is reused).
SNAPSHOT_PURE = {"case_world"}


@pytest.fixture
def case_world(world):
    return world("reviewer", "officer", "countersigner", "leadership", "other_officer")


def _patch(api, w, body, role="reviewer"):
    db.session.refresh(w["review"])
    body = {"version": w["review"].version, **body}
    return api.patch(f"/reviews/{w['id']}", w["tokens"][role], body)


def _notified(user) -> list[str]:
    return [n.message for n in db.session.query(Notification).filter_by(user_id=user.id)]


def test_a_new_review_awaits_the_outcome(api, case_world):
    body = api.get(f"/reviews/{case_world['id']}", case_world["tokens"]["leadership"]).get_json()
    assert body["case_outcome"] == "awaiting"
    assert body["case_outcome_date"] is None


def test_a_conviction_is_recorded_with_its_date(api, case_world):
    response = _patch(
        api, case_world, {"case_outcome": "convicted_of_sfo", "case_outcome_date": "2024-02-14"}
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["case_outcome"] == "convicted_of_sfo"
    assert body["case_outcome_date"] == "2024-02-14"
    audit = db.session.query(AuditEvent).filter_by(action="review.case_outcome").one()
    assert "Convicted of the serious further offence" in audit.summary
    # a conviction tells nobody
    assert not any("without a conviction" in m for m in _notified(case_world["officer"]))


@pytest.mark.parametrize("outcome", ["acquitted", "discontinued"])
def test_acquittal_or_discontinuance_notifies_every_participant(api, case_world, outcome):
    w = case_world
    emails_before = db.session.query(OutboxEmail).count()
    response = _patch(api, w, {"case_outcome": outcome, "case_outcome_date": "2024-02-14"})
    assert response.status_code == 200
    for person in (w["officer"], w["manager"]):
        assert any("without a conviction" in m for m in _notified(person)), person.name
    assert not any("without a conviction" in m for m in _notified(w["users"]["other_officer"]))
    assert not any("without a conviction" in m for m in _notified(w["reviewer"]))
    emails = db.session.query(OutboxEmail).all()[emails_before:]
    assert {e.to for e in emails} == {w["officer"].email, w["manager"].email}
    assert all(outcome not in e.body and w["review"].reference not in e.body for e in emails)
    # the same outcome again (its date corrected) tells nobody a second time
    _patch(api, w, {"case_outcome_date": "2024-02-15"})
    assert sum("without a conviction" in m for m in _notified(w["officer"])) == 1


@pytest.mark.parametrize("outcome", ["convicted_of_sfo", "convicted_lesser", "awaiting"])
def test_other_outcomes_notify_nobody(api, case_world, outcome):
    day = None if outcome == "awaiting" else "2024-02-14"
    response = _patch(api, case_world, {"case_outcome": outcome, "case_outcome_date": day})
    assert response.status_code == 200
    assert not any("without a conviction" in m for m in _notified(case_world["officer"]))


BAD = {
    "no date": ({"case_outcome": "acquitted"}, "case_outcome_date"),
    "null date": ({"case_outcome": "acquitted", "case_outcome_date": None}, "case_outcome_date"),
    "date while awaiting": (
        {"case_outcome": "awaiting", "case_outcome_date": "2024-02-14"},
        "case_outcome_date",
    ),
    "future date": (
        {"case_outcome": "acquitted", "case_outcome_date": "2999-01-01"},
        "case_outcome_date",
    ),
    "before the charge": (
        {"case_outcome": "acquitted", "case_outcome_date": "2023-06-25"},
        "case_outcome_date",
    ),
    "not a date": (
        {"case_outcome": "acquitted", "case_outcome_date": "14/02/2024"},
        "case_outcome_date",
    ),
    "unknown outcome": ({"case_outcome": "hung_jury"}, "case_outcome"),
    "null outcome": ({"case_outcome": None}, "case_outcome"),
    "outcome as bool": ({"case_outcome": True}, "case_outcome"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_outcomes_are_422_on_the_field_and_change_nothing(api, case_world, case):
    body, field = BAD[case]
    response = _patch(api, case_world, body)
    assert response.status_code == 422
    err = error(response)
    assert field in err["fields"]
    assert err["fields"][field][0]
    db.session.refresh(case_world["review"])
    assert case_world["review"].case_outcome == "awaiting"
    assert case_world["review"].case_outcome_date is None


def test_messages_say_what_to_do(api, case_world):
    err = error(_patch(api, case_world, {"case_outcome": "acquitted"}))
    assert err["fields"]["case_outcome_date"] == [
        "Enter the date of the outcome of the criminal case"
    ]
    err = error(
        _patch(api, case_world, {"case_outcome": "acquitted", "case_outcome_date": "2023-01-01"})
    )
    assert err["fields"]["case_outcome_date"] == [
        "Date of the outcome must be on or after the charge date (26 June 2023)"
    ]


def test_back_to_awaiting_clears_the_date(api, case_world):
    _patch(api, case_world, {"case_outcome": "discontinued", "case_outcome_date": "2024-02-14"})
    body = _patch(api, case_world, {"case_outcome": "awaiting"}).get_json()
    assert body["case_outcome"] == "awaiting"
    assert body["case_outcome_date"] is None


def test_the_charge_date_cannot_move_past_the_outcome(api, case_world):
    _patch(api, case_world, {"case_outcome": "convicted_lesser", "case_outcome_date": "2023-07-01"})
    response = _patch(
        api, case_world, {"charge_date": "2023-07-02", "notification_date": "2023-07-03"}
    )
    assert response.status_code == 422
    assert "case_outcome_date" in error(response)["fields"]


@pytest.mark.parametrize("status", ["factual_accuracy", "quality_assurance", "approved"])
def test_the_outcome_changes_in_any_status_before_closed(api, case_world, status):
    move_to(case_world, status)
    response = _patch(
        api, case_world, {"case_outcome": "convicted_of_sfo", "case_outcome_date": "2024-02-14"}
    )
    assert response.status_code == 200, response.get_json()


def test_after_approval_other_fields_stay_frozen(api, case_world):
    move_to(case_world, "approved")
    frozen = _patch(api, case_world, {"offence_charged": "Manslaughter"})
    assert frozen.status_code == 409
    mixed = _patch(
        api,
        case_world,
        {"case_outcome": "acquitted", "case_outcome_date": "2024-02-14", "region": "Wales"},
    )
    assert mixed.status_code == 409
    db.session.refresh(case_world["review"])
    assert case_world["review"].case_outcome == "awaiting"
    assert case_world["review"].region == "London"


def test_closed_reviews_refuse_the_outcome(api, case_world):
    move_to(case_world, "closed")
    response = _patch(
        api, case_world, {"case_outcome": "acquitted", "case_outcome_date": "2024-02-14"}
    )
    assert response.status_code == 409
    assert error(response)["code"] == "conflict"


@pytest.mark.parametrize(
    ("role", "expected"), [("officer", 403), ("leadership", 403), ("countersigner", 403)]
)
def test_only_the_reviewer_records_the_outcome(api, case_world, role, expected):
    body = {"case_outcome": "acquitted", "case_outcome_date": "2024-02-14"}
    assert _patch(api, case_world, body, role).status_code == expected


def test_the_date_is_not_in_the_future_by_the_apps_clock(api, case_world, on_day):
    on_day(date(2024, 2, 13))
    response = _patch(
        api, case_world, {"case_outcome": "acquitted", "case_outcome_date": "2024-02-14"}
    )
    assert response.status_code == 422
    assert error(response)["fields"]["case_outcome_date"] == [
        "Date of the outcome must be today or in the past"
    ]
