"""Working conditions at the time of the offence: caseloads, WMT % and management oversight,
from the caseload contexts recorded on the reviews in scope (one query)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, Select, and_, case, func, select

from sfo_review.extensions import db
from sfo_review.models import CaseloadContext, Review
from sfo_review.services.figures.scope import Scope, share


@dataclass(frozen=True)
class Bucket:
    low: int
    high: int | None  # None: no upper bound

    @property
    def label(self) -> str:
        if self.high is None:
            return f"{self.low}+"
        return str(self.low) if self.low == self.high else f"{self.low}–{self.high}"


# Around the published reference points (domain.md): 50–60 cases is the agreed maximum and
# quality falls above 50; WMT above 110% counts as excessive; the service averaged ~120%.
CASELOAD_BUCKETS = (Bucket(0, 40), Bucket(41, 50), Bucket(51, 60), Bucket(61, 80), Bucket(81, None))
WORKLOAD_BUCKETS = (
    Bucket(0, 89),
    Bucket(90, 110),
    Bucket(111, 130),
    Bucket(131, 150),
    Bucket(151, None),
)
# Supervision sessions received in the period under review.
OVERSIGHT_BUCKETS = (Bucket(0, 0), Bucket(1, 1), Bucket(2, 3), Bucket(4, 6), Bucket(7, None))


def _in_bucket(column: Any, bucket: Bucket) -> ColumnElement[bool]:
    if bucket.high is None:
        return column >= bucket.low
    return and_(column >= bucket.low, column <= bucket.high)


def _how_many(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


@dataclass(frozen=True)
class Measure:
    key: str
    column: Any
    buckets: tuple[Bucket, ...]
    reference: int | None  # counted "above the reference point" when set

    @property
    def width(self) -> int:
        """How many of the row's columns are this measure's (see `columns`)."""
        return 1 + (self.reference is not None) + len(self.buckets)

    def columns(self) -> list[Any]:
        found = [func.avg(self.column)]
        if self.reference is not None:
            found.append(_how_many(self.column > self.reference))
        return found + [_how_many(_in_bucket(self.column, b)) for b in self.buckets]

    def read(self, contexts: int, values: list[Any]) -> dict[str, Any]:
        average, *rest = values
        result: dict[str, Any] = {
            "contexts": contexts,
            "average": round(float(average), 1) if average is not None else None,
        }
        if self.reference is not None:
            above, *rest = rest
            result.update(
                reference=self.reference,
                above_reference=int(above),
                share_above_reference=share(int(above), contexts),
            )
        result["buckets"] = [
            {"label": b.label, "min": b.low, "max": b.high, "count": int(n)}
            for b, n in zip(self.buckets, rest, strict=True)
        ]
        return result


def _measures() -> tuple[tuple[Measure, ...], Select[Any]]:
    """The measures and their aggregate query before the scope's conditions, for the
    configured reference points."""
    config = current_app.config
    return _aggregates(config["CASELOAD_REFERENCE_MAX"], config["WORKLOAD_REFERENCE_PERCENT"])


@cache
def _aggregates(
    caseload_reference: int, workload_reference: int
) -> tuple[tuple[Measure, ...], Select[Any]]:
    """Built once per pair of reference points: the 21 aggregate columns (most a CASE in a
    SUM in a COALESCE) took about 1.2 ms to build, more than the query takes to run."""
    measures = (
        Measure("caseload", CaseloadContext.caseload_count, CASELOAD_BUCKETS, caseload_reference),
        Measure("workload", CaseloadContext.workload_percent, WORKLOAD_BUCKETS, workload_reference),
        Measure(
            "oversight", CaseloadContext.management_oversight_sessions, OVERSIGHT_BUCKETS, None
        ),
    )
    columns: list[Any] = [func.count(CaseloadContext.id)]
    for measure in measures:
        columns += measure.columns()
    query = select(*columns).join(Review, Review.id == CaseloadContext.review_id)
    return measures, query


def conditions(scope: Scope) -> dict[str, Any]:
    """`caseload`, `workload` and `oversight` of the figures, in one aggregate row."""
    measures, query = _measures()
    row = list(db.session.execute(scope.restrict(query)).one())
    contexts = int(row.pop(0))
    result = {}
    for measure in measures:
        result[measure.key] = measure.read(contexts, row[: measure.width])
        row = row[measure.width :]
    oversight = result["oversight"]
    none = oversight["buckets"][0]["count"]
    oversight.update(without_sessions=none, share_without_sessions=share(none, contexts))
    return result
