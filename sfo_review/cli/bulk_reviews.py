"""One synthetic review at a time, with everything on it, as rows for Core inserts."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from sfo_review import vocab
from sfo_review.cli import bulk_data as data
from sfo_review.cli.bulk_content import STAGES, ContentMaker, Rows, Timeline, at, stamps
from sfo_review.services.deadlines import add_working_days

# Status by the review's age in days: (younger than, weights over STAGES[:4]); "approved"
# becomes "closed" later once every action is done.
BY_AGE = (
    (40, (90, 10, 0, 0)),
    (90, (45, 30, 20, 5)),
    (200, (15, 15, 15, 55)),
    (10**6, (3, 2, 3, 92)),
)

# Ratings against the inspectorate's standards (api-v1.1 C), weights over RATING_SCALE.
RATING_SCALE = vocab.keys(vocab.RATINGS)  # outstanding, good, requires improvement, inadequate
RATING_WEIGHTS = {
    "analysis_of_practice": (8, 50, 32, 10),
    "overall_judgements": (6, 52, 32, 10),
    "learning": (5, 45, 38, 12),
    "victims_and_families": (3, 35, 42, 20),
}
RATING_RATIONALES = {
    "outstanding": "Thorough, balanced and well evidenced: a model for other reviews to follow.",
    "good": "Clear and supported by the evidence, with minor gaps that do not change the "
    "conclusions.",
    "requires_improvement": "The analysis is mostly sound but some conclusions go beyond the "
    "evidence recorded.",
    "inadequate": "Important questions are not answered and the conclusions are not supported "
    "by the evidence.",
}


class ReviewMaker:
    def __init__(
        self,
        rng: random.Random,
        today: date,
        users: dict[str, list[int]],
        next_ids: dict[str, int],
        last_reference: dict[int, int],
        working_days: int,
    ) -> None:
        self.rng = rng
        self.today = today
        self.users = users
        self.ids = next_ids
        self.last_reference = last_reference
        self.working_days = working_days
        self.first_day = date(today.year - 5, 4, 1)
        self.regions = [r for r, _, _ in data.REGIONS]
        self.region_weights = [w for _, w, _ in data.REGIONS]
        self.pdus = {r: pdus for r, _, pdus in data.REGIONS}
        self.categories = {r: self._category_weights(r) for r in self.regions}
        self._due: dict[date, date] = {}

    # -- helpers -------------------------------------------------------------------------

    def _category_weights(self, region: str) -> tuple[list[str], list[int]]:
        weights = dict(data.FACTOR_WEIGHTS)
        for key, extra in data.REGION_TILTS.get(region, {}).items():
            weights[key] += extra
        return list(weights), list(weights.values())

    def _id(self, table: str) -> int:
        value = self.ids[table]
        self.ids[table] = value + 1
        return value

    def _due_date(self, notified: date) -> date:
        if notified not in self._due:
            self._due[notified] = add_working_days(notified, self.working_days)
        return self._due[notified]

    def _reference(self, year: int) -> str:
        number = self.last_reference.get(year, 0) + 1
        if number > 9999:
            raise ValueError(f"More than 9,999 reviews notified in {year}: use fewer reviews")
        self.last_reference[year] = number
        return f"SFO-{year}-{number:04d}"

    def _pick(self, role: str) -> int:
        return self.rng.choice(self.users[role])

    # -- the review ----------------------------------------------------------------------

    def _timeline(self, in_review: bool = False) -> Timeline:
        span = (self.today - timedelta(days=1) - self.first_day).days
        if in_review:  # a review still being written: notified in the last few weeks
            span = min(span, 30)
            notified = self.today - timedelta(days=1 + self.rng.randrange(span))
            return Timeline(notified, "in_review", self._due_date(notified), None)
        # Notifications rise year on year (478 → 770 → 872 nationally): more recent ones.
        notified = self.first_day + timedelta(days=int(self.rng.triangular(0, span, span)))
        age = (self.today - notified).days
        weights = next(w for limit, w in BY_AGE if age < limit)
        status = self.rng.choices(STAGES[:4], weights)[0]
        due = self._due_date(notified)
        approved = None
        if status == "approved":
            took = int(self.rng.lognormvariate(4.6, 0.35))  # about 100 days, a long tail
            approved = notified + timedelta(days=max(30, min(took, age - 1)))
        return Timeline(notified, status, due, approved)

    def review(self, rows: Rows, in_review: bool = False) -> dict[str, Any]:
        """Add one review and everything on it to `rows`; returns the review's row.
        `in_review`: one still being written (its chronology open to edits)."""
        rng = self.rng
        t = self._timeline(in_review)
        region = rng.choices(self.regions, self.region_weights)[0]
        category = rng.choices(list(data.OFFENCES), data.OFFENCE_WEIGHTS)[0]
        review_id = self._id("reviews")
        reviewer = self._pick("reviewer")
        countersigner = self._pick("quality_assurer") if t.status != "in_review" else None
        reached_qa = t.status in ("quality_assurance", "approved")
        row: dict[str, Any] = {
            "id": review_id,
            "reference": self._reference(t.notified.year),
            "case_reference": f"{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}{rng.randrange(10**6):06d}",
            "person_initials": "".join(rng.choices("ABCDEFGHJKLMNPRSTW", k=rng.choice((2, 2, 3)))),
            "offence_charged": data.OFFENCES[category],
            "offence_category": category,
            "charge_date": t.notified - timedelta(days=rng.randrange(0, 4)),
            "notification_date": t.notified,
            "region": region,
            "pdu": rng.choice(self.pdus[region]),
            "sentence_type": rng.choice(vocab.keys(vocab.SENTENCE_TYPES)),
            "rosh_level": rng.choices(vocab.keys(vocab.ROSH_LEVELS), (5, 35, 45, 15))[0],
            "status": t.status,
            "due_date": t.due,
            "effective_due_date": t.due,
            "overall_judgement": (
                "All reasonable steps were not taken to manage the risk: the assessment was "
                "not revisited when the police information arrived."
                if reached_qa
                else None
            ),
            # api-v1.1 C: written (plainly: its check is empty) by quality assurance
            "family_summary": (
                "We are sorry for what happened to your family. The review found that the "
                "risk was not looked at again when the police shared new information."
                if reached_qa
                else None
            ),
            "return_reason": None,
            "factual_accuracy_ends_on": (
                add_working_days(t.notified + timedelta(days=35), 10)
                if t.status != "in_review"
                else None
            ),
            "reviewer_id": reviewer,
            "created_by_id": reviewer,
            "countersigner_id": countersigner if reached_qa else None,
            "approved_by_id": countersigner if t.approved else None,
            "approved_at": at(t.approved, 15) if t.approved else None,
            "closed_at": None,
            **stamps(t.notified),
        }
        rows["reviews"].append(row)
        if t.approved:
            rows["review_ratings"] += self._ratings(
                review_id, row["approved_by_id"], row["approved_at"]
            )
        rows["audit_events"].append(self._audit(review_id, reviewer, t.notified))
        people = self._participants(rows, review_id, t)
        ContentMaker(self, rows, row, t, people).make()
        self._extensions(rows, row, t, reviewer)
        return row

    def _ratings(self, review_id: int, rater: int | None, at_: datetime) -> list[dict[str, Any]]:
        """Quality assurance's ratings given at approval (api-v1.1 C): most reviews good or
        requiring improvement on each standard, victims and families weakest (as the
        inspectorate finds), overall the middle of the four."""
        given = {
            standard: self.rng.choices(RATING_SCALE, weights)[0]
            for standard, weights in RATING_WEIGHTS.items()
        }
        middle = sorted(given.values(), key=RATING_SCALE.index)[len(given) // 2]
        given["overall"] = middle
        return [
            {
                "review_id": review_id,
                "standard": standard,
                "rating": rating,
                "rationale": RATING_RATIONALES[rating],
                "rated_by_id": rater,
                "rated_at": at_,
            }
            for standard, rating in given.items()
        ]

    def _audit(self, review_id: int, reviewer: int, day: date) -> dict[str, Any]:
        return {
            "id": self._id("audit_events"),
            "review_id": review_id,
            "user_id": reviewer,
            "action": "review.created",
            "summary": "Created review (synthetic data from flask seed-bulk)",
            "detail": None,
            "created_at": at(day, 9),
        }

    def _participants(self, rows: Rows, review_id: int, t: Timeline) -> list[tuple[int, str]]:
        roles = ["responsible_officer", "line_manager"]
        roles += ["previous_officer"] * self.rng.choice((0, 0, 1))
        officers = self.rng.sample(self.users["officer"], len(roles))
        people = []
        for user_id, role in zip(officers, roles, strict=True):
            pid = self._id("participants")
            rows["participants"].append(
                {
                    "id": pid,
                    "review_id": review_id,
                    "user_id": user_id,
                    "role_in_case": role,
                    "created_at": at(t.notified, 11),
                    # Past factual accuracy everyone had their say (api-v1.1 A).
                    "factual_accuracy_done_at": (
                        at(t.notified + timedelta(days=40), 12)
                        if t.status not in ("in_review", "factual_accuracy")
                        else None
                    ),
                }
            )
            people.append((pid, role))
            # Every participant's statement was in before factual accuracy (api-v1.1 A).
            if t.status != "in_review":
                rows["statements"].append(self._statement(review_id, user_id, t.notified))
        return people

    def _statement(self, review_id: int, author: int, notified: date) -> dict[str, Any]:
        submitted = at(notified + timedelta(days=20), 16)
        return {
            "id": self._id("statements"),
            "review_id": review_id,
            "author_id": author,
            "body": "I held more cases than the agreed maximum and was covering a vacant "
            "caseload; supervision was cancelled twice in the period.",
            "status": "submitted",
            "submitted_at": submitted,
            "decline_reason": None,
            "declined_at": None,
            "include_in_report": "full",
            "summary": None,
            **stamps(notified + timedelta(days=20)),
        }

    def _extensions(self, rows: Rows, review: dict[str, Any], t: Timeline, asker: int) -> None:
        """Agreed, refused and pending extensions; the deadline in force follows them."""
        rng = self.rng
        end = t.approved or self.today
        if end <= t.due or rng.random() < 0.15:
            return  # on time, or late without asking
        decider = self._pick("quality_assurer")
        if rng.random() < 0.2:
            self._extension(
                rows, review, t.due, t.due + timedelta(days=28), "refused", asker, decider
            )
        if t.approved:
            new_due = t.approved + timedelta(days=rng.randrange(0, 21))
            self._extension(rows, review, t.due, new_due, "agreed", asker, decider)
            review["effective_due_date"] = new_due
        elif rng.random() < 0.75:
            new_due = t.due + timedelta(days=rng.randrange(20, 240))
            self._extension(rows, review, t.due, new_due, "agreed", asker, decider)
            review["effective_due_date"] = new_due
        else:
            pending = self.today + timedelta(days=rng.randrange(14, 60))
            self._extension(rows, review, t.due, pending, "requested", asker, None)

    def _extension(
        self,
        rows: Rows,
        review: dict[str, Any],
        previous: date,
        new: date,
        status: str,
        asker: int,
        decider: int | None,
    ) -> None:
        asked = min(previous - timedelta(days=10), self.today)
        rows["deadline_extensions"].append(
            {
                "id": self._id("deadline_extensions"),
                "review_id": review["id"],
                "reason": "Interviews with partner agencies could not be arranged before the "
                "deadline; the police disclosure arrived late.",
                "previous_due_date": previous,
                "new_due_date": new,
                "status": status,
                "requested_by_id": asker,
                "requested_at": at(asked, 12),
                "decided_by_id": decider,
                "decided_at": at(asked + timedelta(days=3), 12) if decider else None,
                "decision_note": None if decider is None else "Decided on the reasons given.",
                **stamps(asked),
            }
        )
