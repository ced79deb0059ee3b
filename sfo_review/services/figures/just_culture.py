"""Just culture: individual shortfall findings by the outcome of their just-culture
assessment (api-v1.1 §A), overall and by review status.

An individual shortfall finding has the judgement `insufficient` and an attribution that
includes `individual`. Its outcome is the assessment's stored `outcome`; a finding with no
assessment yet, or one not complete enough to give an outcome, counts as `not_assessed`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from sfo_review import lifecycle, vocab
from sfo_review.extensions import db
from sfo_review.models import Finding, JustCultureAssessment, Review
from sfo_review.services.figures.scope import Scope, share

NOT_ASSESSED = vocab.Choice("not_assessed", "Not assessed")
OUTCOMES: tuple[vocab.Choice, ...] = (*vocab.JUST_CULTURE_OUTCOMES, NOT_ASSESSED)


def individual_shortfall_sql() -> Any:
    """SQL: the finding (`Finding` in the query) is an individual shortfall finding."""
    return (Finding.judgement == "insufficient") & lifecycle.finding_is_individual_sql()


def _counts(scope: Scope) -> dict[tuple[str, str], int]:
    """(review status, outcome) → individual shortfall findings, in one query."""
    outcome = func.coalesce(JustCultureAssessment.outcome, NOT_ASSESSED.key)
    rows = db.session.execute(
        scope.restrict(
            select(Review.status, outcome, func.count(Finding.id))
            .join(Review, Review.id == Finding.review_id)
            .outerjoin(JustCultureAssessment, JustCultureAssessment.finding_id == Finding.id)
            .where(individual_shortfall_sql())
            .group_by(Review.status, outcome)
        )
    )
    return {(status, key): int(n) for status, key, n in rows}


def _items(counts: dict[str, int]) -> list[dict[str, Any]]:
    total = sum(counts.values())
    return [
        {
            "key": c.key,
            "label": c.label,
            "count": counts.get(c.key, 0),
            "share": share(counts.get(c.key, 0), total),
        }
        for c in OUTCOMES
    ]


def just_culture(scope: Scope) -> dict[str, Any]:
    """`just_culture_outcomes` of the figures (one query)."""
    counts = _counts(scope)
    overall: dict[str, int] = {}
    for (_status, key), n in counts.items():
        overall[key] = overall.get(key, 0) + n
    by_status = []
    for status in vocab.STATUSES:
        mine = {key: n for (s, key), n in counts.items() if s == status.key}
        by_status.append(
            {
                "key": status.key,
                "label": status.label,
                "individual_shortfall_findings": sum(mine.values()),
                "items": _items(mine),
            }
        )
    return {
        "just_culture_outcomes": {
            "individual_shortfall_findings": sum(overall.values()),
            "items": _items(overall),
            "by_status": by_status,
        }
    }
