"""The who-gets-blamed section as computed before migration 0019 (kept as the reference of
tests/dashboard/test_figures_after_changes.py: every participant in scope, afresh).

Who gets blamed (api-v1.1 §B): the subjects of individual shortfall findings beside every
participant with a caseload context, by grade, months in role, caseload and workload band,
and the subjects by the just-culture outcome of their findings.

What is counted (docs/api-additions.md, "Who gets blamed"):
- a *person* is a participant of one review (a row of `participants`): someone in two
  reviews counts in each, as they do among "all";
- their working conditions are their caseload context in that review; with several (more
  than one period), the latest period's (latest `period_end`, then the latest recorded);
- "all" is every participant with a caseload context; "subjects" are those of them named
  as a subject of at least one individual shortfall finding (judged insufficient,
  attributed to an individual) of the same review, counted once however many findings
  name them. Subjects with no caseload context cannot be placed in a band: they are
  counted apart (`subjects_without_context`).
- `by_just_culture_outcome` counts the same subjects once per outcome among their
  findings (`not_assessed` when a finding has no outcome yet), so it can add up to more
  than `subjects` when one person's findings had different outcomes.
Two queries, whatever the number of reviews.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select

from sfo_review import lifecycle, vocab
from sfo_review.extensions import db
from sfo_review.models import CaseloadContext, Finding, JustCultureAssessment, Review
from sfo_review.models.finding import finding_subjects
from sfo_review.services.figures.just_culture import NOT_ASSESSED, OUTCOMES
from sfo_review.services.figures.scope import Scope


@dataclass(frozen=True)
class Band:
    key: str
    label: str
    low: int | None  # inclusive; None: no lower bound
    high: int | None  # inclusive; None: no upper bound

    def holds(self, value: int) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


# The contract's bands (api-v1.1 §B). Edges, inclusive: 12 and 24 months are 12_to_24,
# 25 is over_24; 50 cases up_to_50, 60 51_to_60; 100% up_to_100, 110% 101_to_110.
MONTHS_IN_ROLE = (
    Band("under_12", "Under 12 months", None, 11),
    Band("12_to_24", "12 to 24 months", 12, 24),
    Band("over_24", "Over 24 months", 25, None),
)
CASELOAD = (
    Band("up_to_50", "Up to 50 cases", None, 50),
    Band("51_to_60", "51 to 60 cases", 51, 60),
    Band("over_60", "Over 60 cases", 61, None),
)
WORKLOAD = (
    Band("up_to_100", "WMT up to 100%", None, 100),
    Band("101_to_110", "WMT 101% to 110%", 101, 110),
    Band("over_110", "WMT over 110%", 111, None),
)
WITHOUT_CONTEXT = "-"  # the outcome query's group of subjects with no caseload context
BREAKDOWNS: dict[str, tuple[Band, ...]] = {
    "by_months_in_role": MONTHS_IN_ROLE,
    "by_caseload": CASELOAD,
    "by_workload": WORKLOAD,
}


def _band_sql(column: Any, bands: tuple[Band, ...]) -> Any:
    """SQL: the key of the band `column` falls in."""
    whens: list[tuple[ColumnElement[bool], str]] = []
    for band in bands[:-1]:
        assert band.high is not None  # noqa: S101 - only the last band is open above
        whens.append((column <= band.high, band.key))
    return case(*whens, else_=bands[-1].key)


def _subject_ids() -> Any:
    """Participants named as a subject of an individual shortfall finding (of their review:
    a subject is always a participant of the finding's review)."""
    return (
        select(finding_subjects.c.participant_id)
        .join(Finding, Finding.id == finding_subjects.c.finding_id)
        .where(lifecycle.finding_is_individual_sql())
    )


def _is_latest_context() -> ColumnElement[bool]:
    """SQL: the context (`CaseloadContext` in the query) is its participant's latest (latest
    period, then latest recorded): no other of theirs is later. An anti-join both databases
    plan well (PostgreSQL hashes it; SQLite probes the participant_id index)."""
    later = CaseloadContext.__table__.alias("later_context")
    return ~exists().where(
        later.c.participant_id == CaseloadContext.participant_id,
        or_(
            later.c.period_end > CaseloadContext.period_end,
            and_(later.c.period_end == CaseloadContext.period_end, later.c.id > CaseloadContext.id),
        ),
    )


def _band_counts(scope: Scope) -> list[tuple[bool, str, str, str, str, int]]:
    """(subject?, grade, months band, caseload band, workload band, people), one query.

    Grouped over a subquery of labelled columns: PostgreSQL would not match a GROUP BY
    that repeats the CASE expressions, whose literals are bound parameters of their own."""
    subject = case((CaseloadContext.participant_id.in_(_subject_ids()), 1), else_=0)
    people = scope.restrict(
        select(
            subject.label("subject"),
            CaseloadContext.grade.label("grade"),
            _band_sql(CaseloadContext.months_in_role, MONTHS_IN_ROLE).label("months"),
            _band_sql(CaseloadContext.caseload_count, CASELOAD).label("cases"),
            _band_sql(CaseloadContext.workload_percent, WORKLOAD).label("wmt"),
        )
        .join(Review, Review.id == CaseloadContext.review_id)
        .where(_is_latest_context())
    ).subquery("people")
    groups = (people.c.subject, people.c.grade, people.c.months, people.c.cases, people.c.wmt)
    query = select(*groups, func.count()).group_by(*groups)
    return [
        (bool(s), grade, months, cases, wmt, int(n))
        for s, grade, months, cases, wmt, n in db.session.execute(query)
    ]


def _outcome_counts(scope: Scope) -> tuple[dict[str, int], int]:
    """Subjects with a caseload context by outcome, and subjects without one (one query)."""
    subject = finding_subjects.c.participant_id
    has_context = subject.in_(select(CaseloadContext.participant_id))
    outcome = case(
        (has_context, func.coalesce(JustCultureAssessment.outcome, NOT_ASSESSED.key)),
        else_=WITHOUT_CONTEXT,
    )
    pairs = scope.restrict(
        select(subject.label("participant_id"), outcome.label("outcome"))
        .select_from(finding_subjects)
        .join(Finding, Finding.id == finding_subjects.c.finding_id)
        .join(Review, Review.id == Finding.review_id)
        .outerjoin(JustCultureAssessment, JustCultureAssessment.finding_id == Finding.id)
        .where(lifecycle.finding_is_individual_sql())
    ).subquery("subject_outcomes")
    query = select(pairs.c.outcome, func.count(func.distinct(pairs.c.participant_id))).group_by(
        pairs.c.outcome
    )
    found = {key: int(n) for key, n in db.session.execute(query)}
    without = found.pop(WITHOUT_CONTEXT, 0)
    return found, without


def _zeros(keys: list[str]) -> dict[str, int]:
    return dict.fromkeys(keys, 0)


def individual_attribution(scope: Scope) -> dict[str, Any]:
    """`individual_attribution` of the figures (two queries)."""
    grades = list(vocab.keys(vocab.GRADES))
    keys: dict[str, list[str]] = {"by_grade": grades} | {
        name: [b.key for b in bands] for name, bands in BREAKDOWNS.items()
    }
    result: dict[str, Any] = {
        name: {"subjects": _zeros(k), "all": _zeros(k)} for name, k in keys.items()
    }
    subjects = everyone = 0
    for is_subject, grade, months, cases, wmt, n in _band_counts(scope):
        everyone += n
        subjects += n if is_subject else 0
        for name, key in (
            ("by_grade", grade),
            ("by_months_in_role", months),
            ("by_caseload", cases),
            ("by_workload", wmt),
        ):
            sides = ("all", "subjects") if is_subject else ("all",)
            for side in sides:
                counts = result[name][side]
                counts[key] = counts.get(key, 0) + n
    outcomes, without = _outcome_counts(scope)
    return {
        "individual_attribution": {
            "subjects": subjects,
            "participants": everyone,
            "subjects_without_context": without,
            **result,
            "by_just_culture_outcome": {c.key: outcomes.get(c.key, 0) for c in OUTCOMES},
        }
    }
