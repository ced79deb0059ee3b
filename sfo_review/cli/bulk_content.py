"""The content of one synthetic review: chronology, caseload contexts, systemic factors,
findings linked to them (balanced wherever the lifecycle demands it) and the action plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from sfo_review import lifecycle, vocab
from sfo_review.cli import bulk_data as data
from sfo_review.cli.bulk_actions import PlanMaker
from sfo_review.cli.bulk_data import at, stamps

if TYPE_CHECKING:
    from sfo_review.cli.bulk_reviews import ReviewMaker

GRADES = vocab.keys(vocab.GRADES)

Rows = dict[str, list[dict[str, Any]]]
KNOWN = ("yes", "no", "unclear")
STAGES = ("in_review", "factual_accuracy", "quality_assurance", "approved", "closed")
ATTRIBUTIONS = (
    (["individual", "team"], 20),
    (["individual", "organisational"], 14),
    (["individual"], 8),
    (["team"], 14),
    (["organisational"], 16),
    (["organisational", "partnership"], 10),
    (["partnership"], 8),
    (["national"], 6),
    (["organisational", "national"], 4),
)
# Who gets blamed (api-v1.1 B): findings fall on an individual more often when the
# responsible officer was new in role or overloaded, as the inspectorate keeps finding.
BLAME_TILT = {True: 2.0, False: 0.2}  # vulnerable officer?
# Grades (vocab.GRADES' order): new starters are mostly trainees (PQiP) and PSOs.
GRADE_WEIGHTS = (45, 30, 12, 8, 5)
NEW_GRADES = (15, 35, 38, 0, 12)
# Months in role of the people in reviews: many new starters (PQiP and PSO turnover).
MONTHS_BANDS: tuple[tuple[tuple[int, int], int], ...] = (
    ((1, 11), 22),
    ((12, 24), 20),
    ((25, 180), 58),
)


@dataclass
class Timeline:
    notified: date
    status: str
    due: date
    approved: date | None


class ContentMaker:
    def __init__(
        self,
        maker: ReviewMaker,
        rows: Rows,
        review: dict[str, Any],
        t: Timeline,
        people: list[tuple[int, str]],
    ) -> None:
        self.maker = maker
        self.rng = maker.rng
        self.rows = rows
        self.review = review
        self.t = t
        self.people = people
        self.review_id: int = review["id"]
        self.charged: date = review["charge_date"]
        self.known: list[int] = []  # chronology entries known at the time
        self.context_of: dict[int, int] = {}  # participant id: their caseload context
        self.level_of: dict[int, str] = {}  # systemic factor id: its level
        self.insufficient: set[int] = set()  # findings judged insufficient
        self.vulnerable = False  # the responsible officer new in role or overloaded

    def make(self) -> None:
        entries = self._chronology()
        contexts = self._contexts()
        factors = self._factors()
        findings = self._findings(entries, contexts, factors)
        PlanMaker(self, findings, self.insufficient).make()

    def _chronology(self) -> list[int]:
        ids = []
        start = self.charged - timedelta(days=200)
        for number in range(self.rng.randrange(4, 9)):
            entry_id = self.maker._id("chronology_entries")
            ids.append(entry_id)
            # Was it known to the practitioner then? The first entry always was.
            known = "yes" if number == 0 else self.rng.choices(KNOWN, (60, 25, 15))[0]
            if known == "yes":
                self.known.append(entry_id)
            self.rows["chronology_entries"].append(
                {
                    "id": entry_id,
                    "review_id": self.review_id,
                    "occurred_on": start + timedelta(days=self.rng.randrange(0, 200)),
                    "source": self.rng.choice(data.SOURCES),
                    "summary": self.rng.choice(data.CHRONOLOGY),
                    "significant": self.rng.random() < 0.4,
                    "known_at_the_time": known,
                    **stamps(self.t.notified),
                }
            )
        return ids

    def _contexts(self) -> list[int]:
        """The working conditions of each officer who held the case (and sometimes the SPO)."""
        rng = self.rng
        ids = []
        for participant_id, role in self.people:
            if role == "line_manager" and rng.random() < 0.7:
                continue
            cases = max(8, min(140, int(rng.gauss(57, 14))))
            wmt = max(40, min(220, int(rng.gauss(118, 22))))
            low, high = rng.choices([b for b, _ in MONTHS_BANDS], [w for _, w in MONTHS_BANDS])[0]
            months = rng.randint(low, high)
            if role == "responsible_officer":
                self.vulnerable = months < 12 or cases > 72 or wmt > 150
            context_id = self.maker._id("caseload_contexts")
            ids.append(context_id)
            self.context_of[participant_id] = context_id
            self.rows["caseload_contexts"].append(
                {
                    "id": context_id,
                    "review_id": self.review_id,
                    "participant_id": participant_id,
                    "period_start": self.charged - timedelta(days=180),
                    "period_end": self.charged,
                    "caseload_count": cases,
                    "high_risk_count": min(cases, int(cases * rng.uniform(0.05, 0.35))),
                    "workload_percent": wmt,
                    "grade": rng.choices(GRADES, NEW_GRADES if months < 12 else GRADE_WEIGHTS)[0],
                    "months_in_role": months,
                    "team_vacancy_percent": rng.choice((0, 5, 10, 15, 20, 25, 30, 40)),
                    "officer_changes_on_case": rng.choices((0, 1, 2, 3, 4), (30, 30, 20, 12, 8))[0],
                    "management_oversight_sessions": rng.choices(
                        (0, 1, 2, 3, 4, 5, 6, 8), (12, 18, 20, 16, 12, 10, 7, 5)
                    )[0],
                    "notes": None,
                    **stamps(self.t.notified),
                }
            )
        return ids

    def _factors(self) -> list[int]:
        rng = self.rng
        keys, weights = self.maker.categories[self.review["region"]]
        chosen = {rng.choices(keys, weights)[0] for _ in range(rng.randrange(1, 6))}
        ids = []
        for key in sorted(chosen):
            factor_id = self.maker._id("systemic_factors")
            ids.append(factor_id)
            level = rng.choice(data.FACTOR_LEVELS.get(key, data.DEFAULT_LEVELS))
            self.level_of[factor_id] = level
            self.rows["systemic_factors"].append(
                {
                    "id": factor_id,
                    "review_id": self.review_id,
                    "category": key,
                    "level": level,
                    "description": f"{vocab.CATEGORY_BY_KEY[key].label}: "
                    f"{vocab.CATEGORY_BY_KEY[key].definition}.",
                    "evidence": "Staffing returns, supervision records and interviews.",
                    **stamps(self.t.notified),
                }
            )
        return ids

    def _findings(self, entries: list[int], contexts: list[int], factors: list[int]) -> list[int]:
        rng = self.rng
        must_balance = self.t.status in ("quality_assurance", "approved")
        ids = []
        for _ in range(rng.randrange(2, 6)):
            finding_id = self.maker._id("findings")
            ids.append(finding_id)
            title, area = rng.choice(data.FINDINGS)
            tilt = BLAME_TILT[self.vulnerable]
            attribution = rng.choices(
                [a for a, _ in ATTRIBUTIONS],
                [w * (tilt if "individual" in a else 1) for a, w in ATTRIBUTIONS],
            )[0]
            judgement = (
                "good_practice"
                if area == "implementation" and rng.random() < 0.2
                else rng.choices(("insufficient", "sufficient"), (75, 25))[0]
            )
            shortfall = judgement == "insufficient" and "individual" in attribution
            if judgement == "insufficient":
                self.insufficient.add(finding_id)
            # An individual shortfall finding is about the responsible officer (api-v1.1 A).
            subject = self.people[0][0] if shortfall else None
            links = self._links(finding_id, attribution, contexts, factors, must_balance, subject)
            self.rows["findings"].append(
                {
                    "id": finding_id,
                    "review_id": self.review_id,
                    "title": title,
                    "practice_area": area,
                    "judgement": judgement,
                    "narrative": "What happened, what should have happened, and why it matters.",
                    "context_note": data.WHY_NO_WIDER_FACTOR if links == "note" else None,
                    **stamps(self.t.notified + timedelta(days=30)),
                }
            )
            for position, key in enumerate(attribution):
                self.rows["finding_attributions"].append(
                    {"finding_id": finding_id, "attribution": key, "position": position}
                )
            linked = rng.sample(entries, min(len(entries), rng.randrange(1, 3)))
            if shortfall and must_balance and not set(linked) & set(self.known):
                linked.append(self.known[0])  # hindsight: something known at the time
            for entry in linked:
                self.rows["finding_chronology_entries"].append(
                    {"finding_id": finding_id, "chronology_entry_id": entry}
                )
            if subject is not None:
                self._individual_side(finding_id, subject, attribution, links, must_balance)
        return ids

    def _individual_side(
        self, finding_id: int, subject: int, attribution: list[str], links: str, must: bool
    ) -> None:
        """Whom an individual shortfall finding is about and its just-culture assessment
        (complete once past factual accuracy; sometimes still missing before)."""
        self.rows["finding_subjects"].append({"finding_id": finding_id, "participant_id": subject})
        if not must and self.rng.random() < 0.3:
            return
        linked_levels = {
            self.level_of[row["systemic_factor_id"]]
            for row in self.rows["finding_systemic_factors"]
            if row["finding_id"] == finding_id
        }
        answers = dict(data.JUST_CULTURE_INDIVIDUAL)
        if links == "linked" and linked_levels & set(attribution):
            answers = dict(data.JUST_CULTURE_SYSTEM)
        answers["outcome"] = lifecycle.just_culture_outcome(SimpleNamespace(**answers))
        self.rows["just_culture_assessments"].append(
            {"finding_id": finding_id, **answers, "updated_at": at(self.t.notified, 12)}
        )

    def _links(
        self,
        finding_id: int,
        attribution: list[str],
        contexts: list[int],
        factors: list[int],
        must_balance: bool,
        subject: int | None = None,
    ) -> str:
        """Link the finding to factors and contexts; returns how it was weighed. A shortfall
        finding about `subject` links their caseload context (the balance rule)."""
        rng = self.rng
        individual = "individual" in attribution
        roll = rng.random()
        if individual and not must_balance and roll < 0.15:
            return "unweighed"  # a draft the reviewer has still to balance
        if individual and roll < 0.25:
            return "note"
        for factor in rng.sample(factors, min(len(factors), rng.randrange(1, 3))):
            self.rows["finding_systemic_factors"].append(
                {"finding_id": finding_id, "systemic_factor_id": factor}
            )
        if subject is not None and subject in self.context_of:
            self.rows["finding_caseload_contexts"].append(
                {"finding_id": finding_id, "caseload_context_id": self.context_of[subject]}
            )
        elif contexts and (individual or rng.random() < 0.3):
            self.rows["finding_caseload_contexts"].append(
                {"finding_id": finding_id, "caseload_context_id": rng.choice(contexts)}
            )
        return "linked"
