"""Each event writes a notification for the person it concerns, in the same transaction, and an
email to the outbox that says only that there is something to read, with a link."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from sfo_review.extensions import db
from sfo_review.models import Notification, OutboxEmail
from sfo_review.services import findings, reviews, transitions
from sfo_review.services import notifications as notification_service
from sfo_review.services.deadlines import add_working_days
from sfo_review.services.errors import ValidationFailed
from tests.helpers_forms import move_to

SECRET = "Zanzibar-Quokka-7731 distinctive finding text"


def messages_for(user):
    return [
        n.message
        for n in db.session.scalars(select(Notification).where(Notification.user_id == user.id))
    ]


def test_adding_a_participant_requests_their_statement(full_review):
    data = full_review()
    review = data["review"]
    [note] = messages_for(data["officer"])
    assert note == f"Your statement has been requested ({review.reference})"
    item = db.session.scalar(select(Notification).where(Notification.user_id == data["officer"].id))
    assert item.link == f"/reviews/{review.id}/statement"
    assert item.read_at is None
    assert messages_for(data["reviewer"]) == []


def test_a_failed_use_case_leaves_no_notification(make_user, make_review):
    reviewer = make_user("reviewer")
    review = make_review(reviewer)
    with pytest.raises(ValidationFailed):
        reviews.add_participant(
            reviewer,
            review,
            {"email": "nobody@example.gov.uk", "role_in_case": "responsible_officer"},
        )
    assert db.session.scalar(select(Notification)) is None
    assert db.session.scalar(select(OutboxEmail)) is None


def test_factual_accuracy_sets_the_end_date_and_tells_every_participant(full_review):
    data = full_review()
    review = move_to(data, "factual_accuracy")
    expected = add_working_days(date.today(), 10)
    assert review.factual_accuracy_ends_on == expected
    until = f"{expected.day} {expected:%B %Y}"
    for person in (data["officer"], data["manager"]):
        assert f"Factual accuracy check open until {until} ({review.reference})" in messages_for(
            person
        )
    assert messages_for(data["reviewer"]) == []


def test_the_working_days_are_configurable(app, full_review):
    data = full_review()
    app.config["FACTUAL_ACCURACY_WORKING_DAYS"] = 3
    try:
        review = move_to(data, "factual_accuracy")
    finally:
        app.config["FACTUAL_ACCURACY_WORKING_DAYS"] = 10
    assert review.factual_accuracy_ends_on == add_working_days(date.today(), 3)


def test_quality_assurance_tells_the_countersigner_and_approval_tells_the_reviewer(full_review):
    data = full_review()
    review = move_to(data, "quality_assurance")
    assert messages_for(data["qa"]) == [f"Review sent for quality assurance ({review.reference})"]
    move_to(data, "approved")
    assert f"Review approved ({review.reference})" in messages_for(data["reviewer"])


def test_a_return_by_qa_tells_the_reviewer(full_review):
    data = full_review()
    review = move_to(data, "quality_assurance")
    transitions.transition(data["qa"], review, {"to": "in_review", "reason": "Add the GP records."})
    item = db.session.scalar(  # the latest (the statements came in before)
        select(Notification)
        .where(Notification.user_id == data["reviewer"].id)
        .order_by(Notification.id.desc())
    )
    assert item.message == f"Review returned by QA ({review.reference})"
    assert item.link == f"/reviews/{review.id}"


def test_every_event_queues_one_generic_email(full_review):
    data = full_review()
    review = data["review"]
    findings.update_finding(
        data["reviewer"],
        review,
        data["finding"],
        {"version": data["finding"].version, "narrative": SECRET, "title": SECRET[:40]},
    )
    move_to(data, "approved")
    emails = list(db.session.scalars(select(OutboxEmail)))
    notes = list(db.session.scalars(select(Notification)))
    assert len(emails) == len(notes) >= 6
    for email in emails:
        for leak in (
            SECRET,
            "Zanzibar",
            review.reference,
            review.case_reference,
            "Murder",
            review.person_initials + " ",
        ):
            assert leak not in email.body and leak not in email.subject
        assert email.subject == "You have a new notification in SFO Review"
        assert "You have a new notification in SFO Review" in email.body
        assert "http://localhost:5000/notifications" in email.body
        assert email.sent_at is None and email.attempts == 0
    assert {e.to for e in emails} == {
        data["officer"].email,
        data["manager"].email,
        data["qa"].email,
        data["reviewer"].email,
    }


def test_inactive_users_are_not_notified(full_review, make_user):
    data = full_review()
    data["officer"].active = False
    db.session.commit()
    notification_service.statement_requested(data["review"], data["officer"])
    db.session.commit()
    assert len(messages_for(data["officer"])) == 1  # only the one from before deactivation
