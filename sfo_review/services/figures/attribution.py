"""Who gets blamed (api-v1.1 §B): the subjects of individual shortfall findings beside every
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

Every count is a sum over the reviews in scope of each review's own counts
(`review_people_figures`, kept up to date by services/figures/contributions.py: a person
belongs to one review, so the reviews' counts add up). One query, and one more for grades
outside the vocabulary (old or hostile data, which the stored rows have no column for):
counted under their own key, as docs/api-additions.md says.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Select, case, func, select

from sfo_review import vocab
from sfo_review.extensions import db
from sfo_review.models import (
    CaseloadContext,
    Review,
    review_people_figures,
)
from sfo_review.models.review_figures import BANDS, SUBJECT_OUTCOMES
from sfo_review.models.review_figures import BREAKDOWNS as STORED
from sfo_review.services.figures.bands import CASELOAD, MONTHS_IN_ROLE, WORKLOAD, Band
from sfo_review.services.figures.contributions import is_latest, subject_of
from sfo_review.services.figures.just_culture import OUTCOMES
from sfo_review.services.figures.scope import Scope

BREAKDOWNS: dict[str, tuple[Band, ...]] = {
    "by_months_in_role": MONTHS_IN_ROLE,
    "by_caseload": CASELOAD,
    "by_workload": WORKLOAD,
}

# The figures' names of each breakdown of `review_people_figures`.
NAMES = {
    "grade": "by_grade",
    "months": "by_months_in_role",
    "cases": "by_caseload",
    "wmt": "by_workload",
}
COLUMNS = ("participants", "subjects", "subjects_without_context", *BANDS.values())


SUMMED = (*COLUMNS, *SUBJECT_OUTCOMES.values())


@cache
def _sums_query() -> Select[Any]:
    """The sum of each stored count over the reviews, before the scope's conditions: built
    once (its 36 columns took about 0.85 ms to build at every call)."""
    return select(*(func.coalesce(func.sum(review_people_figures.c[n]), 0) for n in SUMMED)).join(
        Review, Review.id == review_people_figures.c.review_id
    )


def _sums(scope: Scope) -> dict[str, int]:
    row = db.session.execute(scope.restrict(_sums_query())).one()
    return dict(zip(SUMMED, map(int, row), strict=True))


def _other_grades(scope: Scope) -> list[tuple[bool, str, int]]:
    """(subject?, grade, people) for the people whose latest context has a grade outside the
    vocabulary: none but in old or hostile data, so the query finds no row to go further with
    (the grade is tested first)."""
    context = CaseloadContext.__table__
    subject = case((subject_of(context.c.participant_id), 1), else_=0)
    people = scope.restrict(
        select(subject.label("subject"), context.c.grade.label("grade"))
        .join(Review, Review.id == context.c.review_id)
        .where(context.c.grade.not_in(vocab.keys(vocab.GRADES)), is_latest(context))
    ).subquery("other_grades")
    query = select(people.c.subject, people.c.grade, func.count()).group_by(
        people.c.subject, people.c.grade
    )
    return [(bool(s), grade, int(n)) for s, grade, n in db.session.execute(query)]


def individual_attribution(scope: Scope) -> dict[str, Any]:
    """`individual_attribution` of the figures (two queries)."""
    sums = _sums(scope)
    result: dict[str, Any] = {
        NAMES[breakdown]: {
            side: {key: sums[BANDS[(side, breakdown, key)]] for key in keys}
            for side in ("subjects", "all")
        }
        for breakdown, keys in STORED.items()
    }
    for is_subject, grade, n in _other_grades(scope):
        for side in ("all", "subjects") if is_subject else ("all",):
            counts = result["by_grade"][side]
            counts[grade] = counts.get(grade, 0) + n
    return {
        "individual_attribution": {
            "subjects": sums["subjects"],
            "participants": sums["participants"],
            "subjects_without_context": sums["subjects_without_context"],
            **result,
            "by_just_culture_outcome": {c.key: sums[SUBJECT_OUTCOMES[c.key]] for c in OUTCOMES},
        }
    }
