"""Systemic factor categories: how often, over time (quarters) and where (regions or PDUs)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Integer, cast, extract, func, select

from sfo_review import clock, vocab
from sfo_review.extensions import db
from sfo_review.models import Review, SystemicFactor
from sfo_review.services import validation as v
from sfo_review.services.figures.scope import Scope, counted, share

MONTHS = ("Jan–Mar", "Apr–Jun", "Jul–Sep", "Oct–Dec")


def quarter_key(year: int, quarter: int) -> str:
    return f"{year}-Q{quarter}"


def quarter_label(year: int, quarter: int) -> str:
    return f"{MONTHS[quarter - 1]} {year}"


def _year_month(column: Any) -> tuple[Any, Any]:
    return cast(extract("year", column), Integer), cast(extract("month", column), Integer)


def _by_area_and_category(scope: Scope) -> list[Any]:
    return list(
        db.session.execute(
            scope.restrict(
                select(
                    scope.area_column,
                    SystemicFactor.category,
                    func.count(SystemicFactor.id),
                    func.count(func.distinct(SystemicFactor.review_id)),
                )
                .join(Review, Review.id == SystemicFactor.review_id)
                .group_by(scope.area_column, SystemicFactor.category)
            )
        )
    )


def _by_level(scope: Scope) -> dict[str, int]:
    rows = db.session.execute(
        scope.restrict(
            select(SystemicFactor.level, func.count(SystemicFactor.id))
            .join(Review, Review.id == SystemicFactor.review_id)
            .group_by(SystemicFactor.level)
        )
    )
    return dict(rows.all())


def _by_month(scope: Scope) -> list[Any]:
    year, month = _year_month(Review.notification_date)
    inner = scope.restrict(
        select(
            year.label("year"), month.label("month"), SystemicFactor.category.label("category")
        ).join(Review, Review.id == SystemicFactor.review_id)
    ).subquery("factor_months")
    return list(
        db.session.execute(
            select(inner.c.year, inner.c.month, inner.c.category, func.count()).group_by(
                inner.c.year, inner.c.month, inner.c.category
            )
        )
    )


def _reviews_by_month(scope: Scope) -> list[Any]:
    year, month = _year_month(Review.notification_date)
    inner = scope.restrict(select(year.label("year"), month.label("month"))).subquery("months")
    return list(
        db.session.execute(
            select(inner.c.year, inner.c.month, func.count()).group_by(inner.c.year, inner.c.month)
        )
    )


def _quarters(scope: Scope) -> dict[str, Any]:
    """Factors per category for every quarter from the first to the last review in scope,
    within the dates a notification can have (validation: from 2000 to today): a date typed
    before that rule existed (the year 0001) must not draw thousands of empty quarters."""
    reviews: dict[tuple[int, int], int] = defaultdict(int)
    for year, month, count in _reviews_by_month(scope):
        reviews[(year, (month + 2) // 3)] += count
    counts: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for year, month, category, count in _by_month(scope):
        counts[(year, (month + 2) // 3)][category] += count
    items = []
    if reviews:
        now = clock.today()
        (year, quarter) = max(min(reviews), (v.NOTIFICATIONS_BEGIN.year, 1))
        last = min(max(reviews), (now.year, (now.month + 2) // 3))
        while (year, quarter) <= last:
            found = counts.get((year, quarter), {})
            items.append(
                {
                    "quarter": quarter_key(year, quarter),
                    "label": quarter_label(year, quarter),
                    "reviews": reviews.get((year, quarter), 0),
                    "counts": {
                        c.key: found.get(c.key, 0) for c in vocab.SYSTEMIC_FACTOR_CATEGORIES
                    },
                }
            )
            year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return {"items": items}


def _areas(scope: Scope, rows: list[Any]) -> dict[str, Any]:
    areas: dict[str, dict[str, int]] = defaultdict(dict)
    for area, category, count, _reviews in rows:
        areas[area][category] = count
    return {
        "level": scope.area_level,
        "items": [
            {
                "name": name,
                "total": sum(found.values()),
                "counts": {c.key: found.get(c.key, 0) for c in vocab.SYSTEMIC_FACTOR_CATEGORIES},
            }
            for name, found in sorted(areas.items())
        ],
    }


def factors(scope: Scope, reviews: int) -> dict[str, Any]:
    """The systemic factor sections of the figures (four queries); `reviews` in scope."""
    rows = _by_area_and_category(scope)
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for _area, category, count, with_it in rows:
        totals[category][0] += count
        totals[category][1] += with_it  # a review is in one area: distinct counts add up
    categories: list[dict[str, Any]] = [
        {
            "key": c.key,
            "label": c.label,
            "count": totals[c.key][0],
            "reviews": totals[c.key][1],
            "share_of_reviews": share(totals[c.key][1], reviews),
        }
        for c in vocab.SYSTEMIC_FACTOR_CATEGORIES
    ]
    # By frequency; the taxonomy's order among equals (sorted() is stable).
    categories.sort(key=lambda c: (-c["count"], -c["reviews"]))
    levels = _by_level(scope)
    return {
        "systemic_factor_categories": categories,
        "systemic_factor_levels": counted(vocab.FACTOR_LEVELS, levels),
        "systemic_factors_by_quarter": _quarters(scope),
        "systemic_factors_by_area": _areas(scope, rows),
    }
