"""Which reviews the figures count: the caller's visible reviews, narrowed by the filters."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select

from sfo_review.models import Review, User
from sfo_review.services import reviews as review_service

Query = TypeVar("Query", bound=Select)

# What the figures break down by: each region nationally, each PDU within one region.
AREA_LEVELS = ("region", "pdu")


@dataclass(frozen=True)
class Scope:
    actor: User
    start: date | None = None  # notification date, inclusive
    end: date | None = None
    region: str | None = None  # exact
    pdu: str | None = None  # exact

    def conditions(self) -> list[ColumnElement[bool]]:
        """WHERE conditions on `Review`: visibility (as the review list) and the filters."""
        return list(self._conditions)

    @cached_property
    def _conditions(self) -> tuple[ColumnElement[bool], ...]:
        """Made once per scope: a page of figures runs about twenty queries in one scope."""
        visible = review_service.visible_reviews_query(self.actor).whereclause
        found: list[ColumnElement[bool]] = [] if visible is None else [visible]
        if self.start:
            found.append(Review.notification_date >= self.start)
        if self.end:
            found.append(Review.notification_date <= self.end)
        if self.region:
            found.append(Review.region == self.region)
        if self.pdu:
            found.append(Review.pdu == self.pdu)
        return tuple(found)

    def restrict(self, query: Query) -> Query:
        return query.where(*self._conditions)

    @property
    def area_level(self) -> str:
        """Within one region the figures break down by PDU, nationally by region."""
        return AREA_LEVELS[1] if self.region else AREA_LEVELS[0]

    @property
    def area_column(self) -> Any:
        return Review.pdu if self.region else Review.region


def counted(choices: Iterable[Any], counts: dict[str, int]) -> list[dict[str, Any]]:
    """`[{"key", "label", "count"}]` for every choice of a vocabulary, zero when not found."""
    return [{"key": c.key, "label": c.label, "count": counts.get(c.key, 0)} for c in choices]


def share(part: int, whole: int) -> float | None:
    """A share rounded to 3 places (0.667), or None when there is nothing to divide."""
    return round(part / whole, 3) if whole else None


def percentile(histogram: Iterable[tuple[int, int]], q: float) -> float | None:
    """The q-th percentile (0–100) of values given as (value, how many) pairs.

    Linear interpolation between the two nearest ranks (PostgreSQL's percentile_cont, the
    default of numpy and spreadsheets): the median of 10, 20, 30, 40 is 25.
    """
    pairs = sorted((value, count) for value, count in histogram if count > 0)
    total = sum(count for _, count in pairs)
    if not total:
        return None
    rank = (total - 1) * q / 100  # zero-based position of the percentile
    lower, upper = math.floor(rank), math.ceil(rank)
    low_value = high_value = None
    seen = 0
    for value, count in pairs:
        if low_value is None and lower < seen + count:
            low_value = value
        if upper < seen + count:
            high_value = value
            break
        seen += count
    assert low_value is not None and high_value is not None  # noqa: S101 - ranks < total
    return round(low_value + (high_value - low_value) * (rank - lower), 1)
