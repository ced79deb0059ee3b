"""A valid set of ratings against the inspectorate's standards (api-v1.1 C), as quality
assurance gives them at approval: the demo data, the bench scripts and the tests approve
with it (`{"to": "approved", "ratings": EXAMPLE_RATINGS}`)."""

from __future__ import annotations

from typing import Any

EXAMPLE_RATINGS: dict[str, dict[str, Any]] = {
    "analysis_of_practice": {
        "rating": "good",
        "rationale": "Each officer's practice is analysed against the expected standards and "
        "set beside their caseload and the team's vacancies.",
    },
    "overall_judgements": {
        "rating": "good",
        "rationale": "The judgement on reasonable steps is clear and follows from the findings.",
    },
    "learning": {
        "rating": "requires_improvement",
        "rationale": "The learning for the team is clear; the organisational actions need owners "
        "at regional level.",
    },
    "victims_and_families": {
        "rating": "good",
        "rationale": "The family were contacted early, offered an advocate and their questions "
        "are answered.",
    },
    "overall": {
        "rating": "good",
        "rationale": "A balanced review whose judgements rest on the evidence; the action plan "
        "needs strengthening.",
    },
}


def approval(**extra: Any) -> dict[str, Any]:
    """The body of an approval: `{"to": "approved", "ratings": EXAMPLE_RATINGS}`."""
    return {"to": "approved", "ratings": EXAMPLE_RATINGS, **extra}


def approval_form() -> dict[str, str]:
    """The same approval as the Countersign page posts it: `rating_<standard>` and
    `rationale_<standard>` beside `to`."""
    form = {"to": "approved"}
    for standard, given in EXAMPLE_RATINGS.items():
        form[f"rating_{standard}"] = given["rating"]
        form[f"rationale_{standard}"] = given["rationale"]
    return form
