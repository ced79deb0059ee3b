"""Notifications: the in-app list of each user and the same as email through the outbox.

Notifications are written in the transaction of the use case that causes them (the caller
commits). Emails never carry review content: a generic sentence and a link to the list.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import date
from email.message import EmailMessage
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update

from sfo_review import lifecycle
from sfo_review.extensions import db
from sfo_review.models import (
    Action,
    DeadlineExtension,
    Finding,
    FindingResponse,
    Notification,
    OutboxEmail,
    Review,
    User,
)
from sfo_review.models._base import utcnow
from sfo_review.services._common import use_case
from sfo_review.services.deadlines import add_working_days
from sfo_review.services.errors import NotFound
from sfo_review.services.validation import tidy_region

log = logging.getLogger(__name__)

EMAIL_SUBJECT = "You have a new notification in SFO Review"
EMAIL_BODY = (
    "You have a new notification in SFO Review.\n\n"
    "Sign in to read it:\n{url}\n\n"
    "This email is sent automatically; do not reply to it.\n"
)
MAX_ATTEMPTS = 5
# A secret email (a one-time set-password link: services/password_links.py) keeps its body
# only until it is sent; then the link is in the person's inbox and nowhere else.
WIPED = "[Wiped once sent: it held a one-time link.]"


def long_date(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def notify(user: User | None, message: str, link: str, review: Review | None = None) -> None:
    """Add the notification and its email to the current transaction."""
    if user is None or not user.active:
        return
    db.session.add(
        Notification(
            user_id=user.id,
            review_id=review.id if review is not None else None,
            message=message[:200],
            link=link,
        )
    )
    url = current_app.config["SERVICE_URL"].rstrip("/") + "/notifications"
    db.session.add(
        OutboxEmail(to=user.email, subject=EMAIL_SUBJECT, body=EMAIL_BODY.format(url=url))
    )


# --- the events ------------------------------------------------------------------------------


def statement_requested(review: Review, officer: User) -> None:
    notify(
        officer,
        f"Your statement has been requested ({review.reference})",
        f"/reviews/{review.id}/statement",
        review,
    )


def statement_answered(review: Review, officer: User, declined: bool) -> None:
    """Tell the reviewer that a participant submitted a statement or declined to give one."""
    what = "declined to give a statement" if declined else "submitted their statement"
    notify(
        review.reviewer,
        f"{officer.name} has {what} ({review.reference})",
        f"/reviews/{review.id}/statements",
        review,
    )


def reply_answered(review: Review, finding: Finding, response: FindingResponse) -> None:
    """Tell a participant the reviewer answered their reply to a finding (api-v1.1 A)."""
    notify(
        response.author,
        f"The reviewer answered your reply to a finding ({review.reference})",
        f"/reviews/{review.id}/findings/{finding.id}#reply-{response.id}",
        review,
    )


def factual_accuracy_end(start: date) -> date:
    return add_working_days(start, current_app.config["FACTUAL_ACCURACY_WORKING_DAYS"])


def transitioned(review: Review, frm: str, to: str) -> None:
    """Tell the people the move concerns what is now asked of them."""
    if to == lifecycle.FACTUAL_ACCURACY and review.factual_accuracy_ends_on is not None:
        until = long_date(review.factual_accuracy_ends_on)
        for participant in review.participants:
            notify(
                participant.user,
                f"Factual accuracy check open until {until} ({review.reference})",
                f"/reviews/{review.id}/findings",
                review,
            )
    elif lifecycle.is_return(frm, to):
        notify(
            review.reviewer,
            f"Review returned by QA ({review.reference})",
            f"/reviews/{review.id}",
            review,
        )
    elif to == lifecycle.QUALITY_ASSURANCE:
        notify(
            review.countersigner,
            f"Review sent for quality assurance ({review.reference})",
            f"/reviews/{review.id}/countersign",
            review,
        )
    elif to == lifecycle.APPROVED:
        notify(
            review.reviewer,
            f"Review approved ({review.reference})",
            f"/reviews/{review.id}",
            review,
        )
        review_approved_for_participants(review)


def participant_report_link(review: Review) -> str:
    return f"/reviews/{review.id}/report.pdf?variant=participant"


def review_approved_for_participants(review: Review) -> None:
    """Closing the loop (api-v1.1 §A): each person the review is about, once, is told that
    it is final and where their own copy is (the email, as every email, only links)."""
    told: set[int] = set()
    for participant in review.participants:
        if participant.user_id in told:
            continue
        told.add(participant.user_id)
        notify(
            participant.user,
            f"Review approved ({review.reference}): its findings are now final and nothing "
            "more is asked of you. Download your copy of the review (PDF)",
            participant_report_link(review),
            review,
        )


def role_granted(user: User, by: str) -> None:
    """Every other active leadership user: an account that reads every review (leadership)
    or countersigns them (quality assurer) never appears unnoticed."""
    query = select(User).where(User.role == "leadership", User.active.is_(True), User.id != user.id)
    for leader in db.session.scalars(query.order_by(User.id)):
        notify(
            leader,
            f"{by} gave {user.name} ({user.email}) the {user.role_label} role",
            "/notifications",
        )


def _deadline_link(review: Review) -> str:
    return f"/reviews/{review.id}/deadline"


def _once(people: list[User | None], skip: User) -> list[User]:
    """Each person once, leaving out the one who acted."""
    seen: dict[int, User] = {}
    for person in people:
        if person is not None and person.id != skip.id:
            seen.setdefault(person.id, person)
    return list(seen.values())


def _leadership(review: Review) -> list[User]:
    """The active leadership users of the review's region (matched ignoring case and runs of
    spaces) and those with no region, who are told about every region. When no account
    covers the review's region (a region typed differently, or nobody set up for it yet),
    every leadership user is told, so a request never goes unseen."""
    region = tidy_region(review.region).lower()
    query = select(User).where(User.role == "leadership", User.active.is_(True))
    everyone = list(db.session.scalars(query.order_by(User.id)))
    if not any(u.region is not None and u.region.lower() == region for u in everyone):
        return everyone
    return [u for u in everyone if u.region is None or u.region.lower() == region]


def extension_requested(review: Review, extension: DeadlineExtension, by: User) -> None:
    """Those who can agree it (the named countersigner, leadership), and the reviewer when
    someone else asked on their behalf."""
    leadership = _leadership(review)
    to = long_date(extension.new_due_date)
    for person in _once([review.countersigner, *leadership], by):
        notify(
            person,
            f"Deadline extension to {to} requested ({review.reference})",
            _deadline_link(review),
            review,
        )
    if by.id != review.reviewer_id:
        notify(
            review.reviewer,
            f"{by.name} asked to extend the deadline to {to} ({review.reference})",
            _deadline_link(review),
            review,
        )


def extension_withdrawn(review: Review, extension: DeadlineExtension, by: User) -> None:
    """Everyone who was told of the request (services/notifications.extension_requested)."""
    leadership = _leadership(review)
    message = (
        f"Deadline extension request to {long_date(extension.new_due_date)} withdrawn by "
        f"{by.name} ({review.reference})"
    )
    for person in _once([review.countersigner, *leadership, review.reviewer], by):
        notify(person, message, _deadline_link(review), review)


def extension_decided(review: Review, extension: DeadlineExtension, by: User) -> None:
    """The person who asked, and the reviewer if it was not them."""
    if lifecycle.is_agreed(extension):
        message = f"Deadline extension agreed: now due {long_date(extension.new_due_date)}"
    else:
        message = "Deadline extension refused"
    for person in _once([extension.requested_by, review.reviewer], by):
        notify(person, f"{message} ({review.reference})", _deadline_link(review), review)


# --- the in-app list -------------------------------------------------------------------------


def list_for(user: User) -> list[Notification]:
    query = (
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(200)
    )
    return list(db.session.scalars(query))


def unread_count(user: User) -> int:
    query = select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    return db.session.scalar(query) or 0


def own_notification(user: User, notification_id: int) -> Notification:
    """A notification of `user`; anyone else's is not found (never 403: it reveals nothing)."""
    item = db.session.get(Notification, notification_id)
    if item is None or item.user_id != user.id:
        raise NotFound("Notification not found.")
    return item


