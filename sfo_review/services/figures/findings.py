"""Findings: the attribution mix and the balance measure, summed over each review's counts
(`review_figures`, kept up to date by services/figures/contributions.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from sfo_review import vocab
from sfo_review.extensions import db
from sfo_review.models import Review, review_figures
from sfo_review.models.review_figures import ATTRIBUTED, FINDING_COUNTS
from sfo_review.services.figures.scope import Scope, share


def counts_by_status(scope: Scope, names: tuple[str, ...]) -> dict[str, dict[str, int]]:
    """Review status → the sum of each of `names` (columns of `review_figures`) over the
    reviews in scope: one query over at most one row per review."""
    sums = [func.coalesce(func.sum(review_figures.c[name]), 0) for name in names]
    rows = db.session.execute(
        scope.restrict(
            select(Review.status, *sums)
            .select_from(review_figures)
            .join(Review, Review.id == review_figures.c.review_id)
            .group_by(Review.status)
        )
    )
    return {status: dict(zip(names, map(int, numbers), strict=True)) for status, *numbers in rows}


NONE = (0, 0, 0, 0)


def _balance_row(status: vocab.Choice, numbers: tuple[int, ...]) -> dict[str, Any]:
    _findings, individual, _alone, weighed = numbers
    return {
        "key": status.key,
        "label": status.label,
        "individual_findings": individual,
        "weighed": weighed,
        "share": share(weighed, individual),
    }


def findings(scope: Scope) -> dict[str, Any]:
    """`attribution` and `balance` of the figures (one query, over `review_figures`)."""
    names = (*FINDING_COUNTS, *ATTRIBUTED.values())
    by_status = counts_by_status(scope, names)
    counts = {key: sum(r[name] for r in by_status.values()) for key, name in ATTRIBUTED.items()}
    rows = {status: tuple(r[name] for name in FINDING_COUNTS) for status, r in by_status.items()}
    total = sum(r[0] for r in rows.values())
    individual = sum(r[1] for r in rows.values())
    weighed = sum(r[3] for r in rows.values())
    return {
        "attribution": {
            "findings": total,
            "individual_only": sum(r[2] for r in rows.values()),
            "items": [
                {
                    "key": c.key,
                    "label": c.label,
                    "count": counts.get(c.key, 0),
                    "share": share(counts.get(c.key, 0), total),
                }
                for c in vocab.ATTRIBUTIONS
            ],
        },
        "balance": {
            "individual_findings": individual,
            "weighed": weighed,
            "share": share(weighed, individual),
            "by_status": [_balance_row(c, rows.get(c.key, NONE)) for c in vocab.STATUSES],
        },
    }
