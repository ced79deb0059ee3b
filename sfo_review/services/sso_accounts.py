"""Single sign-on (OpenID Connect): which account a verified ID token signs in, and giving a
role to an account that single sign-on made.

Matching (README, "Single sign-on (OpenID Connect)"): an account is found by the provider's
`sub`, which never changes for a person. On a person's first single sign-on (no account has
that `sub`), their email is used only when the provider says it is verified
(`email_verified` true): an existing account with that email and no subject yet is linked
to the `sub` (staff who had a password keep their account, role and history); otherwise a
new account is made with no role, waiting for an administrator. No verified email: refused.
The role and region stay the app's own: nothing the provider says changes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from sfo_review import permissions as perm
from sfo_review.extensions import db
from sfo_review.models import User
from sfo_review.models.user import NO_ROLE
from sfo_review.services import notifications
from sfo_review.services import users as user_service
from sfo_review.services import validation as v
from sfo_review.services._common import audit, require_permission, use_case
from sfo_review.services.errors import Conflict, Forbidden

DEACTIVATED = (
    "Your SFO Review account has been deactivated, so you cannot sign in. Ask an "
    "administrator if you think this is wrong."
)
NO_VERIFIED_EMAIL = (
    "Your organisation's sign-in service did not confirm your email address, so SFO Review "
    "cannot tell which account is yours. Ask an administrator."
)
EMAIL_TAKEN = (
    "An SFO Review account with your email address is already linked to another work "
    "account. Ask an administrator."
)
SUBJECT_MAX = 255
ROLE_RULES: dict[str, v.Rule] = {"role": user_service.USER_RULES["role"]}


class SignInRefused(Forbidden):
    """The provider vouched for this person, but the app will not sign them in."""


def _verified_email(claims: Mapping[str, Any]) -> str:
    email = claims.get("email")
    if claims.get("email_verified") is not True or not isinstance(email, str):
        raise SignInRefused(NO_VERIFIED_EMAIL)
    email = email.strip().lower()
    if not email or len(email) > 254 or "@" not in email:
        raise SignInRefused(NO_VERIFIED_EMAIL)
    return email


def _name(claims: Mapping[str, Any], email: str) -> str:
    name = claims.get("name")
    if isinstance(name, str) and name.strip():
        return " ".join(name.split())[:200]
    return email


def _first_sign_in(subject: str, claims: Mapping[str, Any]) -> User:
    email = _verified_email(claims)
    user = user_service.user_by_email(email)
    if user is not None:
        if user.oidc_subject is not None:
            raise SignInRefused(EMAIL_TAKEN)
        user.oidc_subject = subject
        audit(None, user, "user.sso_linked", f"Linked {user.email} to single sign-on")
        return user
    user = User(
        email=email,
        name=_name(claims, email),
        role=NO_ROLE,
        password_hash=user_service.NO_PASSWORD,
        oidc_subject=subject,
    )
    db.session.add(user)
    db.session.flush()
    audit(None, None, "user.created", f"Single sign-on made an account for {email} (no role)")
    notifications.account_waiting(user)
    return user


@use_case
def sign_in(claims: Mapping[str, Any]) -> User:
    """The account the verified ID token's claims sign in (made on a first sign-in)."""
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > SUBJECT_MAX:
        raise SignInRefused("Your organisation's sign-in service did not say who you are.")
    user = db.session.scalar(select(User).where(User.oidc_subject == subject))
    if user is None:
        user = _first_sign_in(subject, claims)
    if not user.active:
        raise SignInRefused(DEACTIVATED)
    return user


@use_case
def give_role(actor: User, user: User, data: dict[str, Any]) -> User:
    """An administrator gives an account that single sign-on made its role (once: other
    roles are the app's own and not changed here). Audited; leadership is told of a
    watched role, as for any account given one."""
    require_permission(perm.can_manage_users(actor))
    role = v.clean(data, ROLE_RULES)["role"]
    if user.has_role:
        raise Conflict(f"{user.name} already has a role.", {"role": ["This account has a role"]})
    user.role = role
    audit(None, actor, "user.role_given", f"Gave {user.email} the {user.role_label} role")
    if user.role in user_service.WATCHED_ROLES:
        user_service.role_granted(actor, user)
    return user
