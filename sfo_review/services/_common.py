"""What every use case shares: one transaction, the audit event, version and window checks."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import inspect, select
from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError

from sfo_review import lifecycle
from sfo_review.database import IN_USE_CASE, begin_write
from sfo_review.extensions import db
from sfo_review.models import AuditEvent, Review, User
from sfo_review.services.errors import Conflict, Forbidden, NotFound, ValidationFailed

P = ParamSpec("P")
T = TypeVar("T")

STALE_MESSAGE = "This was changed by someone else since you opened it"
GONE_MESSAGE = "This was deleted by someone else since you opened it."


def use_case(func: Callable[P, T]) -> Callable[P, T]:
    """Run a use case in one write transaction: commit on success, roll back and re-raise
    otherwise.

    The transaction is begun afresh (database.begin_write: the request's read transaction
    ends, so what the use case reads — the review's status, a version, the rows a rule
    counts — is read inside it; on SQLite it holds the write lock from the start). A use
    case called by another joins the caller's transaction.
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        if db.session.info.get(IN_USE_CASE):
            return func(*args, **kwargs)
        try:
            begin_write(db.session)
            db.session.info[IN_USE_CASE] = True
            result = func(*args, **kwargs)
            db.session.commit()
        except StaleDataError as exc:
            db.session.rollback()
            raise Conflict(STALE_MESSAGE, {"version": [STALE_MESSAGE]}) from exc
        except ObjectDeletedError as exc:
            db.session.rollback()
            raise NotFound(GONE_MESSAGE) from exc
        except Exception:
            db.session.rollback()
            raise
        finally:
            db.session.info.pop(IN_USE_CASE, None)
        return result

    wrapper.is_use_case = True  # type: ignore[attr-defined]
    return wrapper


def lock_review(review: Review) -> None:
    """Hold the review's row until the transaction ends, and read it afresh.

    PostgreSQL: SELECT … FOR UPDATE, so another edit or transition of this review waits
    for this transaction, then sees what it committed. SQLite has no row locks: the use
    case's BEGIN IMMEDIATE (database.begin_write) holds the whole database already, which
    serialises the same way. Either way the review's status — the edit window — is the one
    committed now, not the one the page loaded.
    """
    query = select(Review).where(Review.id == _id(review)).with_for_update(of=Review)
    db.session.execute(query.execution_options(populate_existing=True))


def review_edit(
    func: Callable[Concatenate[User, Review, P], T],
) -> Callable[Concatenate[User, Review, P], T]:
    """A use case that changes a review's content or moves it through its lifecycle: one
    transaction (use_case) that first locks the review (lock_review). Edits and transitions
    of one review therefore happen one after the other, each checking its rules against
    what the other committed — a finding cannot become unbalanced while the review moves
    to quality assurance."""

    @functools.wraps(func)
    def locked(actor: User, review: Review, *args: P.args, **kwargs: P.kwargs) -> T:
        lock_review(review)
        return func(actor, review, *args, **kwargs)

    wrapper = use_case(locked)
    wrapper.locks_review = True  # type: ignore[attr-defined]  # tests/services/test_review_locks.py
    return wrapper


def _id(obj: Any) -> int | None:
    """A row's id, without loading an expired row again just for it."""
    if obj is None:
        return None
    identity = inspect(obj).identity
    return int(identity[0]) if identity else int(obj.id)


def audit(
    review: Review | None,
    actor: User | None,
    action: str,
    summary: str,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add the audit event to the current transaction (it commits with the change)."""
    event = AuditEvent(
        review_id=_id(review),
        user_id=_id(actor),
        action=action,
        summary=summary[:500],
        detail=detail,
    )
    db.session.add(event)


def require_permission(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise Forbidden(message or "You do not have permission to do that.")


def ensure_editable(review: Review) -> None:
    if not lifecycle.is_editable(review):
        raise Conflict(
            f"This review is {review.status.replace('_', ' ')}: it can only be edited while "
            "in review or at factual accuracy."
        )


def check_version(obj: Any, data: dict[str, Any]) -> None:
    """PATCH requires the version the editor started from; a stale one changes nothing."""
    version = data.pop("version", None)
    if version is None:
        raise ValidationFailed({"version": ["Enter the version you are editing"]})
    if isinstance(version, bool) or not isinstance(version, int):
        raise ValidationFailed({"version": ["Version must be a whole number"]})
    if version != obj.version:
        raise Conflict(
            STALE_MESSAGE,
            {
                "version": [
                    f"{STALE_MESSAGE} (you edited version {version}, "
                    f"it is now version {obj.version})"
                ]
            },
        )


def apply(obj: Any, values: dict[str, Any]) -> list[str]:
    """Set attributes, returning the names of those that changed."""
    changed = []
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed.append(key)
    return changed
