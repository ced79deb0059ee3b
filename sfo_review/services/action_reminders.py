"""Reminders to the owners of actions (api-v1.1 B), sent by `flask send-reminders` (cron).

An owner is told once that their action is due soon (from 10 working days before its due
date, England and Wales bank holidays excluded) and once that it is overdue (the day after
its due date), in the app and by the link-only email. Only actions with an owner account
that are not done or verified, on reviews that are not closed. An overdue action that was
never told it was due soon is told only that it is overdue.

Exactly one reminder of each kind per action, ever: the reminder row's primary key
(action, kind) is inserted first with ON CONFLICT DO NOTHING, and the notification is
written only when that row was new, in the same transaction. Two runs at once (cron
overlapping, two servers) therefore never tell anyone twice: on PostgreSQL the second
insert waits for the first transaction and then does nothing; on SQLite the write
transactions run one after the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload

from sfo_review import clock, lifecycle
from sfo_review.extensions import db
from sfo_review.models import Action, ActionReminder, Review, User
from sfo_review.models._base import utcnow
from sfo_review.services import notifications
from sfo_review.services._common import use_case
from sfo_review.services.deadlines import is_working_day

DUE_SOON = "due_soon"
OVERDUE = "overdue"
DUE_SOON_WORKING_DAYS = 10
# No action whose due date is further ahead than this can be due soon (10 working days are
# at most 14 calendar days, plus the bank holidays among them): a cheap filter in SQL.
LOOK_AHEAD_DAYS = 31


def working_days_before(day: date, days: int) -> date:
    """The date `days` working days before `day` (`day` itself not counted)."""
    current = day
    remaining = days
    while remaining > 0:
        current -= timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def kind_due(action: Action, today: date) -> str | None:
    """The reminder this action is due on `today`, if any: overdue after its due date, due
    soon from 10 working days before it."""
    if today > action.due_date:
        return OVERDUE
    if today >= working_days_before(action.due_date, DUE_SOON_WORKING_DAYS):
        return DUE_SOON
    return None


@dataclass(frozen=True)
class Sent:
    due_soon: int
    overdue: int

    @property
    def total(self) -> int:
        return self.due_soon + self.overdue


def _candidates(today: date) -> list[Action]:
    """Actions with an active owner account, not done or verified, on a review that is not
    closed, due within the look-ahead (or overdue), without a reminder of every kind yet."""
    told = select(ActionReminder.action_id).where(ActionReminder.kind == OVERDUE)
    query = (
        select(Action)
        .join(Review, Review.id == Action.review_id)
        .join(User, User.id == Action.owner_id)
        .where(
            Action.status.not_in(lifecycle.COMPLETED),
            Review.status != lifecycle.CLOSED,
            User.active.is_(True),
            Action.due_date <= today + timedelta(days=LOOK_AHEAD_DAYS),
            Action.id.not_in(told),
        )
        .options(joinedload(Action.review), joinedload(Action.owner_user))
        .order_by(Action.id)
    )
    return list(db.session.scalars(query))


def _record(action: Action, kind: str) -> bool:
    """Insert the (action, kind) reminder row unless it exists; True when it was new."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(ActionReminder)
        .values(action_id=action.id, kind=kind, sent_at=utcnow())
        .on_conflict_do_nothing(index_elements=["action_id", "kind"])
        .returning(ActionReminder.action_id)
    )
    return db.session.execute(statement).first() is not None


@use_case
def send_reminders() -> Sent:
    """Send every reminder due today (the app's clock); how many of each kind were sent."""
    today = clock.today()
    counts = {DUE_SOON: 0, OVERDUE: 0}
    for action in _candidates(today):
        kind = kind_due(action, today)
        if kind is not None and _record(action, kind):
            notifications.action_reminder(action.review, action, kind)
            counts[kind] += 1
    return Sent(due_soon=counts[DUE_SOON], overdue=counts[OVERDUE])
