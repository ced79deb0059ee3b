"""The inspection sample (api-v1.1 §C): a reproducible sample of the approved and closed
reviews notified in a period, for leadership and quality assurance to hand to an inspection.

Reproducible without the database's random(): each candidate is ordered by the SHA-256 of
"<seed>:<review id>", so the same period, percentage and seed give the same reviews on any
database, and another seed a different order. The size is the percentage of the candidates
rounded up, but never fewer than the number of regions that have a candidate: each such
region's first candidate in that order is taken first, then the rest in order until the
size is reached. Every draw is an audit event (no review, its parameters and count).
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from sfo_review import lifecycle
from sfo_review import permissions as perm
from sfo_review.extensions import db
from sfo_review.models import ReportSnapshot, Review, User
from sfo_review.services import validation as v
from sfo_review.services._common import audit, require_permission, use_case
from sfo_review.services.errors import ValidationFailed
from sfo_review.services.figures.scope import Scope

SEED_MAX = 999_999_999
# The PDF the approved review's download serves (GET …/report.pdf with no parameters).
REPORT_VARIANT, REPORT_FORMAT = "full", "standard"
RULES: dict[str, v.Rule] = {
    "from": v.a_date("start date", True, v.NOTIFICATIONS_BEGIN, latest_days=v.A_YEAR_AHEAD),
    "to": v.a_date("end date", True, v.NOTIFICATIONS_BEGIN, latest_days=v.A_YEAR_AHEAD),
    "percent": v.integer("percentage", 1, 100),
    "seed": v.integer("seed", 0, SEED_MAX, required=False),
}
REVERSED = "End date must be the same as or after the start date"
WHOLE_NUMBER = re.compile(r"\s*-?[0-9]{1,20}\s*")


@dataclass(frozen=True)
class Item:
    id: int
    reference: str
    region: str
    pdu: str
    approved_at: datetime | None
    report_sha256: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "reference": self.reference,
            "region": self.region,
            "pdu": self.pdu,
            "approved_at": self.approved_at.isoformat() if self.approved_at else None,
            "report_sha256": self.report_sha256,
        }


@dataclass(frozen=True)
class Sample:
    start: date
    end: date
    percent: int
    seed: int
    candidates: int
    regions: int
    items: list[Item]

    def parameters(self) -> dict[str, Any]:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "percent": self.percent,
            "seed": self.seed,
        }

    def as_json(self) -> dict[str, Any]:
        return {
            **self.parameters(),
            "candidates": self.candidates,
            "regions": self.regions,
            "items": [i.as_json() for i in self.items],
        }


def fresh_seed() -> int:
    """A seed for a new sample (the page's default; the API's when none is given)."""
    return secrets.randbelow(SEED_MAX + 1)


def _typed(value: Any) -> Any:
    """A query string's whole number as an int (anything else is left for the rule to name)."""
    if isinstance(value, str) and WHOLE_NUMBER.fullmatch(value):
        return int(value)
    return value


def parameters(actor: User, data: dict[str, Any]) -> tuple[date, date, int, int]:
    """Checks the caller's right and the parameters (every problem at once)."""
    require_permission(
        perm.can_draw_inspection_sample(actor),
        "Only leadership and quality assurance can draw an inspection sample.",
    )
    typed = {k: _typed(val) if k in ("percent", "seed") else val for k, val in data.items()}
    errors = {k: [f"Unknown field: {k}"] for k in typed if k not in RULES}
    values: dict[str, Any] = {}
    for key, rule in RULES.items():  # field by field: dates out of order are named too
        try:
            values.update(v.clean({key: typed.get(key)}, {key: rule}))
        except ValidationFailed as exc:
            errors.update(exc.fields)
    start, end = values.get("from"), values.get("to")
    if start and end and end < start:
        errors["to"] = [REVERSED]
    v.require(errors)
    seed = values.get("seed")
    return values["from"], values["to"], values["percent"], fresh_seed() if seed is None else seed


def order_key(seed: int, review_id: int) -> str:
    return hashlib.sha256(f"{seed}:{review_id}".encode()).hexdigest()


def choose(rows: list[tuple[int, str]], percent: int, seed: int) -> list[int]:
    """The ids drawn from (review id, region) candidates: at least one per region, then in
    seeded order up to ceil(percent% of the candidates)."""
    ordered = sorted(rows, key=lambda row: (order_key(seed, row[0]), row[0]))
    chosen: dict[int, None] = {}
    seen: set[str] = set()
    for review_id, region in ordered:
        area = v.tidy_region(region).casefold()
        if area not in seen:
            seen.add(area)
            chosen[review_id] = None
    size = math.ceil(len(rows) * percent / 100)
    for review_id, _region in ordered:
        if len(chosen) >= size:
            break
        chosen.setdefault(review_id, None)
    return list(chosen)


def draw(actor: User, data: dict[str, Any]) -> Sample:
    """The sample for `data` (`from`, `to`, `percent`, optional `seed`); not audited."""
    start, end, percent, seed = parameters(actor, data)
    query = Scope(actor, start, end).restrict(
        select(Review.id, Review.region).where(Review.status.in_(lifecycle.FINISHED))
    )
    rows = [(review_id, region) for review_id, region in db.session.execute(query)]
    ids = choose(rows, percent, seed)
    checksums = dict(
        db.session.execute(
            select(ReportSnapshot.review_id, ReportSnapshot.sha256).where(
                ReportSnapshot.review_id.in_(ids),
                ReportSnapshot.variant == REPORT_VARIANT,
                ReportSnapshot.format == REPORT_FORMAT,
            )
        ).all()
    )
    found = db.session.execute(
        select(Review.id, Review.reference, Review.region, Review.pdu, Review.approved_at)
        .where(Review.id.in_(ids))
        .order_by(Review.region, Review.reference)
    )
    items = [Item(*row, checksums.get(row[0])) for row in found]
    regions = len({v.tidy_region(region).casefold() for _, region in rows})
    return Sample(start, end, percent, seed, len(rows), regions, items)


@use_case
def record(actor: User, sample: Sample, how: str) -> None:
    """The draw, in the audit trail: who, the parameters, how many and how it left (`how`:
    api, page or csv)."""
    require_permission(perm.can_draw_inspection_sample(actor))
    count = len(sample.items)
    p = sample.parameters()
    audit(
        None,
        actor,
        "inspection_sample.drawn",
        f"Drew an inspection sample of {count} review{'s' if count != 1 else ''} "
        f"({p['percent']}% of {sample.candidates}, notified {p['from']} to {p['to']}, "
        f"seed {p['seed']}) as {how}",
        {**p, "count": count, "candidates": sample.candidates, "via": how},
    )


def sample(actor: User, data: dict[str, Any], how: str) -> Sample:
    """Draw the sample and record the draw: what every face calls."""
    drawn = draw(actor, data)
    record(actor, drawn, how)
    return drawn
