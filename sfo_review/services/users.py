"""Accounts and passwords (argon2). API tokens are in services/api_tokens.py."""

from __future__ import annotations

import functools
import re
import secrets
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import func, select

from sfo_review import permissions as perm
from sfo_review.extensions import db
from sfo_review.models import Role, User
from sfo_review.models.user import new_session_token
from sfo_review.services import api_tokens, notifications, regions
from sfo_review.services import validation as v
from sfo_review.services._common import audit, require_permission, use_case
from sfo_review.services.errors import ValidationFailed

PASSWORD_MIN = 12
USER_RULES: dict[str, v.Rule] = {
    "email": v.email("email address"),
    "name": v.short("full name"),
    "role": v.enum("role", tuple(r.value for r in Role)),
    "password": v.short("password"),
    "region": v.short("region", required=False),
}
# An admin makes an account without a password: its owner sets one (services/password_links).
NEW_ACCOUNT_RULES = {name: rule for name, rule in USER_RULES.items() if name != "password"}
REGION_RULES: dict[str, v.Rule] = {"region": USER_RULES["region"]}
# Roles whose granting every leadership user hears about: leadership reads every review, a
# quality assurer countersigns them.
WATCHED_ROLES = (Role.LEADERSHIP, Role.QUALITY_ASSURER)
NOT_LEADERSHIP = "Only leadership accounts have a region: leave it empty for this role"


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["ARGON2_TIME_COST"],
        memory_cost=cfg["ARGON2_MEMORY_COST"],
        parallelism=cfg["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


# An account made by an admin has no password until its owner sets one through their link:
# no Argon2 hash can equal this, so nothing signs in with it.
NO_PASSWORD = "!no-password-set"  # noqa: S105 - a marker, not a password

# One dummy hash per set of Argon2 parameters, made the first time it is needed: checking a
# password against it costs exactly what checking a real account's costs.
_DUMMY_HASHES: dict[tuple[int, int, int], str] = {}


def dummy_hash() -> str:
    """A hash of a random password, with the app's Argon2 parameters (made once)."""
    cfg = current_app.config
    key = (cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"], cfg["ARGON2_PARALLELISM"])
    if key not in _DUMMY_HASHES:
        _DUMMY_HASHES[key] = _hasher().hash(secrets.token_urlsafe(32))
    return _DUMMY_HASHES[key]


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


@functools.cache
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords, as zxcvbn ships them (lower case; loaded once)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


REPEATS = re.compile(r"(.{1,8}?)\1+", re.DOTALL)


def _password_problem(password: str, email: str, current_hash: str | None) -> str | None:
    if len(password) < PASSWORD_MIN:
        return f"Password must be at least {PASSWORD_MIN} characters"
    lowered = password.strip().lower()
    if lowered in (email.strip().lower(), email.strip().lower().partition("@")[0]):
        return "Your password must not be your email address"
    if REPEATS.fullmatch(password):
        return "Your password must not be one character, or a few characters, repeated"
    if lowered in common_passwords():
        return (
            "Your password is too common: it is one of the 30,000 passwords people use most. "
            "Choose one that is harder to guess, such as three or four random words"
        )
    if current_hash is not None and password_matches(current_hash, password):
        return "Your new password must be different from your current one"
    return None


def check_password(password: str, email: str, current_hash: str | None = None) -> None:
    """The password rules, for every way a password is set (ASVS 6.2): at least 12
    characters, and not the email address (or the part before the @), one character or a
    few characters repeated, a common password, nor the current password (`current_hash`).
    """
    problem = _password_problem(password, email, current_hash)
    if problem is not None:
        raise ValidationFailed({"password": [problem]})


@use_case
def create_user(actor: None, data: dict[str, Any]) -> User:
    """Create an account with its password (`flask users create`, which reads it from
    standard input; the demo seed). Admins make accounts with password_links.invite."""
    values = v.clean(data, USER_RULES)
    check_password(values["password"], values["email"])
    return add_account(actor, values, hash_password(values["password"]))


def add_account(actor: User | None, values: dict[str, Any], password_hash: str) -> User:
    """Add the account to the caller's transaction: audited, and, for a watched role,
    recorded and told to every leadership user."""
    if user_by_email(values["email"]) is not None:
        raise ValidationFailed({"email": ["A user with this email address already exists"]})
    user = User(
        email=values["email"].lower(),
        name=values["name"].strip(),
        role=values["role"],
        password_hash=password_hash,
        active=True,
        region=_region(values, values["role"]),
    )
    db.session.add(user)
    db.session.flush()
    audit(None, actor, "user.created", f"Created user {user.email} ({user.role})")
    if user.role in WATCHED_ROLES:
        _role_granted(actor, user)
    return user


def _role_granted(actor: User | None, user: User) -> None:
    by = actor.name if actor is not None else "The command line"
    audit(
        None,
        actor,
        "user.role_granted",
        f"Gave {user.email} the {user.role_label} role",
        {"user_id": user.id, "role": user.role},
    )
    notifications.role_granted(user, by)


def _region(values: dict[str, Any], role: str) -> str | None:
    """A leadership account's region as typed (spaces tidied), or None for every region."""
    region = v.tidy_region(values.get("region")) or None
    if region is not None and role != Role.LEADERSHIP:
        raise ValidationFailed({"region": [NOT_LEADERSHIP]})
    return regions.check_region(region) if region is not None else None


@use_case
def set_region(actor: User, user: User, data: dict[str, Any]) -> User:
    """Set (or clear, with an empty region) the region a leadership account is told about."""
    require_permission(perm.can_manage_users(actor))
    region = _region(v.clean(data, REGION_RULES), user.role)
    if user.role != Role.LEADERSHIP:
        raise ValidationFailed({"region": [NOT_LEADERSHIP]})
    user.region = region
    summary = (
        f"Set the region of {user.email} to {region}"
        if region
        else f"Cleared the region of {user.email} (told about every region)"
    )
    audit(None, actor, "user.region_changed", summary)
    return user


def password_matches(stored_hash: str, password: str) -> bool:
    """One Argon2 verify, always: a hash that is not one (an account still waiting for its
    password) is checked against the dummy hash instead, so it costs the same."""
    hasher = _hasher()
    usable = stored_hash.startswith("$argon2")
    try:
        hasher.verify(stored_hash if usable else dummy_hash(), password or "-")
    except (VerificationError, InvalidHashError):
        return False
    return usable


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (same answer either way).

    Exactly one Argon2 verify whatever the email: an unknown one is checked against the
    dummy hash, so the time a refusal takes does not reveal which emails have accounts."""
    user = user_by_email(email) if email else None
    matches = password_matches(user.password_hash if user else dummy_hash(), password)
    if user is None or not matches:
        return None
    return user if user.active else None


@use_case
def set_active(actor: User, user: User, active: bool) -> User:
    """Deactivating ends every session and revokes every API token (for good: reactivating
    the account does not bring them back)."""
    require_permission(perm.can_manage_users(actor))
    if user.id == actor.id and not active:
        raise ValidationFailed({"active": ["You cannot deactivate your own account"]})
    user.active = active
    user.session_token = new_session_token()
    if not active:
        api_tokens.revoke_all(user)
    audit(
        None,
        actor,
        "user.activated" if active else "user.deactivated",
        f"{'Reactivated' if active else 'Deactivated'} {user.email}",
    )
    return user


@use_case
def change_password(actor: User, user: User, password: str) -> User:
    """A person changes their own password: nobody, admins included, sets another's."""
    require_permission(perm.can_set_password(actor, user), "Only its owner sets a password.")
    check_password(password, user.email, user.password_hash)
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()  # ends the other sessions
    api_tokens.revoke_all(user)
    audit(None, actor, "user.password_changed", f"Changed the password of {user.email}")
    return user


@use_case
def end_sessions(user: User) -> None:
    """Logout: rotating the session token invalidates every cookie that carries the old one."""
    user.session_token = new_session_token()


def issue_token(user: User) -> str:
    """A new API token for `user` (services/api_tokens.issue gives its expiry too)."""
    return api_tokens.issue(user).token


def user_for_token(token: str) -> User | None:
    return api_tokens.user_for_token(token)


def role_granted(actor: User | None, user: User) -> None:
    """Audit a watched role given to `user` and tell leadership (single sign-on's accounts
    are given their role after they are made: services/sso_accounts.give_role)."""
    _role_granted(actor, user)
