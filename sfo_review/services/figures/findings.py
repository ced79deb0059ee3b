"""Findings: the attribution mix and the balance measure (the balance rule, counted in SQL)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select

from sfo_review import lifecycle, vocab
from sfo_review.extensions import db
from sfo_review.models import Finding, FindingAttribution, Review
from sfo_review.services.figures.scope import Scope, share


def _attribution_counts(scope: Scope) -> dict[str, int]:
    rows = db.session.execute(
        scope.restrict(
            select(FindingAttribution.attribution, func.count())
            .join(Finding, Finding.id == FindingAttribution.finding_id)
            .join(Review, Review.id == Finding.review_id)
            .group_by(FindingAttribution.attribution)
        )
    )
    return dict(rows.all())


def _per_status(scope: Scope) -> list[Any]:
    """Per review status: findings, individual shortfall ones (api-v1.1 A), those attributed
    to an individual alone, and the individual shortfall ones whose context was weighed."""
    individual = lifecycle.finding_is_individual_sql()
    individual_only = individual & Finding.id.not_in(
        select(FindingAttribution.finding_id).where(FindingAttribution.attribution != "individual")
    )
    weighed = individual & lifecycle.finding_is_weighed_sql()

    def how_many(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    return list(
        db.session.execute(
            scope.restrict(
                select(
                    Review.status,
                    func.count(Finding.id),
                    how_many(individual),
                    how_many(individual_only),
                    how_many(weighed),
                )
                .join(Review, Review.id == Finding.review_id)
                .group_by(Review.status)
            )
        )
    )


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
    """`attribution` and `balance` of the figures (two queries)."""
    counts = _attribution_counts(scope)
    rows = {status: tuple(int(n) for n in numbers) for status, *numbers in _per_status(scope)}
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
