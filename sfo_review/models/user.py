"""Users and their API tokens."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sfo_review.extensions import db
from sfo_review.models._base import UTCDateTime, Versioned, utcnow


class Role(enum.StrEnum):
    ADMIN = "admin"
    REVIEWER = "reviewer"
    OFFICER = "officer"
    QUALITY_ASSURER = "quality_assurer"
    LEADERSHIP = "leadership"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


# The role of an account made by a first single sign-on, until an administrator gives it one:
# no role, so no permission (sfo_review/auth/sso.py keeps it on the waiting page).
NO_ROLE = ""


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(Versioned, db.Model):  # type: ignore[name-defined]
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[str] = mapped_column(String(30), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # Leadership only: the probation region whose deadline extension requests they are told
    # about (matched to a review's region ignoring case and spaces); none: every region's.
    region: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # Flask-Login's "alternative token": rotating it ends every session of this user.
    session_token: Mapped[str] = mapped_column(
        String(64), unique=True, nullable=False, default=new_session_token
    )

    # The OpenID provider's `sub` for this person (single sign-on); None: password only.
    oidc_subject: Mapped[str | None] = mapped_column(
        String(255), unique=True, index=True, nullable=True
    )

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")

    # Flask-Login protocol
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return self.session_token

    @property
    def has_role(self) -> bool:
        return self.role != NO_ROLE

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.has_role else "No role yet"

    def summary(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "email": self.email}


class ApiToken(db.Model):  # type: ignore[name-defined]
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    # SHA-256 of the token: tokens are 256-bit random, so a fast hash is enough.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    # API_TOKEN_DAYS after it was made; a token is refused from then on.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    # Written at most once a minute (services/users.py), not on every request.
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Set by its owner on 'Your account', and for every token of an account that is
    # deactivated or whose password changes.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    user: Mapped[User] = relationship(back_populates="tokens")

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


class PasswordLink(db.Model):  # type: ignore[name-defined]
    """A one-time link with which a person sets their own password (services/password_links).

    Only its SHA-256 is kept; it works once, until it expires, and a newer link for the same
    account ends it."""

    __tablename__ = "password_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    # The admin who had it sent (None: the command line).
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Set when a newer link is sent, or the password is set some other way.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def usable(self, now: datetime) -> bool:
        return self.used_at is None and self.revoked_at is None and now < self.expires_at
