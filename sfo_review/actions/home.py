"""The home page's actions for a leadership user: those they own and not yet verified, and
the done ones waiting for them to verify (a quality assurer sees the second list too)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from sfo_review import clock, lifecycle
from sfo_review import permissions as perm
from sfo_review.actions.blueprint import actions_bp
from sfo_review.auth.session import actor
from sfo_review.extensions import db
from sfo_review.models import Action, User
from sfo_review.services import actions as action_service

# A home page lists at most this many of each; the review's actions page has the rest.
LIMIT = 50


def is_overdue(action: Action, today: date) -> bool:
    """Past its due date and not yet done by its owner."""
    return action.due_date < today and not lifecycle.is_done(action)


@dataclass(frozen=True)
class ForYou:
    owned: list[Action] | None  # None: not someone who may own actions
    to_verify: list[Action]
    today: date


def _query(*conditions: Any) -> list[Action]:
    rows = db.session.scalars(
        select(Action)
        .where(*conditions)
        .options(selectinload(Action.review), selectinload(Action.owner_user))
        .order_by(Action.due_date, Action.id)
        .limit(LIMIT)
    )
    return list(rows)


def actions_for(user: User) -> ForYou:
    owned = None
    if perm.can_own_actions(user):
        owned = _query(Action.owner_id == user.id, Action.status != lifecycle.VERIFIED)
    waiting = _query(
        Action.status == lifecycle.DONE,
        or_(Action.owner_id.is_(None), Action.owner_id != user.id),
    )
    to_verify = [
        a
        for a in waiting
        if perm.can_see_review(user, a.review) and action_service.may_verify(user, a)
    ]
    return ForYou(owned, to_verify, clock.today())


@actions_bp.app_context_processor
def _helpers() -> dict[str, Any]:
    def actions_for_you() -> ForYou | None:
        """Asked by the home page only (a callable: other pages never run the queries)."""
        if not current_user.is_authenticated:
            return None
        user = actor()
        if not (perm.can_own_actions(user) or perm.acts_as_quality_assurance(user)):
            return None
        return actions_for(user)

    return {"actions_for_you": actions_for_you, "action_is_overdue": is_overdue}
