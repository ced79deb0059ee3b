"""`flask send-reminders` (api-v1.1 B): the owner is told 10 working days before the due date
(England and Wales bank holidays excluded) and when the action is overdue — once of each
kind per action, however often and however many at once it runs."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from sfo_review.extensions import db
from sfo_review.models import ActionReminder, Notification, OutboxEmail
from sfo_review.services import action_reminders, transitions
from tests.actions.test_action_service import _patch
from tests.helpers_actions import action_owner, add_action
from tests.helpers_forms import move_to

# Friday 15 January 2027. Counting back ten working days skips Friday 1 January (New Year's
# Day, a bank holiday): the due-soon reminder is due from Thursday 31 December 2026.
DUE = date(2027, 1, 15)
DUE_SOON_FROM = date(2026, 12, 31)


def _reminders(kind: str | None = None) -> list[ActionReminder]:
    query = select(ActionReminder).where(ActionReminder.kind != "assigned")
    if kind:
        query = query.where(ActionReminder.kind == kind)
    return list(db.session.scalars(query))


def _told(owner) -> list[str]:
    query = select(Notification.message).where(
        Notification.user_id == owner.id, Notification.message.startswith("Your action")
    )
    return list(db.session.scalars(query.order_by(Notification.id)))


def _run(app) -> str:
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    return result.output.strip()


@pytest.fixture
def approved_action(full_review, on_day):
    on_day(date(2026, 12, 1))
    data = full_review()
    action = add_action(data["reviewer"], data["review"], due_date=DUE.isoformat())
    move_to(data, "approved")
    data.update(action=action, owner=action_owner())
    return data


def test_working_days_before_skips_weekends_and_bank_holidays():
    assert action_reminders.working_days_before(DUE, 10) == DUE_SOON_FROM
    assert action_reminders.working_days_before(date(2026, 12, 7), 1) == date(2026, 12, 4)
    # 28 December 2026 is the Boxing Day substitute holiday, 25 December Christmas Day.
    assert action_reminders.working_days_before(date(2026, 12, 29), 1) == date(2026, 12, 24)


def test_nothing_before_the_window_then_due_soon_once(app, approved_action, on_day):
    on_day(date(2026, 12, 30))
    assert _run(app) == "Sent 0 reminders (0 due soon, 0 overdue)."
    on_day(DUE_SOON_FROM)
    assert _run(app) == "Sent 1 reminder (1 due soon, 0 overdue)."
    assert _run(app) == "Sent 0 reminders (0 due soon, 0 overdue)."
    on_day(DUE)
    assert _run(app) == "Sent 0 reminders (0 due soon, 0 overdue)."
    assert _told(approved_action["owner"]) == [
        "Your action is due on 15 January 2027 (SFO-2026-0001)"
    ]
    assert [r.kind for r in _reminders()] == ["due_soon"]


def test_overdue_the_day_after_the_due_date_once(app, approved_action, on_day):
    on_day(DUE_SOON_FROM)
    _run(app)
    on_day(date(2027, 1, 16))
    assert _run(app) == "Sent 1 reminder (0 due soon, 1 overdue)."
    on_day(date(2027, 2, 16))
    assert _run(app) == "Sent 0 reminders (0 due soon, 0 overdue)."
    messages = _told(approved_action["owner"])
    assert messages[-1] == "Your action was due on 15 January 2027 and is overdue (SFO-2026-0001)"
    assert len(messages) == 2
    owner_mail = select(func.count(OutboxEmail.id)).where(
        OutboxEmail.to == approved_action["owner"].email
    )
    assert db.session.scalar(owner_mail) == 3  # assigned, due soon, overdue


def test_an_action_first_seen_overdue_is_told_only_that(app, approved_action, on_day):
    on_day(date(2027, 3, 1))
    assert _run(app) == "Sent 1 reminder (0 due soon, 1 overdue)."
    assert [r.kind for r in _reminders()] == ["overdue"]


def test_an_action_done_before_the_window_gets_none(app, approved_action, on_day):
    _patch(approved_action["owner"], approved_action["action"], status="done", completion_note="x")
    for day in (DUE_SOON_FROM, date(2027, 2, 1)):
        on_day(day)
        assert _run(app) == "Sent 0 reminders (0 due soon, 0 overdue)."
    assert _reminders() == []


def test_closed_reviews_get_none(app, approved_action, on_day):
    data = approved_action
    _patch(data["owner"], data["action"], status="done", completion_note="Done.")
    _patch(data["qa"], data["action"], status="verified", verification_note="Seen.")
    transitions.transition(data["qa"], data["review"], {"to": "closed"})
    # sent back on a closed review is impossible; an open action on a closed review (from
    # before 1.1) is the case: reopen it in the database.
    data["action"].status = "in_progress"
    db.session.commit()
    on_day(date(2027, 2, 1))
    assert _run(app) == "Sent 0 reminders (0 due soon, 0 overdue)."


def test_actions_without_an_owner_account_or_with_an_inactive_one_get_none(
    app, approved_action, on_day
):
    approved_action["owner"].active = False
    db.session.commit()
    on_day(date(2027, 2, 1))
    assert _run(app) == "Sent 0 reminders (0 due soon, 0 overdue)."
    approved_action["action"].owner_id = None
    approved_action["owner"].active = True
    db.session.commit()
    assert _run(app) == "Sent 0 reminders (0 due soon, 0 overdue)."


def test_two_runs_at_once_tell_the_owner_once(app, committed_db, full_review, on_day):
    on_day(date(2026, 12, 1))
    data = full_review()
    for n in range(3):
        add_action(data["reviewer"], data["review"], due_date=DUE.isoformat(), owner=f"R{n}")
    move_to(data, "approved")
    on_day(date(2027, 2, 1))
    barrier = threading.Barrier(2)
    results: list[object] = []

    def run() -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                results.append(action_reminders.send_reminders().total)
            except BaseException as exc:  # noqa: BLE001 - reported below
                results.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == [0, 3], results  # type: ignore[type-var]
    db.session.rollback()  # end this thread's read, to see what the runs committed
    assert len(_reminders("overdue")) == 3
    assert len(_told(action_owner())) == 3
