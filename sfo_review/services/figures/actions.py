"""The agreed action plans: open and overdue actions by level and by owner, and the list
behind those counts (the drill-down to each action's review).

Only actions of approved and closed reviews count: until approval an action plan is a
draft the reviewer may still change, and leadership own the actions once it is approved.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import contains_eager

from sfo_review import clock, lifecycle, vocab
from sfo_review.extensions import db
from sfo_review.models import Action, Review
from sfo_review.services.figures.scope import Scope

# Which actions a list shows: not done yet, past their due date and not done, or done.
STATES = ("open", "overdue", "done")


def _completed() -> Any:
    """Done by the owner: done, or done and since verified (lifecycle.COMPLETED)."""
    return Action.status.in_(lifecycle.COMPLETED)


def _overdue() -> Any:
    return and_(~_completed(), Action.due_date < clock.today())


def _in_scope(scope: Scope, query: Select[Any]) -> Select[Any]:
    return scope.restrict(
        query.join(Review, Review.id == Action.review_id).where(
            Review.status.in_(lifecycle.FINISHED)
        )
    )


def _rows(scope: Scope) -> list[Any]:
    """(level, owner, status, overdue, actions): both breakdowns from one pass over the
    actions (the covering index of migration 0018 holds every column it reads)."""
    inner = _in_scope(
        scope,
        select(
            Action.level.label("level"),
            Action.owner.label("owner"),
            Action.status.label("status"),
            case((_overdue(), 1), else_=0).label("overdue"),
        ),
    ).subquery("action_rows")
    groups = (inner.c.level, inner.c.owner, inner.c.status, inner.c.overdue)
    return list(db.session.execute(select(*groups, func.count()).group_by(*groups)))


def bucket_rows(scope: Scope, buckets: list[int], of: int) -> dict[int, list[Any]]:
    """The rows of `_rows` for the actions of the reviews in each of `buckets` (review id %
    `of`), by bucket: the figures' cache keeps each bucket apart (cache.Sections.in_buckets)."""
    bucket = (Review.id % of).label("bucket")
    inner = _in_scope(
        scope,
        select(
            bucket,
            Action.level.label("level"),
            Action.owner.label("owner"),
            Action.status.label("status"),
            case((_overdue(), 1), else_=0).label("overdue"),
        ),
    )
    if len(buckets) < of:
        inner = inner.where(bucket.in_(buckets))
    rows = inner.subquery("action_rows")
    groups = (rows.c.bucket, rows.c.level, rows.c.owner, rows.c.status, rows.c.overdue)
    found: dict[int, list[Any]] = defaultdict(list)
    for b, *row in db.session.execute(select(*groups, func.count()).group_by(*groups)):
        found[int(b)].append(row)
    return found


def _none() -> dict[str, int]:
    return {"open": 0, "overdue": 0, "done": 0, "total": 0}


def _tally(rows: list[Any], side: int) -> dict[str, dict[str, int]]:
    """Counts by the row's level (`side` 0) or owner (1)."""
    groups: dict[str, dict[str, int]] = defaultdict(_none)
    for row in rows:
        status, overdue, count = row[2], row[3], row[4]
        group = groups[row[side]]
        group["total"] += count
        group["done" if status in lifecycle.COMPLETED else "open"] += count
        group["overdue"] += count * overdue
    return groups


def actions(scope: Scope, rows: list[Any] | None = None) -> dict[str, Any]:
    """`actions` of the figures (one query), or those of `rows` (of `_rows`' shape: the
    buckets' rows kept by the figures' cache)."""
    rows = _rows(scope) if rows is None else rows
    levels = _tally(rows, 0)
    owners = _tally(rows, 1)
    by_level = [
        {"key": c.key, "label": c.label, **levels.get(c.key, _none())} for c in vocab.ACTION_LEVELS
    ]
    by_owner: list[dict[str, Any]] = [
        {"owner": owner, **counts} for owner, counts in owners.items()
    ]
    by_owner.sort(key=lambda o: (-o["overdue"], -o["open"], o["owner"]))
    return {
        "total": sum(level["total"] for level in by_level),
        "open": sum(level["open"] for level in by_level),
        "overdue": sum(level["overdue"] for level in by_level),
        "done": sum(level["done"] for level in by_level),
        "by_level": by_level,
        "by_owner": by_owner,
    }


def owners(scope: Scope) -> list[str]:
    """The owners of the actions in scope, for the list's filter."""
    query = _in_scope(scope, select(Action.owner).distinct())
    return sorted(db.session.scalars(query), key=str.casefold)  # the same on every database


@dataclass(frozen=True)
class ActionPage:
    items: list[Action]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def is_overdue(action: Action) -> bool:
    """The Python twin of `_overdue()`, for one action already loaded."""
    return not lifecycle.is_done(action) and action.due_date < clock.today()


def action_list(
    scope: Scope,
    state: str | None,
    level: str | None,
    owner: str | None,
    page: int = 1,
    per_page: int | None = 50,
) -> ActionPage:
    """One page of the actions in scope (every one when `per_page` is None), each with its
    review loaded in the same query, earliest due date first; and how many there are."""
    query = _in_scope(scope, select(Action))
    if state == "open":
        query = query.where(~_completed())
    elif state == "overdue":
        query = query.where(_overdue())
    elif state == "done":
        query = query.where(_completed())
    if level:
        query = query.where(Action.level == level)
    if owner:
        query = query.where(Action.owner == owner)
    ordered = query.options(contains_eager(Action.review)).order_by(Action.due_date, Action.id)
    if per_page is None:
        everything = list(db.session.scalars(ordered))
        return ActionPage(everything, len(everything), 1, max(len(everything), 1))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    if (page - 1) * per_page >= total:
        return ActionPage([], total, page, per_page)  # past the last page: nothing to fetch
    items = db.session.scalars(ordered.limit(per_page).offset((page - 1) * per_page))
    return ActionPage(list(items), total, page, per_page)
