"""The action service (api-v1.1 B): owners, edit windows, progress, verification, sending
back, notifications, the audit trail and the close rule."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from sfo_review import lifecycle
from sfo_review.extensions import db
from sfo_review.models import Action, ActionReminder, AuditEvent, Notification, OutboxEmail
from sfo_review.services import actions as action_service
from sfo_review.services import transitions
from sfo_review.services.errors import Conflict, Forbidden, ValidationFailed
from tests import helpers_rules
from tests.helpers_actions import action_data, action_owner, add_action, old_action
from tests.helpers_forms import move_to


def _messages(user) -> list[str]:
    """The notifications about actions that `user` was sent, oldest first."""
    query = select(Notification.message).where(
        Notification.user_id == user.id, Notification.link.contains("/actions#action-")
    )
    return list(db.session.scalars(query.order_by(Notification.id)))


def _emails(user) -> int:
    return len(list(db.session.scalars(select(OutboxEmail).where(OutboxEmail.to == user.email))))


def _patch(actor, action, **data):
    db.session.refresh(action)
    return action_service.update_action(
        actor, action.review, action, {"version": action.version, **data}
    )


def _events(action_code: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action_code)))


def _approved_with_action(full_review, make_user):
    data = full_review()
    owner = action_owner()
    action = add_action(data["reviewer"], data["review"])
    move_to(data, "approved")
    db.session.refresh(action)
    data.update(action=action, owner=owner, other_leader=make_user("leadership"))
    return data


def test_a_new_action_has_every_new_field_and_tells_its_owner(full_review):
    data = full_review()
    owner = action_owner()
    action = add_action(data["reviewer"], data["review"])
    assert action.owner_user == owner
    assert action.systemic_factors == [data["factor"]]
    assert action.success_measure and action.review_date > action.due_date
    assert action.status == lifecycle.OPEN
    assert _messages(owner)[-1].startswith("You are the owner of an action due ")
    assert _emails(owner) >= 1
    assert db.session.get(ActionReminder, (action.id, "assigned")) is not None
    assert _events("action.added")[-1].summary.endswith("(owner Alex Owner)")


def test_changing_the_owner_tells_the_new_one_and_only_then(full_review, make_user):
    data = full_review()
    action = add_action(data["reviewer"], data["review"])
    before = len(_messages(action_owner()))
    newcomer = make_user("leadership")
    _patch(data["reviewer"], action, owner_email=newcomer.email, finding_ids=[], description="B")
    assert action.owner_user == newcomer and action.findings == []
    assert action.version == 2  # one change, one new version
    assert len(_messages(newcomer)) == 1
    _patch(data["reviewer"], action, owner_email=newcomer.email.upper(), description="Reworded")
    assert len(_messages(newcomer)) == 1
    assert len(_messages(action_owner())) == before


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"owner_email": None}, "owner_email", "Enter the owner's email address"),
        ({"success_measure": " "}, "success_measure", "Enter the success measure"),
        ({"review_date": None}, "review_date", "Enter the review date"),
        ({"review_date": "2020-01-01"}, "review_date", "Review date must be on or after"),
        (
            {"finding_ids": [], "systemic_factor_ids": []},
            "systemic_factor_ids",
            "Select the systemic factors this action addresses, or at least one finding",
        ),
        ({"systemic_factor_ids": "1"}, "systemic_factor_ids", "Systemic factors must be a list"),
        ({"owner_email": "nobody@example.gov.uk"}, "owner_email", action_service.OWNER_MESSAGE),
    ],
)
def test_bad_new_actions_are_refused(full_review, overrides, field, message):
    data = full_review()
    with pytest.raises(ValidationFailed) as caught:
        add_action(data["reviewer"], data["review"], **overrides)
    assert caught.value.fields[field][0].startswith(message)
    assert db.session.query(Action).count() == 0


@pytest.mark.parametrize("who", ["officer", "reviewer", "inactive", "quality_assurer"])
def test_the_owner_is_an_active_leadership_user(full_review, make_user, who):
    data = full_review()
    if who == "inactive":
        person = make_user("leadership")
        person.active = False
        db.session.commit()
    else:
        person = data[{"quality_assurer": "qa"}.get(who, who)]
    with pytest.raises(ValidationFailed) as caught:
        add_action(data["reviewer"], data["review"], owner_email=person.email)
    assert caught.value.fields == {"owner_email": [action_service.OWNER_MESSAGE]}


def test_factors_of_another_review_are_refused(full_review):
    data, other = full_review(), full_review()
    with pytest.raises(ValidationFailed) as caught:
        add_action(data["reviewer"], data["review"], systemic_factor_ids=[other["factor"].id])
    assert caught.value.fields["systemic_factor_ids"] == [
        f"These ids are not systemic factors of this review: {other['factor'].id}"
    ]


def test_factors_alone_are_enough(full_review):
    data = full_review()
    action = add_action(data["reviewer"], data["review"], finding_ids=[])
    assert action.findings == [] and action.systemic_factors == [data["factor"]]


def test_moving_the_due_date_past_the_review_date_is_refused(full_review):
    data = full_review()
    action = add_action(data["reviewer"], data["review"], due_date="2027-01-10")
    with pytest.raises(ValidationFailed) as caught:
        _patch(data["reviewer"], action, due_date="2030-01-01")
    assert list(caught.value.fields) == ["review_date"]


def test_quality_assurance_edits_at_quality_assurance_only_as_countersigner(full_review, make_user):
    data = full_review()
    action = add_action(data["reviewer"], data["review"])
    move_to(data, "quality_assurance")
    assert not action_service.window_open(data["reviewer"], data["review"])
    assert action_service.window_open(data["qa"], data["review"])
    added = add_action(data["qa"], data["review"], description="Agreed at QA")
    _patch(data["qa"], action, description="Sharpened by QA")
    assert added.description == "Agreed at QA"
    with pytest.raises(Conflict):
        _patch(data["reviewer"], action, description="Too late")
    with pytest.raises(Forbidden):
        add_action(make_user("quality_assurer"), data["review"])


def test_leadership_add_after_approval_and_nothing_changes_once_closed(full_review):
    data = full_review()
    leader = action_owner()
    with pytest.raises(Conflict):
        add_action(leader, data["review"])
    move_to(data, "approved")
    assert action_service.window_open(leader, data["review"])
    assert not action_service.window_open(data["qa"], data["review"])
    action = add_action(leader, data["review"])
    assert action.agreed_at is None
    _patch(leader, action, status="done", completion_note="Cap agreed.")
    # someone else verifies, then the review closes
    _patch(data["qa"], action, status="verified", verification_note="Audit seen.")
    # the plan agreed at approval (the action meeting the balance rule) is verified too
    helpers_rules.verify_actions(data["review"], data["qa"])
    transitions.transition(data["qa"], data["review"], {"to": "closed"})
    with pytest.raises(Conflict) as caught:
        _patch(leader, action, description="After closing")
    assert caught.value.message == action_service.CLOSED_MESSAGE
    with pytest.raises(Conflict):
        add_action(leader, data["review"])


def test_owner_progresses_a_verifier_verifies(full_review, make_user):
    data = _approved_with_action(full_review, make_user)
    action, owner, qa = data["action"], data["owner"], data["qa"]
    assert action_service.may_progress(owner, action)
    assert not action_service.may_progress(data["other_leader"], action)
    _patch(owner, action, status="in_progress")
    with pytest.raises(ValidationFailed) as caught:
        _patch(owner, action, status="done")
    assert list(caught.value.fields) == ["completion_note"]
    _patch(owner, action, status="done", completion_note="Cap of 50 agreed; audit booked.")
    assert action.completed_at is not None
    assert not action_service.may_progress(owner, action)
    assert _messages(qa)[-1].startswith("An action is done and waits for verification")
    assert _messages(data["other_leader"])[-1].startswith("An action is done")
    assert not action_service.may_verify(owner, action)
    assert action_service.may_verify(qa, action)
    with pytest.raises(Forbidden):
        _patch(owner, action, status="verified", verification_note="I checked it myself")
    with pytest.raises(ValidationFailed) as caught:
        _patch(qa, action, status="verified", verification_note="  ")
    assert list(caught.value.fields) == ["verification_note"]
    _patch(qa, action, status="verified", verification_note="Audit seen: no PSO above 50.")
    assert lifecycle.is_verified(action)
    assert (action.verified_by, action.verification_note) == (qa, "Audit seen: no PSO above 50.")
    assert action.verified_at is not None
    assert _messages(owner)[-1].startswith("Your action was verified")
    assert len(_events("action.verified")) == 1
    with pytest.raises(Conflict):
        _patch(qa, action, status="in_progress", reason="Changed my mind")


def test_a_verifier_sends_it_back_with_a_reason(full_review, make_user):
    data = _approved_with_action(full_review, make_user)
    action, owner, leader = data["action"], data["owner"], data["other_leader"]
    _patch(owner, action, status="done", completion_note="Done.")
    with pytest.raises(ValidationFailed) as caught:
        _patch(leader, action, status="in_progress")
    assert list(caught.value.fields) == ["reason"]
    with pytest.raises(Forbidden):
        _patch(owner, action, status="in_progress", reason="Mine to reopen")
    _patch(leader, action, status="in_progress", reason="No evidence of the audit.")
    assert action.status == lifecycle.IN_PROGRESS
    assert action.sent_back_reason == "No evidence of the audit."
    assert action.sent_back_at is not None and action.completed_at is None
    assert _messages(owner)[-1].startswith("Your action was sent back")
    assert len(_events("action.sent_back")) == 1
    _patch(owner, action, status="done", completion_note="Audit report attached.")
    assert lifecycle.awaits_verification(action)


def test_only_the_owner_progresses_and_only_once_approved(full_review, make_user):
    data = full_review()
    owner = action_owner()
    action = add_action(data["reviewer"], data["review"])
    with pytest.raises(Conflict) as caught:
        _patch(owner, action, status="in_progress")
    assert caught.value.message == action_service.BEFORE_APPROVAL
    with pytest.raises(Forbidden):
        _patch(data["reviewer"], action, status="in_progress")
    move_to(data, "approved")
    with pytest.raises(Forbidden):
        _patch(make_user("leadership"), action, status="in_progress")
    with pytest.raises(Forbidden):
        _patch(data["qa"], action, status="done", completion_note="Not mine")
    with pytest.raises(Conflict):
        _patch(data["qa"], action, status="verified", verification_note="Not done yet")


def test_the_edit_form_resending_the_status_changes_nothing(full_review):
    data = full_review()
    action = add_action(data["reviewer"], data["review"])
    _patch(data["reviewer"], action, description="New words", status="open", completion_note=None)
    assert action.description == "New words" and action.status == lifecycle.OPEN


def test_a_closed_review_needs_every_action_verified(full_review, make_user):
    data = _approved_with_action(full_review, make_user)
    action, owner = data["action"], data["owner"]
    second = add_action(owner, data["review"], description="Second")
    unmet = lifecycle.unmet_rules(data["review"], "closed")
    assert [r.message for r in unmet] == [
        "Every action must be verified before the review is closed (2 not verified yet)"
    ]
    assert unmet[0].endpoint == "actions.actions"
    for item in (action, second):
        _patch(owner, item, status="done", completion_note="Done.")
    assert "(2 not verified yet)" in lifecycle.unmet_rules(data["review"], "closed")[0].message
    _patch(data["qa"], action, status="verified", verification_note="Seen.")
    assert "(1 not verified yet)" in lifecycle.unmet_rules(data["review"], "closed")[0].message
    _patch(data["other_leader"], second, status="verified", verification_note="Seen.")
    assert lifecycle.unmet_rules(data["review"], "closed") == []


def test_an_old_action_without_an_owner_keeps_working(full_review, make_user):
    data = full_review()
    move_to(data, "approved")
    old = old_action(data["review"])
    assert lifecycle.awaits_verification(old)
    leader = make_user("leadership")
    assert action_service.may_verify(leader, old)
    owner = action_owner()
    _patch(leader, old, owner_email=owner.email)
    assert old.owner_user == owner and old.success_measure is None
    _patch(leader, old, status="verified", verification_note="Checked.")
    assert lifecycle.is_verified(old)


def test_owner_choices_are_active_leadership_by_name(make_user):
    zed = make_user("leadership", name="Zed Leader")
    amy = make_user("leadership", name="Amy Leader")
    gone = make_user("leadership", name="Bob Gone")
    gone.active = False
    make_user("quality_assurer", name="Aaron QA")
    db.session.commit()
    assert action_service.owner_choices() == [amy, zed]


def test_every_change_is_audited(full_review, make_user):
    data = _approved_with_action(full_review, make_user)
    _patch(data["owner"], data["action"], status="in_progress")
    event = _events("action.updated")[-1]
    assert event.detail == {"id": data["action"].id, "fields": ["status"]}


def test_action_data_helper_is_valid(full_review):
    data = full_review()
    values = action_data(data["review"])
    assert set(values) == set(action_service.ACTION_RULES)


def test_nothing_is_verified_before_approval(full_review, make_user):
    data = full_review()
    early = old_action(data["review"])  # marked done in review, as v1 allowed
    leader = make_user("leadership")
    assert not action_service.may_verify(leader, early)
    with pytest.raises(Conflict):
        _patch(leader, early, status="verified", verification_note="Too early")
