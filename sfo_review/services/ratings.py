"""Quality assurance's ratings against the inspectorate's standards (api-v1.1 C), given with
the approval: the rule for a valid set, the rows written at approval, and how a review's
ratings read (reviews approved before 1.1 have none, and say so)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sfo_review import lifecycle, vocab
from sfo_review.models import Review, ReviewRating, User
from sfo_review.services import validation as v
from sfo_review.services.errors import ValidationFailed

STANDARDS: tuple[str, ...] = vocab.keys(vocab.RATING_STANDARDS)
RATINGS: tuple[str, ...] = vocab.keys(vocab.RATINGS)
RATIONALE_MIN = 20

# What the inspectorate looks for on each standard: one line under each question.
DESCRIPTIONS: dict[str, str] = {
    "analysis_of_practice": "Is the practice of everyone involved analysed in depth, against "
    "the expected standards and the conditions they worked in?",
    "overall_judgements": "Are the judgements on whether all reasonable steps were taken clear, "
    "balanced and supported by the evidence?",
    "learning": "Does the review find the learning for people, teams and the organisation, and "
    "do its actions address it?",
    "victims_and_families": "Were the victim’s family kept informed, listened to and their "
    "questions answered, with compassion and without delay?",
    "overall": "Taking the four standards together, how good is this review?",
}

# Where a review without ratings stands (the JSON's `ratings_state`, the pages, the PDF).
RATED = "rated"
AWAITING_APPROVAL = "awaiting_approval"
APPROVED_BEFORE_RATINGS = "approved_before_ratings"
BEFORE_RATINGS_SENTENCE = "This review was approved before ratings were recorded."


def field(standard: str, part: str | None = None) -> str:
    """The name of a problem in the 422 `fields`: `ratings.learning.rationale`."""
    return f"ratings.{standard}" + (f".{part}" if part else "")


def standard_label(standard: str) -> str:
    return vocab.label(vocab.RATING_STANDARDS, standard)


def _check_rating(standard: str, value: Any) -> str:
    name = standard_label(standard).lower()
    if value is None or value == "":
        raise ValueError(f"Select a rating for {name}")
    if not isinstance(value, str) or value not in RATINGS:
        raise ValueError(f"Select a rating for {name} (one of: {', '.join(RATINGS)})")
    return value


def _check_rationale(standard: str, value: Any) -> str:
    name = f"rationale for {standard_label(standard).lower()}"
    try:
        text = v.clean({"r": value}, {"r": v.long(name)})["r"]
    except ValidationFailed as exc:
        raise ValueError(exc.fields["r"][0]) from None
    if len(text.strip()) < RATIONALE_MIN:
        raise ValueError(
            f"The {name} must be {RATIONALE_MIN} characters or more: say why you gave this rating"
        )
    return str(text)


def _check_one(standard: str, given: Any, errors: dict[str, list[str]]) -> tuple[str, str] | None:
    if not isinstance(given, dict):
        name = standard_label(standard).lower()
        message = (
            ("Rate the review overall" if standard == "overall" else f"Rate the review on {name}")
            if given is None
            else f"The rating for {name} must be an object with a rating and a rationale"
        )
        errors[field(standard)] = [message]
        return None
    for key in given:
        if key not in ("rating", "rationale"):
            errors[field(standard, str(key))] = [f"Unknown field: {key}"]
    found: dict[str, str] = {}
    for part, check in (("rating", _check_rating), ("rationale", _check_rationale)):
        try:
            found[part] = check(standard, given.get(part))
        except ValueError as exc:
            errors[field(standard, part)] = [str(exc)]
    if len(found) < 2:
        return None
    return found["rating"], found["rationale"]


def clean(ratings: Any) -> dict[str, tuple[str, str]]:
    """The ratings given with an approval, each standard's (rating, rationale); or
    ValidationFailed naming every problem (`ratings`, `ratings.<standard>`,
    `ratings.<standard>.rating`, `ratings.<standard>.rationale`)."""
    if ratings is None:
        raise ValidationFailed(
            {"ratings": ["Rate the review on each of the inspectorate’s standards and overall"]}
        )
    if not isinstance(ratings, dict):
        raise ValidationFailed(
            {"ratings": ["Ratings must be an object with one entry for each standard"]}
        )
    errors: dict[str, list[str]] = {}
    for key in ratings:
        if key not in STANDARDS:
            errors[field(str(key))] = [f"Unknown standard: {key}"]
    cleaned: dict[str, tuple[str, str]] = {}
    for standard in STANDARDS:
        one = _check_one(standard, ratings.get(standard), errors)
        if one is not None:
            cleaned[standard] = one
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def record(actor: User, review: Review, cleaned: dict[str, tuple[str, str]], at: datetime) -> None:
    """The approval's ratings, one row per standard (inside the approval's transaction)."""
    for standard, (rating, rationale) in cleaned.items():
        review.ratings.append(
            ReviewRating(
                standard=standard,
                rating=rating,
                rationale=rationale,
                rated_by=actor,
                rated_at=at,
            )
        )


@dataclass(frozen=True)
class Shown:
    """One standard's rating as pages and PDFs show it."""

    standard: str
    label: str
    description: str
    rating: str
    rating_label: str
    rationale: str
    rated_by: User | None
    rated_at: datetime


def state(review: Review) -> str:
    if review.ratings:
        return RATED
    if lifecycle.is_finished(review):
        return APPROVED_BEFORE_RATINGS
    return AWAITING_APPROVAL


def shown(review: Review) -> list[Shown]:
    """The review's ratings in the standards' order (empty when it has none)."""
    by_standard = {r.standard: r for r in review.ratings}
    return [
        Shown(
            standard=standard,
            label=standard_label(standard),
            description=DESCRIPTIONS[standard],
            rating=row.rating,
            rating_label=vocab.label(vocab.RATINGS, row.rating),
            rationale=row.rationale,
            rated_by=row.rated_by,
            rated_at=row.rated_at,
        )
        for standard in STANDARDS
        if (row := by_standard.get(standard)) is not None
    ]
