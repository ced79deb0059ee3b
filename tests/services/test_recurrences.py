"""Lessons not learned (api-v1.1 B): approving a review records a recurrence on each earlier
action of the same PDU that addressed a factor of the same category and was done before the
new review was notified — exactly then, once, and tells the owner and leadership."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import event, select

from sfo_review.extensions import db
from sfo_review.models import ActionRecurrence, AuditEvent, Notification, OutboxEmail
from sfo_review.services import recurrences
from tests.helpers_forms import move_to
from tests.helpers_recurrences import (
    LATER_NOTIFIED,
    address,
    earlier_with_action,
    later_review,
)


def _recorded() -> list[tuple[int, int, str]]:
    rows = db.session.execute(
        select(ActionRecurrence.action_id, ActionRecurrence.review_id, ActionRecurrence.category)
    )
    return sorted((a, r, c) for a, r, c in rows)


@pytest.fixture
def owner(make_user):
    return make_user("leadership", name="Olive Owner")


@pytest.mark.parametrize("earlier_status", ["approved", "closed"])
@pytest.mark.parametrize("action_status", ["done", "verified"])
def test_a_factor_that_comes_back_after_the_action_was_done_is_recorded(
    full_review, owner, earlier_status, action_status
):
    earlier, action = earlier_with_action(full_review, owner, earlier_status, status=action_status)
    later = later_review(full_review)
    move_to(later, "approved")
    assert _recorded() == [(action.id, later["review"].id, "workload_and_capacity")]
    recurrence = db.session.scalars(select(ActionRecurrence)).one()
    assert recurrence.recorded_at is not None
    assert action.recurrences == [recurrence]


@pytest.mark.parametrize(
    "case",
    [
        "other_pdu",
        "other_category",
        "done_on_the_notification_day",
        "done_after_notification",
        "not_done",
        "earlier_not_approved",
        "not_approved_yet",
    ],
)
def test_nothing_is_recorded_otherwise(full_review, owner, case):
    action_args = {
        "done_on_the_notification_day": {
            "completed_at": datetime(2024, 3, 1, 0, 0, tzinfo=UTC),
        },
        "done_after_notification": {"completed_at": datetime(2024, 3, 2, 9, 0, tzinfo=UTC)},
        "not_done": {"status": "in_progress"},
    }.get(case, {})
    status = "quality_assurance" if case == "earlier_not_approved" else "approved"
    earlier_with_action(full_review, owner, status, **action_args)
    later_changes = {
        "other_pdu": {"pdu": "Hackney and City"},
        "other_category": {"category": "information_sharing_and_partnerships"},
    }.get(case, {})
    later = later_review(full_review, **later_changes)
    move_to(later, "quality_assurance" if case == "not_approved_yet" else "approved")
    assert _recorded() == []


def test_the_review_itself_is_never_its_own_earlier_review(full_review, owner):
    data = later_review(full_review)
    address(data, owner)  # its own action, done before it was notified, same category
    move_to(data, "approved")
    assert _recorded() == []


def test_recording_again_records_nothing_twice(full_review, owner):
    earlier, action = earlier_with_action(full_review, owner)
    later = later_review(full_review)
    move_to(later, "approved")
    notes = db.session.scalar(select(db.func.count()).select_from(Notification))
    assert recurrences.record_for_approved(later["review"]) == []
    db.session.commit()
    assert len(_recorded()) == 1
    assert db.session.scalar(select(db.func.count()).select_from(Notification)) == notes


def test_each_earlier_action_and_category_once(full_review, owner):
    earlier, first = earlier_with_action(full_review, owner)
    second = address(earlier, None)
    later = later_review(full_review)
    # A second factor of the same category in the later review: still one each.
    extra = later["factor"]
    db.session.add(
        type(extra)(
            review=later["review"],
            category=extra.category,
            level="organisational",
            description="Recruitment freeze",
        )
    )
    db.session.commit()
    move_to(later, "approved")
    rid = later["review"].id
    assert _recorded() == sorted(
        [(first.id, rid, "workload_and_capacity"), (second.id, rid, "workload_and_capacity")]
    )


def test_the_owner_and_leadership_are_told_naming_the_category_and_both_reviews(
    full_review, make_user, owner
):
    regional = make_user("leadership", region="London")
    elsewhere = make_user("leadership", region="Wales")
    earlier, action = earlier_with_action(full_review, owner)
    later = later_review(full_review)
    before = db.session.scalar(select(db.func.max(Notification.id))) or 0
    move_to(later, "approved")
    told = db.session.scalars(
        select(Notification).where(
            Notification.id > before, Notification.message.like("Lesson not learned%")
        )
    ).all()
    assert sorted(n.user_id for n in told) == sorted([owner.id, regional.id])
    assert elsewhere.id not in {n.user_id for n in told}
    for note in told:
        assert "Workload and capacity" in note.message
        assert earlier["review"].reference in note.message
        assert later["review"].reference in note.message
        assert note.link == f"/reviews/{earlier['review'].id}/actions#action-{action.id}"
    emails = {e.to for e in db.session.scalars(select(OutboxEmail))}
    assert {owner.email, regional.email} <= emails
    for email in db.session.scalars(select(OutboxEmail).where(OutboxEmail.to == owner.email)):
        assert later["review"].reference not in email.body  # the email only links


def test_both_reviews_histories_record_it(full_review, owner):
    earlier, action = earlier_with_action(full_review, owner)
    later = later_review(full_review)
    move_to(later, "approved")
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == recurrences.RECORDED)
    ).all()
    assert sorted(e.review_id for e in events) == sorted([earlier["review"].id, later["review"].id])
    for recorded in events:
        assert recorded.detail["action_id"] == action.id
        assert "Workload and capacity" in recorded.summary


def test_the_matches_take_a_fixed_number_of_queries(full_review, owner):
    """Set-based: one query for the matches whatever the number of earlier reviews."""
    for _ in range(3):
        earlier_with_action(full_review, owner)
    later = later_review(full_review, notified=LATER_NOTIFIED)
    db.session.refresh(later["review"])  # loaded before counting
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        found = recurrences.matches(later["review"])
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(found) == 3
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1
