"""Just culture: individual shortfall findings by the outcome of their just-culture
assessment (api-v1.1 §A), overall and by review status.

An individual shortfall finding has the judgement `insufficient` and an attribution that
includes `individual`. Its outcome is the assessment's stored `outcome`; a finding with no
assessment yet, or one not complete enough to give an outcome, counts as `not_assessed`.
"""

from __future__ import annotations

from typing import Any

from sfo_review import vocab
from sfo_review.models.review_figures import NOT_ASSESSED as NOT_ASSESSED_KEY
from sfo_review.models.review_figures import OUTCOMES as COLUMNS
from sfo_review.services.figures.findings import counts_by_status
from sfo_review.services.figures.scope import Scope, share

NOT_ASSESSED = vocab.Choice(NOT_ASSESSED_KEY, "Not assessed")
OUTCOMES: tuple[vocab.Choice, ...] = (*vocab.JUST_CULTURE_OUTCOMES, NOT_ASSESSED)


def _counts(scope: Scope) -> dict[tuple[str, str], int]:
    """(review status, outcome) → individual shortfall findings, in one query over each
    review's counts (`review_figures`)."""
    by_status = counts_by_status(scope, tuple(COLUMNS.values()))
    return {
        (status, key): numbers[name]
        for status, numbers in by_status.items()
        for key, name in COLUMNS.items()
        if numbers[name]
    }


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