@use_case
def mark_read(actor: User, notification_id: int) -> Notification:
    item = own_notification(actor, notification_id)
    if item.read_at is None:
        item.read_at = utcnow()
    return item


@use_case
def mark_all_read(actor: User) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == actor.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )


# --- the outbox ------------------------------------------------------------------------------


def _pending() -> list[OutboxEmail]:
    query = (
        select(OutboxEmail)
        .where(OutboxEmail.sent_at.is_(None), OutboxEmail.attempts < MAX_ATTEMPTS)
        .order_by(OutboxEmail.id)
    )
    return list(db.session.scalars(query))


def _message(config: dict[str, Any], email: OutboxEmail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = config["SMTP_FROM"]
    message["To"] = email.to
    message["Subject"] = email.subject
    message.set_content(email.body)
    return message


def _mark_sent(email: OutboxEmail, note: str | None) -> None:
    email.sent_at = utcnow()
    email.last_error = note
    if email.secret:
        email.body = WIPED


def _send_all(config: dict[str, Any], pending: list[OutboxEmail]) -> int:
    sent = 0
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=30) as smtp:
        if config.get("SMTP_STARTTLS"):
            smtp.starttls()
        if config.get("SMTP_USERNAME"):
            smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
        for email in pending:
            error = None
            try:
                smtp.send_message(_message(config, email))
            except smtplib.SMTPException as exc:
                error = str(exc)[:2000]
                log.warning("Email %s to %s not sent: %s", email.id, email.to, exc)
            _record_attempt(email, error)
            if error is None:
                sent += 1
    return sent


