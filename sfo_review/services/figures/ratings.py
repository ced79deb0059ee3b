"""Ratings against the inspectorate's standards (api-v1.1 §C): how quality assurance rated
the approved reviews on each standard (and overall), overall, by region and by quarter.

A quarter is the calendar quarter of the approval (`approved_at` in Europe/London), as
"2026-Q1". Reviews approved before ratings existed have none: they are counted as
`reviews_not_rated`, never as a rating.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from sfo_review import lifecycle, vocab
from sfo_review.clock import LONDON
from sfo_review.extensions import db
from sfo_review.models import Review, ReviewRating
from sfo_review.services.figures.scope import Scope

Counts = dict[str, dict[str, int]]


def quarter(moment: datetime) -> str:
    """The quarter of an instant, in London: 2026-03-31 23:30 UTC (BST) is 2026-Q2."""
    local = moment.astimezone(LONDON)
    return f"{local.year}-Q{(local.month - 1) // 3 + 1}"


def _empty() -> Counts:
    return {s.key: {r.key: 0 for r in vocab.RATINGS} for s in vocab.RATING_STANDARDS}


def _add(into: Counts, standard: str, rating: str, n: int) -> None:
    row = into.setdefault(standard, {})
    row[rating] = row.get(rating, 0) + n


def ratings(scope: Scope) -> dict[str, Any]:
    """`ratings` of the figures (two queries), over the approved and closed reviews. One row
    per (region, approval instant, standard, rating): the quarter is taken in Python, where
    the time zone is exact on both databases."""
    rows = db.session.execute(
        scope.restrict(
            select(
                Review.region,
                Review.approved_at,
                ReviewRating.standard,
                ReviewRating.rating,
                func.count(ReviewRating.review_id),
            )
            .select_from(Review)
            .outerjoin(ReviewRating, ReviewRating.review_id == Review.id)
            .where(Review.status.in_(lifecycle.FINISHED))
            .group_by(Review.region, Review.approved_at, ReviewRating.standard, ReviewRating.rating)
        )
    )
    by_standard = _empty()
    by_region: dict[str, Counts] = {}
    by_quarter: dict[str, Counts] = {}
    quarters: dict[datetime, str] = {}  # one time zone conversion per approval, not per row
    for region, approved_at, standard, rating, n in rows:
        # An approved review without ratings still shows its region and quarter (all zero).
        if region not in by_region:
            by_region[region] = _empty()
        areas = [by_region[region]]
        if approved_at is not None:
            key = quarters.get(approved_at)
            if key is None:
                key = quarters[approved_at] = quarter(approved_at)
            if key not in by_quarter:
                by_quarter[key] = _empty()
            areas.append(by_quarter[key])
        if standard is None:
            continue
        for counts in (by_standard, *areas):
            _add(counts, standard, rating, int(n))
    rated = select(ReviewRating.review_id).distinct().subquery()
    finished, with_ratings = db.session.execute(
        scope.restrict(
            select(func.count(Review.id), func.count(rated.c.review_id))
            .outerjoin(rated, rated.c.review_id == Review.id)
            .where(Review.status.in_(lifecycle.FINISHED))
        )
    ).one()
    return {
        "ratings": {
            "by_standard": by_standard,
            "by_region": dict(sorted(by_region.items())),
            "by_quarter": dict(sorted(by_quarter.items())),
            "reviews_rated": int(with_ratings),
            "reviews_not_rated": int(finished) - int(with_ratings),
        }
    }
