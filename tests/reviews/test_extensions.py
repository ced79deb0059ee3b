"""Deadline extensions as use cases: who may ask and decide, the rules on the new date, the
deadline in force, nothing overwritten, every step audited and notified."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from sfo_review.extensions import db
from sfo_review.models import AuditEvent, DeadlineExtension, Notification
from sfo_review.services import deadline_extensions as service
from sfo_review.services import reviews as review_service
from sfo_review.services.deadlines import add_working_days
from sfo_review.services.errors import Conflict, Forbidden, ValidationFailed
from tests.helpers_forms import HOSTILE, move_to
from tests.reviews.extension_helpers import REASON, later_working_day, name_countersigner


def ask(user, review, **overrides):
    body = {"new_due_date": later_working_day(), "reason": REASON, **overrides}
    return service.request_extension(user, review, body)


def events(review, action):
    query = select(AuditEvent).where(AuditEvent.review_id == review.id, AuditEvent.action == action)
    return list(db.session.scalars(query))


def notified(user):
    """What `user` was told about reviews (not about the accounts the test made)."""
    query = select(Notification).where(
        Notification.user_id == user.id, Notification.review_id.is_not(None)
    )
    return [n.message for n in db.session.scalars(query)]


def test_the_reviewer_asks_and_leadership_agrees_which_moves_the_deadline_in_force(
    full_review, make_user
):
    data = full_review()
    review, leader = data["review"], make_user("leadership")
    counted = review.due_date
    extension = ask(data["reviewer"], review)
    assert extension.status == "requested"
    assert extension.previous_due_date == counted
    assert review.effective_due_date == counted  # nothing moves until it is agreed

    service.decide_extension(
        leader, review, extension, {"decision": "agreed", "note": "Chase weekly."}
    )
    db.session.refresh(review)
    assert review.effective_due_date == extension.new_due_date
    assert review.due_date == counted  # the contract's due date: notification + working days
    assert (extension.status, extension.decided_by_id, extension.decision_note) == (
        "agreed",
        leader.id,
        "Chase weekly.",
    )
    assert extension.decided_at is not None
    assert [e.detail["extension_id"] for e in events(review, "extension.requested")] == [
        extension.id
    ]
    assert len(events(review, "extension.agreed")) == 1


def test_a_refusal_keeps_the_deadline_and_the_request_and_a_new_request_is_a_new_row(
    full_review, make_user
):
    data = full_review()
    review, leader = data["review"], make_user("leadership")
    first = ask(data["reviewer"], review)
    service.decide_extension(leader, review, first, {"decision": "refused"})
    assert review.effective_due_date == review.due_date
    assert first.decision_note is None  # the note is optional
    second = ask(data["reviewer"], review, new_due_date=later_working_day(60), reason="Again.")
    service.decide_extension(leader, review, second, {"decision": "agreed"})
    db.session.expire_all()
    rows = list(db.session.scalars(select(DeadlineExtension).order_by(DeadlineExtension.id)))
    assert [(r.status, r.reason) for r in rows] == [("refused", REASON), ("agreed", "Again.")]
    assert review.effective_due_date == second.new_due_date
    assert len(events(review, "extension.refused")) == 1


def test_a_second_extension_starts_from_the_deadline_in_force(full_review, make_user):
    data = full_review()
    review, leader = data["review"], make_user("leadership")
    first = ask(data["reviewer"], review)
    service.decide_extension(leader, review, first, {"decision": "agreed"})
    with pytest.raises(ValidationFailed) as caught:
        ask(data["reviewer"], review, new_due_date=first.new_due_date)
    assert "after the deadline in force" in caught.value.fields["new_due_date"][0]
    second = ask(data["reviewer"], review, new_due_date=later_working_day(90))
    assert second.previous_due_date == first.new_due_date


def test_the_named_countersigner_may_decide_and_another_quality_assurer_may_not_see_it(
    full_review, make_user
):
    data = full_review()
    review = data["review"]
    extension = ask(data["reviewer"], review)
    stranger = make_user("quality_assurer")
    with pytest.raises(Forbidden):
        service.decide_extension(stranger, review, extension, {"decision": "agreed"})
    name_countersigner(data)
    service.decide_extension(data["qa"], review, extension, {"decision": "agreed"})
    assert extension.status == "agreed"


def test_leadership_may_ask_on_the_reviewers_behalf_but_never_decide_their_own_request(
    full_review, make_user
):
    data = full_review()
    review = data["review"]
    head, other_head = make_user("leadership"), make_user("leadership")
    extension = ask(head, review)
    with pytest.raises(Forbidden) as caught:
        service.decide_extension(head, review, extension, {"decision": "agreed"})
    assert "someone else decides" in caught.value.message
    assert extension.status == "requested"
    service.decide_extension(other_head, review, extension, {"decision": "agreed"})
    assert extension.status == "agreed"


@pytest.mark.parametrize("role", ["officer", "quality_assurer", "admin", "other_reviewer"])
def test_only_the_reviewer_and_leadership_ask(full_review, make_user, role):
    data = full_review()
    user = data["officer"] if role == "officer" else make_user(role.replace("other_", ""))
    with pytest.raises(Forbidden):
        ask(user, data["review"])
    assert db.session.scalars(select(DeadlineExtension)).first() is None


@pytest.mark.parametrize("role", ["reviewer", "officer", "admin"])
def test_reviewers_officers_and_admins_never_decide(full_review, make_user, role):
    data = full_review()
    extension = ask(make_user("leadership"), data["review"])
    user = data[role] if role in ("reviewer", "officer") else make_user(role)
    with pytest.raises(Forbidden):
        service.decide_extension(user, data["review"], extension, {"decision": "agreed"})
    assert extension.status == "requested"


def test_one_request_at_a_time(full_review):
    data = full_review()
    ask(data["reviewer"], data["review"])
    with pytest.raises(Conflict) as caught:
        ask(data["reviewer"], data["review"], new_due_date=later_working_day(40))
    assert "already waiting for a decision" in caught.value.message
    assert db.session.query(DeadlineExtension).count() == 1


def test_a_decision_is_never_overwritten(full_review, make_user):
    data = full_review()
    review, leader = data["review"], make_user("leadership")
    extension = ask(data["reviewer"], review)
    service.decide_extension(leader, review, extension, {"decision": "refused", "note": "No."})
    with pytest.raises(Conflict) as caught:
        service.decide_extension(make_user("leadership"), review, extension, {"decision": "agreed"})
    assert "already been refused" in caught.value.message
    db.session.expire_all()
    assert (extension.status, extension.decision_note) == ("refused", "No.")
    assert review.effective_due_date == review.due_date


@pytest.mark.parametrize("status", ["approved", "closed"])
def test_an_approved_review_is_not_extended(full_review, make_user, status):
    data = full_review()
    review = move_to(data, status)
    with pytest.raises(Conflict) as caught:
        ask(data["reviewer"], review)
    assert "cannot be extended" in caught.value.message


def test_a_request_waiting_when_the_review_is_approved_can_no_longer_be_agreed(
    full_review, make_user
):
    data = full_review()
    extension = ask(data["reviewer"], data["review"])
    review = move_to(data, "approved")
    with pytest.raises(Conflict):
        service.decide_extension(make_user("leadership"), review, extension, {"decision": "agreed"})
    assert extension.status == "requested"


def test_requests_are_allowed_up_to_quality_assurance(full_review, make_user):
    data = full_review()
    review = move_to(data, "quality_assurance")
    extension = ask(data["reviewer"], review)
    service.decide_extension(
        make_user("quality_assurer"), review, extension, {"decision": "agreed"}
    )
    assert review.effective_due_date == extension.new_due_date


def _saturday_after(days: int) -> date:
    day = date.today() + timedelta(days=days)
    return day + timedelta(days=(5 - day.weekday()) % 7)


def _bank_holiday_after(today: date) -> date:
    day = date(today.year + 1, 12, 25)
    while day.weekday() >= 5:  # Christmas Day on a weekday (the substitute day is also one)
        day += timedelta(days=1)
    return day


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"new_due_date": None}, "new_due_date", "Enter the new deadline"),
        ({"new_due_date": "next week"}, "new_due_date", "must be a real date"),
        ({"new_due_date": "2027-02-30"}, "new_due_date", "must be a real date"),
        ({"new_due_date": 20270101}, "new_due_date", "must be a real date"),
        ({"reason": None}, "reason", "Enter the reason for the extension"),
        ({"reason": "   \n "}, "reason", "Enter the reason for the extension"),
        ({"reason": "x" * 20_001}, "reason", "20,000 characters or fewer"),
        ({"reason": ["a list"]}, "reason", "must be text"),
        ({"colour": "red"}, "colour", "Unknown field"),
    ],
)
def test_bad_requests_say_what_is_wrong_and_change_nothing(full_review, body, field, message):
    data = full_review()
    with pytest.raises(ValidationFailed) as caught:
        ask(data["reviewer"], data["review"], **body)
    assert message in caught.value.fields[field][0]
    assert db.session.query(DeadlineExtension).count() == 0


def test_the_new_date_must_be_a_later_working_day_within_two_years(full_review):
    data = full_review()
    review = data["review"]
    cases = {
        review.effective_due_date: "after the deadline in force",
        date.today(): "in the future",  # later than the (long past) deadline, but not future
        _saturday_after(20): "must be a working day",
        _bank_holiday_after(date.today()): "must be a working day",
        date.today() + timedelta(days=3 * 366): "no more than 2 years away",
    }
    for new, message in cases.items():
        with pytest.raises(ValidationFailed) as caught:
            ask(data["reviewer"], review, new_due_date=new)
        assert message in caught.value.fields["new_due_date"][0], new
    assert db.session.query(DeadlineExtension).count() == 0


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({}, "decision", "Select the decision"),
        ({"decision": "maybe"}, "decision", "one of: agreed, refused"),
        ({"decision": "agreed", "note": "x" * 20_001}, "note", "20,000 characters"),
        ({"decision": "agreed", "note": 5}, "note", "must be text"),
        ({"decision": "agreed", "by": "me"}, "by", "Unknown field"),
    ],
)
def test_bad_decisions_change_nothing(full_review, make_user, body, field, message):
    data = full_review()
    extension = ask(data["reviewer"], data["review"])
    with pytest.raises(ValidationFailed) as caught:
        service.decide_extension(make_user("leadership"), data["review"], extension, body)
    assert message in caught.value.fields[field][0]
    db.session.expire_all()
    assert extension.status == "requested"
    assert data["review"].effective_due_date == data["review"].due_date


def test_text_is_kept_exactly_as_typed(full_review, make_user):
    data = full_review()
    extension = ask(data["reviewer"], data["review"], reason=HOSTILE)
    service.decide_extension(
        make_user("leadership"), data["review"], extension, {"decision": "refused", "note": HOSTILE}
    )
    db.session.expire_all()
    assert (extension.reason, extension.decision_note) == (HOSTILE, HOSTILE)


def test_the_people_concerned_are_notified(full_review, make_user):
    data = full_review()
    name_countersigner(data)
    review = data["review"]
    head, gone = make_user("leadership"), make_user("leadership")
    gone.active = False
    db.session.commit()
    extension = ask(data["reviewer"], review)
    when = f"{extension.new_due_date.day} {extension.new_due_date:%B %Y}"
    expected = f"Deadline extension to {when} requested ({review.reference})"
    assert notified(data["qa"]) == [expected]
    assert notified(head) == [expected]
    assert notified(gone) == []  # inactive accounts get nothing
    assert notified(data["reviewer"]) == []  # not told of their own request
    assert not any("xtension" in m for m in notified(data["officer"]))

    service.decide_extension(head, review, extension, {"decision": "agreed"})
    assert notified(data["reviewer"]) == [
        f"Deadline extension agreed: now due {when} ({review.reference})"
    ]
    assert notified(head) == [expected]  # nothing about their own decision


def test_a_request_by_leadership_tells_the_reviewer(full_review, make_user):
    data = full_review()
    head, other = make_user("leadership"), make_user("leadership")
    extension = ask(head, data["review"])
    assert any("asked to extend the deadline" in m for m in notified(data["reviewer"]))
    service.decide_extension(other, data["review"], extension, {"decision": "refused"})
    refused = f"Deadline extension refused ({data['review'].reference})"
    assert refused in notified(head)
    assert refused in notified(data["reviewer"])


def test_editing_the_notification_date_keeps_an_agreed_extension(full_review, make_user):
    data = full_review()
    review = data["review"]
    extension = ask(data["reviewer"], review)
    service.decide_extension(make_user("leadership"), review, extension, {"decision": "agreed"})
    review_service.update_review(
        data["reviewer"], review, {"version": review.version, "notification_date": "2023-07-03"}
    )
    assert review.due_date == add_working_days(date(2023, 7, 3), 60)
    assert review.effective_due_date == extension.new_due_date


def test_a_request_overtaken_by_a_later_deadline_cannot_be_agreed(full_review, make_user):
    """The notification date moved the counted deadline past the date asked for."""
    data = full_review()
    review = data["review"]
    extension = ask(data["reviewer"], review, new_due_date=later_working_day(5))
    review.effective_due_date = later_working_day(20)  # as update_review would
    db.session.commit()
    with pytest.raises(Conflict) as caught:
        service.decide_extension(make_user("leadership"), review, extension, {"decision": "agreed"})
    assert "refuse this request" in caught.value.message
    service.decide_extension(make_user("leadership"), review, extension, {"decision": "refused"})
    assert extension.status == "refused"


def test_two_requests_sent_at_the_same_moment_leave_one_and_explain_the_other(
    full_review, monkeypatch
):
    """The second request read the review before the first was committed, so the service's
    check found nothing waiting; the database's unique index refuses it, and the request
    waiting is looked up again for the same message as the check gives."""
    data = full_review()
    review = data["review"]
    ask(data["reviewer"], review)
    before = len(events(review, "extension.requested"))
    looked_up = service.pending
    answers = iter([None])  # the first look finds nothing, as if read a moment earlier
    monkeypatch.setattr(service, "pending", lambda r: next(answers, looked_up(r)))

    with pytest.raises(Conflict) as caught:
        ask(data["reviewer"], review, new_due_date=later_working_day(40))

    assert "already waiting for a decision" in caught.value.message
    assert db.session.query(DeadlineExtension).count() == 1
    assert len(events(review, "extension.requested")) == before
