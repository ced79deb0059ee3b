"""A small set of reviews whose every figure was worked out by hand (see `five_reviews`).

`today` is fixed at 30 June 2026 (overdue is counted against it). Content is added through
the real services while each review is in review; statuses, approval dates and extensions
are then set on the rows, as the lifecycle and the extension service would have left them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from sfo_review.extensions import db as _db
from sfo_review.models import DeadlineExtension, Review, User
from sfo_review.services import evidence, findings, reviews
from sfo_review.services.figures import cache
from tests.api.conftest import api, cli_user, token_for  # noqa: F401 - the API fixtures too
from tests.helpers_actions import add_action

TODAY = date(2026, 6, 30)
NOTE_100 = "n" * 100
NOTE_99_PADDED = "  \n" + "n" * 99 + "\u3000\t "  # 99 characters once stripped


@pytest.fixture(autouse=True)
def fixed_today(on_day: Callable[[date | None], None]) -> date:
    on_day(TODAY)
    cache.clear_local()
    return TODAY


CONTEXT = {
    "period_start": "2025-06-01",
    "period_end": "2025-10-01",
    "high_risk_count": 5,
    "grade": "probation_officer",
    "months_in_role": 24,
    "team_vacancy_percent": 10,
    "officer_changes_on_case": 1,
}


# Fixtures of this folder that tests/snapshots.py may count as pure: the day fixed for every
# test here, and `five_reviews` (whose build, `five_reviews_built`, is kept once per module).
SNAPSHOT_PURE = {"fixed_today", "five_reviews"}


class Builder:
    def __init__(
        self,
        make_user: Callable[..., User],
        make_review: Callable[..., Review],
        reviewer: User | None = None,
    ):
        self.make_user = make_user
        self.make_review = make_review
        self.reviewer = reviewer or make_user("reviewer")

    def review(self, region: str, pdu: str, notified: str) -> Review:
        day = date.fromisoformat(notified)
        return self.make_review(
            self.reviewer,
            region=region,
            pdu=pdu,
            notification_date=notified,
            charge_date=(day - timedelta(days=2)).isoformat(),
        )

    def context(self, review: Review, cases: int, wmt: int, sessions: int) -> int:
        officer = self.make_user("officer")
        person = reviews.add_participant(
            self.reviewer, review, {"email": officer.email, "role_in_case": "responsible_officer"}
        )
        made = evidence.add_caseload_context(
            self.reviewer,
            review,
            {
                **CONTEXT,
                "participant_id": person.id,
                "caseload_count": cases,
                "workload_percent": wmt,
                "management_oversight_sessions": sessions,
            },
        )
        return made.id

    def factor(self, review: Review, category: str, level: str) -> int:
        made = evidence.add_systemic_factor(
            self.reviewer, review, {"category": category, "level": level, "description": "Seen"}
        )
        return made.id

    def finding(self, review: Review, attribution: list[str], **links: Any) -> int:
        made = findings.add_finding(
            self.reviewer,
            review,
            {
                "title": "Finding",
                "practice_area": "assessment",
                "judgement": "insufficient",
                "narrative": "What happened.",
                "attribution": attribution,
                # An individual shortfall names whom it is about (api-v1.1 A).
                "subject_participant_ids": [p.id for p in review.participants[:1]]
                if "individual" in attribution
                else [],
                **links,
            },
        )
        return made.id

    def action(self, review: Review, level: str, owner: str, due: str) -> Any:
        return add_action(
            self.reviewer,
            review,
            {"description": "Do it", "owner": owner, "level": level, "due_date": due},
        )

    def extension(self, review: Review, status: str, new_due: str) -> None:
        _db.session.add(
            DeadlineExtension(
                review=review,
                reason="Late police disclosure",
                previous_due_date=review.due_date,
                new_due_date=date.fromisoformat(new_due),
                status=status,
                requested_by_id=self.reviewer.id,
            )
        )
        _db.session.commit()


def settle(review: Review, status: str, approved_after: int | None = None, due: str | None = None):
    """Leave the review as the lifecycle would: its status, approval date, deadline in force."""
    review.status = status
    if approved_after is not None:
        day = review.notification_date + timedelta(days=approved_after)
        review.approved_at = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    if due is not None:
        review.effective_due_date = date.fromisoformat(due)
    _db.session.commit()


@pytest.fixture
def five_reviews(five_reviews_built, make_user, make_review) -> dict[str, Any]:
    """The five reviews (see five_reviews_built), and a Builder to add to them."""
    built = five_reviews_built()
    return {**built, "builder": Builder(make_user, make_review, built["reviewer"])}


@pytest.fixture
def five_reviews_built(make_user, make_review) -> Callable[[], dict[str, Any]]:
    """Builds the five reviews (a builder of tests/snapshots.py: built once per module).

    R1 London/Camden 2026-01-05 approved after 60 days, agreed extension;
    R2 London/Hackney 2026-02-02 approved after 90 days; R3 Wales/Gwent 2025-11-10 closed
    after 120 days; R4 Wales/Gwent 2026-03-01 in review, due 2026-05-26 (overdue), a refused
    and a pending extension; R5 London/Camden 2026-05-01 at factual accuracy, agreed
    extension to 2026-07-24 (not overdue)."""
    return lambda: _five_reviews(Builder(make_user, make_review))


def _five_reviews(b: Builder) -> dict[str, Any]:
    r1 = b.review("London", "Camden and Islington", "2026-01-05")
    r2 = b.review("London", "Hackney and City", "2026-02-02")
    r3 = b.review("Wales", "Gwent", "2025-11-10")
    r4 = b.review("Wales", "Gwent", "2026-03-01")
    r5 = b.review("London", "Camden and Islington", "2026-05-01")
    officer_context = b.context(r1, 58, 143, 1)
    b.context(r2, 75, 110, 0)
    b.context(r3, 30, 90, 4)
    b.context(r4, 61, 111, 7)
    workload = b.factor(r1, "workload_and_capacity", "team")
    b.factor(r1, "staffing_experience_and_allocation", "organisational")
    b.factor(r2, "workload_and_capacity", "team")
    b.factor(r3, "information_sharing_and_partnerships", "partnership")
    b.factor(r3, "workload_and_capacity", "organisational")
    b.factor(r4, "it_systems_and_data", "national")
    # weighed (rule 2): a factor, and the caseload context of its subject (R1's officer)
    b.finding(
        r1,
        ["individual", "team"],
        systemic_factor_ids=[workload],
        caseload_context_ids=[officer_context],
    )
    b.finding(r1, ["organisational"])
    b.finding(r2, ["individual"], context_note=NOTE_100)
    b.finding(r3, ["partnership"])
    b.finding(r4, ["individual"])
    b.finding(r4, ["individual"], context_note=NOTE_99_PADDED)
    b.finding(r5, ["national", "organisational"])
    a1 = b.action(r1, "national", "HMPPS policy", "2026-04-01")
    a2 = b.action(r1, "pdu", "Head of PDU", "2026-09-01")
    a3 = b.action(r3, "national", "HMPPS policy", "2026-01-01")
    b.action(r4, "regional", "Regional director", "2026-01-01")  # a draft plan: not counted
    a2.status = "in_progress"
    a3.status, a3.completion_note = "done", "Guidance reissued to every team"
    a3.completed_at = datetime(2026, 1, 20, 12, tzinfo=UTC)
    _db.session.commit()
    b.extension(r1, "agreed", "2026-04-30")
    b.extension(r4, "refused", "2026-07-31")
    b.extension(r4, "requested", "2026-08-31")
    b.extension(r5, "agreed", "2026-07-24")
    settle(r1, "approved", 60, "2026-04-30")
    settle(r2, "approved", 90)
    settle(r3, "closed", 120)
    settle(r4, "in_review", due="2026-05-26")
    settle(r5, "factual_accuracy", due="2026-07-24")
    return {"reviews": [r1, r2, r3, r4, r5], "actions": [a1, a2, a3], "reviewer": b.reviewer}
