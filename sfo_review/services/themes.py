"""Themes across reviews: what the system keeps showing, for leadership to act on.

Aggregate SQL over the reviews the caller may see (the same visibility rule as the review
list), filtered by notification date and region. The API's GET /themes and, later, the
leadership dashboard both read `themes()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, Select, and_, case, exists, func, select

from sfo_review import permissions as perm
from sfo_review import vocab
from sfo_review.extensions import db
from sfo_review.models import (
    CaseloadContext,
    Finding,
    FindingAttribution,
    Review,
    SystemicFactor,
    User,
)
from sfo_review.services import validation as v
from sfo_review.services._common import require_permission
from sfo_review.services.reviews import visible_reviews_query

THEME_RULES: dict[str, v.Rule] = {
    "from": v.a_date("start date", required=False),
    "to": v.a_date("end date", required=False),
    "region": v.short("region", required=False),
}


@dataclass(frozen=True)
class Bucket:
    low: int
    high: int | None  # None: no upper bound

    @property
    def label(self) -> str:
        return f"{self.low}+" if self.high is None else f"{self.low}–{self.high}"


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


def _filters(data: dict[str, Any]) -> dict[str, Any]:
    values = v.clean(data, THEME_RULES)
    start, end = values.get("from"), values.get("to")
    if start and end and end < start:
        v.require({"to": ["End date must be the same as or after the start date"]})
    return values


def _review_ids(actor: User, values: dict[str, Any]) -> Select[Any]:
    visible = visible_reviews_query(actor, region=values.get("region"))
    query: Select[Any] = visible.with_only_columns(Review.id).order_by(None)
    start: date | None = values.get("from")
    end: date | None = values.get("to")
    if start:
        query = query.where(Review.notification_date >= start)
    if end:
        query = query.where(Review.notification_date <= end)
    return query


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def _factor_categories(ids: Select[Any]) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(
            SystemicFactor.category,
            func.count(SystemicFactor.id),
            func.count(func.distinct(SystemicFactor.review_id)),
        )
        .where(SystemicFactor.review_id.in_(ids))
        .group_by(SystemicFactor.category)
    ).all()
    counts = {key: (count, reviews) for key, count, reviews in rows}
    return [
        {
            "key": c.key,
            "label": c.label,
            "count": counts.get(c.key, (0, 0))[0],
            "reviews": counts.get(c.key, (0, 0))[1],
        }
        for c in vocab.SYSTEMIC_FACTOR_CATEGORIES
    ]


def _factor_levels(ids: Select[Any]) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(SystemicFactor.level, func.count(SystemicFactor.id))
        .where(SystemicFactor.review_id.in_(ids))
        .group_by(SystemicFactor.level)
    ).all()
    counts = dict(rows)
    return [
        {"key": c.key, "label": c.label, "count": counts.get(c.key, 0)} for c in vocab.FACTOR_LEVELS
    ]


def _attribution(ids: Select[Any]) -> dict[str, Any]:
    total = db.session.scalar(select(func.count(Finding.id)).where(Finding.review_id.in_(ids)))
    rows = db.session.execute(
        select(FindingAttribution.attribution, func.count())
        .join(Finding, Finding.id == FindingAttribution.finding_id)
        .where(Finding.review_id.in_(ids))
        .group_by(FindingAttribution.attribution)
    ).all()
    counts = dict(rows)
    other = FindingAttribution.__table__.alias("other_attribution")
    individual_only = db.session.scalar(
        select(func.count(Finding.id)).where(
            Finding.review_id.in_(ids),
            exists().where(
                FindingAttribution.finding_id == Finding.id,
                FindingAttribution.attribution == "individual",
            ),
            ~exists().where(other.c.finding_id == Finding.id, other.c.attribution != "individual"),
        )
    )
    findings = total or 0
    return {
        "findings": findings,
        "individual_only": individual_only or 0,
        "items": [
            {
                "key": c.key,
                "label": c.label,
                "count": counts.get(c.key, 0),
                "share": _share(counts.get(c.key, 0), findings),
            }
            for c in vocab.ATTRIBUTIONS
        ],
    }


def _in_bucket(column: Any, bucket: Bucket) -> ColumnElement[bool]:
    if bucket.high is None:
        return column >= bucket.low
    return and_(column >= bucket.low, column <= bucket.high)


def _distribution(
    ids: Select[Any], column: Any, buckets: tuple[Bucket, ...], reference: int
) -> dict[str, Any]:
    """Counts per bucket and above the reference point, in one aggregate row."""

    def count_where(condition: ColumnElement[bool]) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    row = db.session.execute(
        select(
            func.count(CaseloadContext.id),
            func.avg(column),
            count_where(column > reference),
            *(count_where(_in_bucket(column, b)) for b in buckets),
        ).where(CaseloadContext.review_id.in_(ids))
    ).one()
    contexts, average, above, *bucket_counts = row
    return {
        "contexts": contexts,
        "average": round(float(average), 1) if average is not None else None,
        "reference": reference,
        "above_reference": int(above),
        "share_above_reference": _share(int(above), contexts),
        "buckets": [
            {"label": b.label, "min": b.low, "max": b.high, "count": int(n)}
            for b, n in zip(buckets, bucket_counts, strict=True)
        ],
    }


def themes(actor: User, data: dict[str, Any]) -> dict[str, Any]:
    """Counts across the reviews `actor` may see: factors, attribution, caseload, workload.

    `data` holds the filters `from` and `to` (notification dates, inclusive) and `region`.
    """
    require_permission(perm.can_read_themes(actor), "Only leadership can read the themes.")
    values = _filters(data)
    ids = _review_ids(actor, values)
    config = current_app.config
    reviews = db.session.scalar(select(func.count()).select_from(ids.subquery())) or 0
    return {
        "filters": {
            "from": values["from"].isoformat() if values.get("from") else None,
            "to": values["to"].isoformat() if values.get("to") else None,
            "region": values.get("region"),
        },
        "reviews": reviews,
        "systemic_factor_categories": _factor_categories(ids),
        "systemic_factor_levels": _factor_levels(ids),
        "attribution": _attribution(ids),
        "caseload": _distribution(
            ids,
            CaseloadContext.caseload_count,
            CASELOAD_BUCKETS,
            config["CASELOAD_REFERENCE_MAX"],
        ),
        "workload": _distribution(
            ids,
            CaseloadContext.workload_percent,
            WORKLOAD_BUCKETS,
            config["WORKLOAD_REFERENCE_PERCENT"],
        ),
    }
