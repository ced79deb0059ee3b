"""The balance rule counted in SQL says what lifecycle.finding_is_balanced says (api-v1.1 A:
individual shortfall findings only; weighed = the subjects' caseload contexts and a systemic
factor linked, or a long enough note); percentiles."""

from __future__ import annotations

import sys

import pytest
from sqlalchemy import or_, select

from sfo_review import lifecycle
from sfo_review.extensions import db
from sfo_review.models import Finding, review_figures
from sfo_review.services import evidence, findings, reviews
from sfo_review.services.figures import contributions
from sfo_review.services.figures.scope import percentile
from sfo_review.sqlfuncs import WHITESPACE

NOTES = [
    None,
    "",
    "x" * 99,
    "x" * 100,
    " " * 5 + "x" * 99 + "\n\n",
    "\u3000" + "x" * 99 + "\u2028",
    "\u00a0" * 3 + "x" * 100,
    "é" * 100,  # characters, not bytes
    "\t" * 200,
]


def test_whitespace_is_every_character_python_strips():
    assert WHITESPACE == "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())


@pytest.mark.parametrize("linked", ["none", "factor", "context"])
def test_sql_and_python_agree_on_every_finding(full_review, linked):
    data = full_review()
    reviewer, review = data["reviewer"], data["review"]
    links = {
        "none": {},
        "factor": {"systemic_factor_ids": [data["factor"].id]},
        "context": {"caseload_context_ids": [data["context"].id]},
    }[linked]
    for note in NOTES:
        for attribution in (["individual"], ["team"], ["individual", "national"]):
            findings.add_finding(
                reviewer,
                review,
                {
                    "title": "F",
                    "practice_area": "review",
                    "judgement": "insufficient",
                    "narrative": "N",
                    "attribution": attribution,
                    "context_note": note,
                    "subject_participant_ids": [data["participant"].id],
                    **links,
                },
            )
    _agree(review)
    in_python = {f.id: lifecycle.finding_is_balanced(f) for f in review.findings}
    assert any(not ok for ok in in_python.values()) or linked != "none"


def _agree(review) -> dict[int, bool]:
    db.session.expire_all()
    in_sql = dict(db.session.execute(select(Finding.id, lifecycle.finding_is_balanced_sql())).all())
    in_python = {f.id: lifecycle.finding_is_balanced(f) for f in review.findings}
    assert in_sql.keys() == in_python.keys()
    assert {k: bool(v) for k, v in in_sql.items()} == in_python
    # The correlated form that keeps each review's counts (services/figures/contributions.py)
    correlated = or_(
        ~contributions.is_individual_correlated(), contributions.is_weighed_correlated()
    )
    in_rows = dict(db.session.execute(select(Finding.id, correlated)).all())
    assert {k: bool(v) for k, v in in_rows.items()} == in_python
    # and the review's counts kept at the last commit say the same.
    stored = db.session.execute(
        select(review_figures).where(review_figures.c.review_id == review.id)
    ).one()
    shortfalls = [f for f in review.findings if lifecycle.is_individual_shortfall(f)]
    assert stored.findings == len(review.findings)
    assert stored.individual == len(shortfalls)
    assert stored.weighed == sum(lifecycle.finding_context_weighed(f) for f in shortfalls)
    return in_python


CONTEXT = {
    "period_start": "2023-01-01",
    "period_end": "2023-06-26",
    "caseload_count": 40,
    "high_risk_count": 5,
    "workload_percent": 95,
    "grade": "probation_officer",
    "months_in_role": 40,
    "team_vacancy_percent": 0,
    "officer_changes_on_case": 0,
    "management_oversight_sessions": 4,
}


@pytest.mark.parametrize("linked", ["none", "factor", "context", "factor and context"])
def test_sql_and_python_agree_on_subjects_and_judgements(full_review, make_user, linked):
    data = full_review()
    reviewer, review = data["reviewer"], data["review"]
    po = data["participant"]
    manager = review.participant_for(data["manager"])
    duty_user = make_user("officer")
    duty = reviews.add_participant(
        reviewer, review, {"email": duty_user.email, "role_in_case": "other"}
    )  # has no caseload context
    # The manager has a context that no finding links.
    evidence.add_caseload_context(reviewer, review, {**CONTEXT, "participant_id": manager.id})
    links: dict[str, list[int]] = {}
    if "factor" in linked:
        links["systemic_factor_ids"] = [data["factor"].id]
    if "context" in linked:
        links["caseload_context_ids"] = [data["context"].id]  # the officer's
    made = []
    for note in (None, "x" * 99, "x" * 100):
        for judgement in ("insufficient", "sufficient", "good_practice"):
            for attribution in (["individual"], ["team"]):
                for subjects in ([], [po], [manager], [duty], [po, duty], [po, manager]):
                    finding = findings.add_finding(
                        reviewer,
                        review,
                        {
                            "title": "F",
                            "practice_area": "review",
                            "judgement": judgement,
                            "narrative": "N",
                            "attribution": attribution,
                            "context_note": note,
                            # the service now requires subjects of an individual shortfall
                            # (api-v1.1 A); the rows below set them, none included, directly
                            "subject_participant_ids": [po.id],
                            **links,
                        },
                    )
                    finding.subjects = list(subjects)
                    made.append(finding)
    db.session.commit()
    balanced = _agree(review)
    # Each kind of answer occurs: the check compares something.
    if linked == "factor and context":
        assert {balanced[f.id] for f in made} == {True, False}


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([(10, 1), (20, 1), (30, 1), (40, 1)], 50, 25.0),
        ([(10, 1), (20, 1), (30, 1), (40, 1)], 90, 37.0),
        ([(5, 1)], 50, 5.0),
        ([(5, 1)], 90, 5.0),
        ([(1, 3), (100, 1)], 50, 1.0),
        ([(1, 1), (100, 9)], 50, 100.0),
        ([(60, 1), (90, 1), (120, 1)], 90, 114.0),
        ([], 50, None),
        ([(7, 0)], 50, None),
    ],
)
def test_percentile_interpolates_between_ranks(values, q, expected):
    assert percentile(values, q) == expected


def test_percentile_matches_a_plain_sorted_list():
    import statistics

    numbers = [3, 3, 8, 15, 15, 15, 22, 40, 41, 90, 91]
    histogram = [(n, numbers.count(n)) for n in set(numbers)]
    assert percentile(histogram, 50) == statistics.median(numbers)
    cuts = statistics.quantiles(numbers, n=10, method="inclusive")
    assert percentile(histogram, 90) == pytest.approx(cuts[-1], abs=0.05)


def test_the_stored_bands_are_the_contracts():
    """`review_people_figures` has a column for every band of who gets blamed, and only
    those (services/figures/bands.py), and one for every grade."""
    from sfo_review import vocab
    from sfo_review.models.review_figures import BREAKDOWNS as STORED
    from sfo_review.services.figures.attribution import BREAKDOWNS, NAMES

    assert STORED["grade"] == vocab.keys(vocab.GRADES)
    for stored, name in NAMES.items():
        if stored != "grade":
            assert STORED[stored] == tuple(b.key for b in BREAKDOWNS[name])
