"""API tokens: made by `flask users token`, stored as SHA-256, expiring, revocable.

A token works until API_TOKEN_DAYS after it was made, and stops for good when its owner
revokes it on 'Your account', when the account is deactivated (reactivating it does not
bring tokens back) or when the account's password changes.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.orm import joinedload

from sfo_review import permissions as perm
from sfo_review.extensions import db
from sfo_review.models import ApiToken, User
from sfo_review.models._base import utcnow
from sfo_review.services._common import audit, use_case
from sfo_review.services.errors import NotFound

# last_used_at is written at most this often for each token: an API client making many
# requests a second costs one write a minute, not one a request.
LAST_USED_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    token: str  # shown once, never stored
    expires_at: datetime


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def lifetime() -> timedelta:
    return timedelta(days=current_app.config["API_TOKEN_DAYS"])


@use_case
def issue(user: User) -> IssuedToken:
    """A new token for `user`, working until API_TOKEN_DAYS from now."""
    token = "sfo_" + secrets.token_urlsafe(32)
    expires_at = utcnow() + lifetime()
    db.session.add(ApiToken(user_id=user.id, token_hash=_token_hash(token), expires_at=expires_at))
    audit(
        None,
        user,
        "token.issued",
        f"Issued an API token for {user.email}, expiring {expires_at:%Y-%m-%d %H:%M} UTC",
    )
    return IssuedToken(token, expires_at)


def user_for_token(token: str) -> User | None:
    """The active owner of a token that has neither expired nor been revoked, or None."""
    # The owner comes in the same query: every API request asks for both.
    row = db.session.scalar(
        select(ApiToken)
        .options(joinedload(ApiToken.user))
        .where(ApiToken.token_hash == _token_hash(token))
    )
    now = utcnow()
    if row is None or not row.usable(now) or not row.user.active:
        return None
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_EVERY:
        _note_use(row.id, now)
    return row.user


@use_case
def _note_use(token_id: int, now: datetime) -> None:
    # Conditional, so concurrent requests with one token write it once between them.
    db.session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token_id,
            or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= now - LAST_USED_EVERY),
        )
        .values(last_used_at=now)
    )


def active_tokens(user: User) -> list[ApiToken]:
    """The tokens of `user` that still work, newest first (for 'Your account')."""
    query = (
        select(ApiToken)
        .where(
            ApiToken.user_id == user.id,
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > utcnow(),
        )
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return list(db.session.scalars(query))


def revoke_all(user: User) -> int:
    """Revoke every working token of `user` in the caller's transaction; how many."""
    now = utcnow()
    result = db.session.execute(
        update(ApiToken)
        .where(
            ApiToken.user_id == user.id,
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > now,
        )
        .values(revoked_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


@use_case
def revoke(actor: User, token_id: int) -> bool:
    """The owner revokes one of their tokens; False when it had already stopped working.
    Anyone else's token is not found (it reveals nothing)."""
    row = db.session.get(ApiToken, token_id)
    if row is None or not perm.can_revoke_token(actor, row):
        raise NotFound("API token not found.")
    if not row.usable(utcnow()):
        return False
    row.revoked_at = utcnow()
    audit(
        None,
        actor,
        "token.revoked",
        f"Revoked an API token of {actor.email} made {row.created_at:%Y-%m-%d %H:%M} UTC",
    )
    return True
