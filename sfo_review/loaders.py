"""Object loaders: 404 when the caller may not see it, 403 when they may see but not act."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from blinker import Namespace

from sfo_review import permissions as perm
from sfo_review.extensions import db
from sfo_review.models import Review, User
from sfo_review.services.errors import Forbidden, NotFound

T = TypeVar("T")

ReviewAction = Callable[[User, Review], bool]

# Sent with the permission each review is loaded under (tests/test_guards.py listens).
review_permission_checked = Namespace().signal("review-permission-checked")


def get_review_or_404(review_id: int, user: User, action: ReviewAction) -> Review:
    """The review if `user` may see it (else 404) and may do `action` on it (else 403).

    `action` is a permission function of sfo_review/permissions.py (`perm.can_see_review`
    when seeing it is all the caller does): every route about a review names its check.
    """
    if not perm.is_named_permission(action):
        raise TypeError(f"{action!r} is not a permission function of sfo_review.permissions")
    review_permission_checked.send(get_review_or_404, permission=action)
    review = db.session.get(Review, review_id)
    if review is None or not perm.can_see_review(user, review):
        raise NotFound("Review not found.")
    if not action(user, review):
        raise Forbidden()
    return review


def get_child_or_404(review: Review, model: type[T], child_id: int) -> T:
    """A row that belongs to this review (ids from another review are simply not found)."""
    obj: Any = db.session.get(model, child_id)
    if obj is None or getattr(obj, "review_id", None) != review.id:
        raise NotFound(f"{model.__name__} not found.")
    return obj


def get_family_review_or_404(review_id: int, user: User, action: ReviewAction) -> Review:
    """get_review_or_404 for the family's pages and endpoints: to whoever may not see the
    family's material (officers, participants included) the review answers 404, not 403."""
    try:
        return get_review_or_404(review_id, user, action)
    except Forbidden:
        review = db.session.get(Review, review_id)
        if review is None or not perm.can_see_family(user, review):
            raise NotFound("Review not found.") from None
        raise
