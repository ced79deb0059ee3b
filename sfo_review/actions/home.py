"""The home page's actions for a leadership user: those they own and not yet verified, and
the done ones waiting for them to verify (a quality assurer sees the second list too)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from sfo_review import clock, lifecycle
from sfo_review import permissions as perm
from sfo_review.actions.blueprint import actions_bp
from sfo_review.auth.session import actor
from sfo_review.extensions import db
from sfo_review.models import Action, Review, User
from sfo_review.services import actions as action_service

# A home page shows at most this many of each, soonest due first (the review's actions page
# has the rest); up to `LIMIT` waiting ones are read to find those the user may verify.
SHOWN = 10
LIMIT = 2 * SHOWN


def is_overdue(action: Action, today: date) -> bool:
    """Past its due date and not yet done by its owner."""
    return action.due_date < today and not lifecycle.is_done(action)


@dataclass(frozen=True)
class ForYou:
    owned: list[Action] | None  # None: not someone who may own actions
    to_verify: list[Action]
    today: date
    owned_total: int = 0


def _query(*conditions: Any, limit: int = LIMIT) -> list[Action]:
    # The columns of the review and owner that the lists and the permission checks read,
    # not whole rows: a home page is asked for all day.
    rows = db.session.scalars(
        select(Action)
        .where(*conditions)
        .options(
            joinedload(Action.review).load_only(
                Review.id, Review.reference, Review.status, Review.countersigner_id
            ),
            joinedload(Action.owner_user).load_only(User.id, User.name),
        )
        .order_by(Action.due_date, Action.id)
        .limit(limit)
    )
    return list(rows)


def actions_for(user: User) -> ForYou:
    owned = None
    owned_total = 0
    if perm.can_own_actions(user):
        mine = (Action.owner_id == user.id, Action.status != lifecycle.VERIFIED)
        owned = _query(*mine, limit=SHOWN)
        owned_total = len(owned)
        if owned_total == SHOWN:
            owned_total = db.session.scalar(select(func.count()).where(*mine)) or 0
    # Done actions of approved reviews (the verification window, lifecycle's rule, narrowed
    # in the query so the limit counts only candidates); the permission checks stay below.
    waiting = _query(
        Action.status == lifecycle.DONE,
        or_(Action.owner_id.is_(None), Action.owner_id != user.id),
        select(Review.id)
        .where(Review.id == Action.review_id, Review.status == lifecycle.APPROVED)
        .exists(),
    )
    to_verify = [
        a
        for a in waiting
        if perm.can_see_review(user, a.review) and action_service.may_verify(user, a)
    ]
    return ForYou(owned, to_verify, clock.today(), owned_total)


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
