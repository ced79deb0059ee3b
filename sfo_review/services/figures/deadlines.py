"""Reviews by status, overdue, the extension rate and the days from notification to approval,
nationally and for each region (or each PDU of one region)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import case, func, select

from sfo_review import lifecycle, vocab
from sfo_review.extensions import db
from sfo_review.models import DeadlineExtension, Review
from sfo_review.services.deadlines import deadline_window
from sfo_review.services.figures.scope import Scope, counted, percentile, share
from sfo_review.sqlfuncs import days_between


def _per_review(scope: Scope) -> Any:
    """One row per review in scope with what the deadline figures need to know of it."""
    overdue = deadline_window().overdue_sql()
    extended = Review.id.in_(  # evaluated once per query, not once per review
        select(DeadlineExtension.review_id).where(DeadlineExtension.status == lifecycle.AGREED)
    )
    return scope.restrict(
        select(
            scope.area_column.label("area"),
            Review.status.label("status"),
            case((overdue, 1), else_=0).label("overdue"),
            case((extended, 1), else_=0).label("extended"),
            days_between(Review.notification_date, Review.approved_at).label("days"),
        )
    ).subquery("per_review")


def _area(name: str) -> dict[str, Any]:
    return {"name": name, "reviews": 0, "open": 0, "overdue": 0, "extended": 0, "days": []}


def _count_rows(per_review: Any) -> list[Any]:
    return list(
        db.session.execute(
            select(
                per_review.c.area,
                per_review.c.status,
                per_review.c.overdue,
                per_review.c.extended,
                func.count(),
            ).group_by(
                per_review.c.area, per_review.c.status, per_review.c.overdue, per_review.c.extended
            )
        )
    )


def _day_rows(per_review: Any) -> list[Any]:
    return list(
        db.session.execute(
            select(per_review.c.area, per_review.c.days, func.count())
            .where(per_review.c.days.is_not(None))
            .group_by(per_review.c.area, per_review.c.days)
        )
    )


def _extension_statuses(scope: Scope) -> dict[str, int]:
    rows = db.session.execute(
        scope.restrict(
            select(DeadlineExtension.status, func.count())
            .join(Review, Review.id == DeadlineExtension.review_id)
            .group_by(DeadlineExtension.status)
        )
    )
    return dict(rows.all())


def _days(histogram: list[tuple[int, int]]) -> dict[str, Any]:
    return {
        "reviews": sum(count for _, count in histogram),
        "median": percentile(histogram, 50),
        "p90": percentile(histogram, 90),
    }


def deadlines(scope: Scope) -> dict[str, Any]:
    """`statuses`, `deadlines` and `areas` of the figures (four queries)."""
    per_review = _per_review(scope)
    statuses: dict[str, int] = defaultdict(int)
    areas: dict[str, dict[str, Any]] = {}
    for area, status, overdue, extended, count in _count_rows(per_review):
        statuses[status] += count
        row = areas.setdefault(area, _area(area))
        row["reviews"] += count
        row["open"] += 0 if status in lifecycle.FINISHED else count
        row["overdue"] += count * overdue
        row["extended"] += count * extended
    for area, days, count in _day_rows(per_review):
        areas.setdefault(area, _area(area))["days"].append((days, count))
    total = sum(statuses.values())
    extended = sum(a["extended"] for a in areas.values())
    open_ = sum(a["open"] for a in areas.values())
    overdue = sum(a["overdue"] for a in areas.values())
    extensions = _extension_statuses(scope)
    return {
        "reviews": total,
        "statuses": counted(vocab.STATUSES, statuses),
        "deadlines": {
            "open": open_,
            "overdue": overdue,
            "share_of_open_overdue": share(overdue, open_),
            "with_agreed_extension": extended,
            "extension_rate": share(extended, total),
            "extensions": {k: extensions.get(k, 0) for k in vocab.keys(vocab.EXTENSION_STATUSES)},
            "days_to_approval": _days([d for a in areas.values() for d in a["days"]]),
        },
        "areas": {
            "level": scope.area_level,
            "items": [
                {
                    "name": a["name"],
                    "reviews": a["reviews"],
                    "open": a["open"],
                    "overdue": a["overdue"],
                    "extension_rate": share(a["extended"], a["reviews"]),
                    "days_to_approval": _days(a["days"]),
                }
                for a in sorted(areas.values(), key=lambda a: a["name"])
            ],
        },
    }
