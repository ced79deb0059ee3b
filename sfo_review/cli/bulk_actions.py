"""The action plan of one synthetic review (api-v1.1 §B), and the set-based rows written once
every review is in: recurrences between reviews of the same PDU and the owners' reminders.

Each action has an owner account (a leadership user; `owner` stays the owner's title), the
systemic factors it addresses, a success measure and a review date. Approved and closed
reviews obey the action balance rule (every factor linked to an insufficient finding is
addressed by an action of its level or above); their plan was agreed at approval
(`agreed_at`), bar the odd action leadership added afterwards. Actions of approved reviews
are open, in progress (some sent back by a verifier), done, or verified by someone who is
not the owner; a review is closed only once every action is verified.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, insert, select, text

from sfo_review.cli import bulk_data as data
from sfo_review.extensions import db
from sfo_review.models import Action, ActionRecurrence, Review, SystemicFactor
from sfo_review.models.action import action_systemic_factors

if TYPE_CHECKING:
    from sfo_review.cli.bulk_content import ContentMaker

# The action levels that address a factor of each level (api-v1.1 §B, the balance rule).
ADDRESSED_BY: dict[str, tuple[str, ...]] = {
    "team": ("pdu", "regional", "national"),
    "organisational": ("regional", "national"),
    "partnership": ("regional", "national"),
    "national": ("national",),
}
LEVEL_WEIGHTS = {"pdu": 50, "regional": 32, "national": 18}
FINISHED = ("approved", "closed")
COMPLETED = ("done", "verified")


class PlanMaker:
    """The actions of one review, as rows (called by ContentMaker once findings exist)."""

    def __init__(self, content: ContentMaker, findings: list[int], insufficient: set[int]):
        self.c = content
        self.rng = content.rng
        self.maker = content.maker
        self.findings = findings
        self.approved = content.t.approved
        # systemic factor id: the findings judged insufficient that link it
        self.blamed_factors = {
            row["systemic_factor_id"]
            for row in content.rows["finding_systemic_factors"]
            if row["finding_id"] in insufficient
        }

    def make(self) -> None:
        rng = self.rng
        if self.c.t.status == "in_review" and rng.random() < 0.6:
            return
        plan: list[tuple[str, list[int]]] = []  # (level, factors addressed)
        for factor in sorted(self.c.level_of):
            needed = factor in self.blamed_factors or self.c.t.status in FINISHED
            if not needed and rng.random() < 0.5:
                continue
            allowed = ADDRESSED_BY[self.c.level_of[factor]]
            shared = [p for p in plan if p[0] in allowed and rng.random() < 0.4]
            if shared:
                shared[0][1].append(factor)
                continue
            level = rng.choices(allowed, [LEVEL_WEIGHTS[a] for a in allowed])[0]
            plan.append((level, [factor]))
        if rng.random() < 0.2:  # an action on the findings alone (the officer's own learning)
            plan.append(("pdu", []))
        mine = []
        for n, (level, factors) in enumerate(plan):
            late_addition = self.approved is not None and n > 0 and rng.random() < 0.08
            mine.append(self._write(level, factors, late_addition))
        self._close_when_verified(mine)

    def _close_when_verified(self, mine: list[dict[str, Any]]) -> None:
        """Closed a week after the last verification, once every action is verified."""
        if not (self.approved and mine and all(a["status"] == "verified" for a in mine)):
            return
        if (self.maker.today - self.approved).days <= 120:
            return
        last = max(a["verified_at"] for a in mine).date()
        self.c.review["status"] = "closed"
        self.c.review["closed_at"] = data.at(min(last + timedelta(days=7), self.maker.today))

    def _write(self, level: str, factors: list[int], late_addition: bool) -> dict[str, Any]:
        rng, maker = self.rng, self.maker
        approved = self.approved
        start = approved or self.c.t.notified + timedelta(days=40)
        if late_addition and approved is not None:
            start = min(approved + timedelta(days=rng.randrange(10, 120)), maker.today)
        due = start + timedelta(days=rng.randrange(30, 300))
        status = self._status(due)
        owner = rng.choice(maker.users["leadership"])
        finished = max(min(due + timedelta(days=rng.randrange(-40, 30)), maker.today), start)
        verified = min(finished + timedelta(days=rng.randrange(3, 40)), maker.today)
        sent_back = status == "in_progress" and rng.random() < 0.2
        action_id = maker._id("actions")
        row: dict[str, Any] = {
            "id": action_id,
            "review_id": self.c.review_id,
            "description": rng.choice(data.ACTIONS[level]),
            "owner": rng.choice(data.OWNERS[level]),
            "owner_id": owner,
            "level": level,
            "due_date": due,
            "review_date": due + timedelta(days=rng.randrange(30, 120)),
            "success_measure": rng.choice(data.SUCCESS_MEASURES),
            "status": status,
            "completion_note": data.COMPLETION if status in COMPLETED else None,
            "completed_at": data.at(finished, 14) if status in COMPLETED else None,
            "verification_note": data.VERIFICATION if status == "verified" else None,
            "verified_at": data.at(verified, 16) if status == "verified" else None,
            "verified_by_id": self._verifier(owner) if status == "verified" else None,
            "sent_back_reason": data.SENT_BACK if sent_back else None,
            "sent_back_at": data.at(finished, 16) if sent_back else None,
            "agreed_at": data.at(approved, 15) if approved and not late_addition else None,
            **data.stamps(start),
        }
        self.c.rows["actions"].append(row)
        for factor in factors:
            self.c.rows["action_systemic_factors"].append(
                {"action_id": action_id, "systemic_factor_id": factor}
            )
        self._reminders(action_id, start, due, status)
        for finding in rng.sample(self.findings, min(len(self.findings), rng.randrange(1, 3))):
            self.c.rows["action_findings"].append({"action_id": action_id, "finding_id": finding})
        return row

    def _reminders(self, action_id: int, start: date, due: date, status: str) -> None:
        """What `send-reminders` would have sent by today: `assigned` to every owner; for
        an agreed plan, `due_soon` 10 working days (about 14 days) before the due date and
        `overdue` after it while not done (one of each kind per action)."""
        today = self.maker.today
        sent = [("assigned", start)]
        if self.approved is not None:
            if due - timedelta(days=14) <= today:
                sent.append(("due_soon", max(due - timedelta(days=14), start)))
            if due < today and status not in COMPLETED:
                sent.append(("overdue", due + timedelta(days=1)))
        for kind, day in sent:
            self.c.rows["action_reminders"].append(
                {"action_id": action_id, "kind": kind, "sent_at": data.at(day, 7)}
            )

    def _verifier(self, owner: int) -> int:
        pool = [u for u in self.maker.users["leadership"] if u != owner]
        return self.rng.choice(pool + self.maker.users["quality_assurer"])

    def _status(self, due: date) -> str:
        if self.approved is None:
            return "open"
        late = (self.maker.today - due).days
        done_chance = 0.9 if late > 60 else 0.6 if late > 0 else 0.3
        roll = self.rng.random()
        if roll < done_chance:
            # checked by someone else some weeks later: most older ones are verified
            return "verified" if self.rng.random() < (0.8 if late > 30 else 0.4) else "done"
        return "in_progress" if roll < done_chance + (1 - done_chance) / 2 else "open"


def add_recurrences(first_review_id: int) -> int:
    """Lessons not learned, set-based: for each approved or closed review of this run, each
    action of an earlier-approved review in the same PDU that addressed a factor of the same
    category and was done or verified before the later review's notification date."""
    later, earlier = Review.__table__.alias("later"), Review.__table__.alias("earlier")
    later_factor = SystemicFactor.__table__.alias("later_factor")
    earlier_factor = SystemicFactor.__table__.alias("earlier_factor")
    action = Action.__table__.alias("done_action")
    found = (
        select(action.c.id, later.c.id, later_factor.c.category, later.c.approved_at)
        .select_from(later)
        .join(later_factor, later_factor.c.review_id == later.c.id)
        .join(
            earlier,
            and_(
                earlier.c.pdu == later.c.pdu,
                earlier.c.status.in_(FINISHED),
                earlier.c.approved_at < later.c.approved_at,
            ),
        )
        .join(
            earlier_factor,
            and_(
                earlier_factor.c.review_id == earlier.c.id,
                earlier_factor.c.category == later_factor.c.category,
            ),
        )
        .join(
            action_systemic_factors,
            action_systemic_factors.c.systemic_factor_id == earlier_factor.c.id,
        )
        .join(
            action,
            and_(
                action.c.id == action_systemic_factors.c.action_id,
                action.c.status.in_(COMPLETED),
                action.c.completed_at < later.c.notification_date,
            ),
        )
        .where(later.c.id >= first_review_id, later.c.status.in_(FINISHED))
        .distinct()
    )
    if db.session.get_bind().dialect.name == "postgresql":
        # Statistics of the rows just written, or the planner guesses nested loops over
        # tens of thousands of rows and the insert outruns the statement timeout.
        db.session.execute(
            text("ANALYZE reviews, systemic_factors, action_systemic_factors, actions")
        )
    table = ActionRecurrence.__table__
    before = db.session.scalar(select(func.count()).select_from(table)) or 0
    db.session.execute(
        insert(table).from_select(["action_id", "review_id", "category", "recorded_at"], found)
    )
    return int(db.session.scalar(select(func.count()).select_from(table)) or 0) - before