@use_case
def _record_attempt(email: OutboxEmail, error: str | None) -> None:
    """One short write per email, after the mail server answered (never during)."""
    email.attempts += 1
    if error is None:
        _mark_sent(email, None)
    else:
        email.last_error = error


def send_outbox() -> tuple[int, int]:
    """Send every pending email; returns (sent, still pending). Logs only without SMTP_HOST."""
    config = current_app.config
    if not config.get("SMTP_HOST"):
        return _log_all(), 0
    pending = _pending()
    try:
        sent = _send_all(config, pending)
    except (OSError, smtplib.SMTPException) as exc:
        db.session.rollback()
        _not_reached(pending, str(exc)[:2000])
        log.warning("Could not reach the mail server: %s", exc)
        return 0, len(_pending())
    return sent, len(_pending())


@use_case
def _log_all() -> int:
    """Without SMTP_HOST: every pending email logged instead of sent; how many."""
    pending = _pending()
    for email in pending:
        log.info("Email (not sent: SMTP_HOST is not set) to %s: %s", email.to, email.subject)
        email.attempts += 1
        _mark_sent(email, "Logged only: SMTP_HOST is not set")
    return len(pending)


@use_case
def _not_reached(tried: list[OutboxEmail], error: str) -> None:
    """The mail server could not be reached: an attempt counted on each email tried and
    still unsent, with the error."""
    for email in _pending():
        if email.id in {e.id for e in tried} and email.sent_at is None:
            email.attempts += 1
            email.last_error = error


# --- actions that stick (api-v1.1 B) ---------------------------------------------------------


def action_link(review: Review, action: Action) -> str:
    return f"/reviews/{review.id}/actions#action-{action.id}"


def action_assigned(review: Review, action: Action) -> None:
    """The owner, when the action is given to them (again when the owner changes)."""
    notify(
        action.owner_user,
        f"You are the owner of an action due {long_date(action.due_date)} ({review.reference})",
        action_link(review, action),
        review,
    )


def action_done(review: Review, action: Action, by: User) -> None:
    """Who can verify it: the review's countersigner and leadership for its region, not the
    owner (someone else checks it worked)."""
    for person in _once([review.countersigner, *_leadership(review)], by):
        notify(
            person,
            f"An action is done and waits for verification ({review.reference})",
            action_link(review, action),
            review,
        )


def action_sent_back(review: Review, action: Action) -> None:
    notify(
        action.owner_user,
        f"Your action was sent back to in progress, with the reason ({review.reference})",
        action_link(review, action),
        review,
    )


def action_verified(review: Review, action: Action) -> None:
    notify(
        action.owner_user,
        f"Your action was verified ({review.reference})",
        action_link(review, action),
        review,
    )


ACTION_REMINDERS = {
    "due_soon": "Your action is due on {due} ({reference})",
    "overdue": "Your action was due on {due} and is overdue ({reference})",
}


def action_reminder(review: Review, action: Action, kind: str) -> None:
    """A reminder to the owner (`flask send-reminders`): `due_soon` or `overdue`."""
    message = ACTION_REMINDERS[kind].format(
        due=long_date(action.due_date), reference=review.reference
    )
    notify(action.owner_user, message, action_link(review, action), review)


def recurrence_recorded(action: Action, later: Review, category_label: str) -> None:
    """Lessons not learned (api-v1.1 B): the earlier action's owner and leadership are told
    that a factor it addressed came back in a later review of the same PDU; each person once."""
    earlier = action.review
    message = (
        f"Lesson not learned: {category_label} came back in {later.reference} after the "
        f"action of {earlier.reference} was done"
    )
    link = action_link(earlier, action)
    told: set[int] = set()
    for user in [action.owner_user, *_leadership(later)]:
        if user is not None and user.id not in told:
            told.add(user.id)
            notify(user, message, link, earlier)


def case_ended_without_conviction(review: Review) -> None:
    """Acquitted or discontinued (api-v1.1 C): every participant is told; the message names
    the review only (the email, as always, only links to the list)."""
    for participant in review.participants:
        notify(
            participant.user,
            f"The criminal case has ended without a conviction ({review.reference})",
            f"/reviews/{review.id}",
            review,
        )


def account_waiting(user: User) -> None:
    """Single sign-on made an account with no role: every active admin is told, to give it one."""
    query = select(User).where(User.role == "admin", User.active.is_(True))
    for admin in db.session.scalars(query.order_by(User.id)):
        notify(
            admin,
            f"{user.name} ({user.email}) signed in and is waiting for a role",
            f"/admin/users/{user.id}",
        )
