"""A period's worth of reviews for the inspection sample (see `sample_world`)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from sfo_review.extensions import db as _db
from sfo_review.models import ReportSnapshot, Review, User
from tests.api.conftest import api, cli_user, token_for  # noqa: F401 - the API fixtures too

PERIOD = {"from": "2024-01-01", "to": "2024-12-31"}


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def snapshot(review: Review, variant: str, fmt: str, text: str) -> None:
    _db.session.add(
        ReportSnapshot(
            review_id=review.id, variant=variant, format=fmt, pdf=text.encode(), sha256=sha(text)
        )
    )


# tests/snapshots.py: `sample_world` only calls its builder.
SNAPSHOT_PURE = {"sample_world"}


@pytest.fixture
def sample_world(sample_world_built: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The period's reviews (see _sample_world), built once per module."""
    return sample_world_built()


@pytest.fixture
def sample_world_built(
    make_user: Callable[..., User], make_review: Callable[..., Review]
) -> Callable[[], dict[str, Any]]:
    """Builds `sample_world` (a builder of tests/snapshots.py: kept, and copied in for each
    later test of the module)."""
    return lambda: _sample_world(make_user, make_review)


def _sample_world(
    make_user: Callable[..., User], make_review: Callable[..., Review]
) -> dict[str, Any]:
    """Ten candidates notified in 2024 and approved or closed: London 6 (one notified on
    1 January, the first day), Wales 3 (one on 31 December, the last day), North East 1.
    Not candidates: a London review in review and one at factual accuracy (in the period),
    a Wales review approved but notified 31 December 2023 and one closed but notified
    1 January 2025. Every candidate but the North East one has its approved full report
    stored (and an archival copy and a family summary with other checksums)."""
    reviewer = make_user("reviewer")

    def review(region: str, notified: str, status: str) -> Review:
        day = date.fromisoformat(notified)
        made = make_review(
            reviewer,
            region=region,
            pdu=f"{region} PDU",
            notification_date=notified,
            charge_date=(day - timedelta(days=2)).isoformat(),
        )
        made.status = status
        if status in ("approved", "closed"):
            made.approved_at = datetime(day.year, day.month, day.day, 12, tzinfo=UTC) + timedelta(
                days=90
            )
        return made

    london = [review("London", f"2024-{m:02d}-15", "approved") for m in range(2, 7)]
    london.insert(0, review("London", "2024-01-01", "closed"))
    wales = [review("Wales", "2024-03-10", "closed"), review("Wales", "2024-07-10", "approved")]
    wales.append(review("Wales", "2024-12-31", "approved"))
    north_east = review("North East", "2024-05-05", "approved")
    others = [
        review("London", "2024-05-01", "in_review"),
        review("London", "2024-05-02", "factual_accuracy"),
        review("Wales", "2023-12-31", "approved"),
        review("Wales", "2025-01-01", "closed"),
    ]
    for r in [*london, *wales]:
        snapshot(r, "full", "standard", f"full {r.reference}")
        snapshot(r, "full", "archival", f"archival {r.reference}")
        snapshot(r, "family_summary", "standard", f"family {r.reference}")
    _db.session.commit()
    candidates = [*london, *wales, north_east]
    return {
        "candidates": candidates,
        "ids": sorted(r.id for r in candidates),
        "regions": {r.id: r.region for r in candidates},
        "others": others,
        "north_east": north_east,
    }


def expected(rows: dict[int, str], percent: int, seed: int) -> list[int]:
    """The documented rule, written again here: order by SHA-256 of "<seed>:<id>"; each
    region's first; then in order up to ceil(percent% of the candidates)."""
    ordered = sorted(rows, key=lambda i: (sha(f"{seed}:{i}"), i))
    chosen: list[int] = []
    for i in ordered:
        if rows[i] not in {rows[c] for c in chosen}:
            chosen.append(i)
    size = -(-len(rows) * percent // 100)
    for i in ordered:
        if len(chosen) >= size:
            break
        if i not in chosen:
            chosen.append(i)
    return sorted(chosen)
