"""One-time set-password links: admins never choose, and so never know, anyone's password.

An admin makes an account without a password; its owner gets an email, sent to the
account's own address only, with a link to set one. A link works once, until
PASSWORD_LINK_HOURS after it was sent; sending a new one ends the old. Only its SHA-256 is
stored, and the email's body (the link) is wiped from the outbox once it has been sent.
An admin may email a new link (a forgotten password, an expired link); the person's current
password keeps working until they use it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select, update

from sfo_review import permissions as perm
from sfo_review.extensions import db
from sfo_review.models import OutboxEmail, PasswordLink, User
from sfo_review.models._base import utcnow
from sfo_review.models.user import new_session_token
from sfo_review.services import api_tokens
from sfo_review.services import users as user_service
from sfo_review.services import validation as v
from sfo_review.services._common import audit, require_permission, use_case
from sfo_review.services.deadlines import london_datetime
from sfo_review.services.errors import Conflict, NotFound

PATH = "/set-password/"  # the page: auth/views.py
SUBJECT = "Set your password for SFO Review"
BODY = (
    "Hello {name},\n\n"
    "Set the password for your SFO Review account ({email}) with this link. It works once, "
    "until {until} (UK time):\n\n{url}\n\n"
    "If you were not expecting this email, do not use the link: tell your SFO Review "
    "administrator.\n\n"
    "This email is sent automatically; do not reply to it.\n"
)
NOT_WORKING = "This link does not work: it has been used, a newer one was sent, or it expired"


@dataclass(frozen=True)
class Sent:
    url: str  # shown only by `flask users password-link`; otherwise it is in the email only
    expires_at: datetime


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _end_links(user: User, now: datetime) -> None:
    db.session.execute(
        update(PasswordLink)
        .where(
            PasswordLink.user_id == user.id,
            PasswordLink.used_at.is_(None),
            PasswordLink.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )


def _send(actor: User | None, user: User) -> Sent:
    """A new link for `user`, ending any earlier one, and its email to their own address."""
    now = utcnow()
    _end_links(user, now)
    token = secrets.token_urlsafe(32)
    expires_at = now + timedelta(hours=current_app.config["PASSWORD_LINK_HOURS"])
    db.session.add(
        PasswordLink(
            user_id=user.id,
            token_hash=_hash(token),
            created_by_id=actor.id if actor is not None else None,
            created_at=now,
            expires_at=expires_at,
        )
    )
    url = current_app.config["SERVICE_URL"].rstrip("/") + PATH + token
    body = BODY.format(name=user.name, email=user.email, until=london_datetime(expires_at), url=url)
    db.session.add(OutboxEmail(to=user.email, subject=SUBJECT, body=body, secret=True))
    audit(
        None,
        actor,
        "user.password_link_sent",
        f"Emailed {user.email} a link to set their password (works once, until "
        f"{expires_at:%Y-%m-%d %H:%M} UTC)",
    )
    return Sent(url, expires_at)


@use_case
def invite(actor: User, data: dict[str, Any]) -> tuple[User, Sent]:
    """An admin makes an account: it has no password until its owner sets one with the link
    emailed to them."""
    require_permission(perm.can_manage_users(actor))
    values = v.clean(data, user_service.NEW_ACCOUNT_RULES)
    user = user_service.add_account(actor, values, user_service.NO_PASSWORD)
    return user, _send(actor, user)


@use_case
def send_new(actor: User | None, user: User) -> Sent:
    """Email `user` a new link (an admin, or `flask users password-link` with actor None)."""
    if actor is not None:
        require_permission(perm.can_manage_users(actor))
    if not user.active:
        raise Conflict(
            "This account is deactivated: reactivate it before sending a link to set its password."
        )
    return _send(actor, user)


def link_for(token: str) -> PasswordLink | None:
    """The working link with this token, for an active account, or None."""
    if not token or len(token) > 200:
        return None
    link = db.session.scalar(select(PasswordLink).where(PasswordLink.token_hash == _hash(token)))
    if link is None or not link.usable(utcnow()) or not link.user.active:
        return None
    return link


@use_case
def set_password(token: str, password: str) -> User:
    """Its owner sets the password with the link: the link is used up, every session and
    API token of the account ends."""
    link = link_for(token)
    if link is None:
        raise NotFound(NOT_WORKING)
    user = link.user
    user_service.check_password(password, user.email, user.password_hash)
    now = utcnow()
    link.used_at = now
    _end_links(user, now)
    user.password_hash = user_service.hash_password(password)
    user.session_token = new_session_token()
    api_tokens.revoke_all(user)
    audit(None, user, "user.password_set", f"{user.email} set their password with a link")
    return user


def waiting_link(user: User) -> PasswordLink | None:
    """The account's working link, if one waits to be used (for the admin's account page)."""
    query = (
        select(PasswordLink)
        .where(
            PasswordLink.user_id == user.id,
            PasswordLink.used_at.is_(None),
            PasswordLink.revoked_at.is_(None),
            PasswordLink.expires_at > utcnow(),
        )
        .order_by(PasswordLink.id.desc())
    )
    return db.session.scalars(query).first()


def has_password(user: User) -> bool:
    return user.password_hash != user_service.NO_PASSWORD
