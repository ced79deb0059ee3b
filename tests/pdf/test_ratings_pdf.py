"""api-v1.1 C in the PDFs: the full report's sign-off shows quality assurance's ratings with
their rationales (or says the review was approved before ratings were recorded), and the
full report and the participant's copy give the criminal case's outcome and date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sfo_review.cli.ratings_data import EXAMPLE_RATINGS
from sfo_review.extensions import db
from sfo_review.models import ReviewRating
from sfo_review.pdf.render import render_pdf
from tests.helpers_forms import HOSTILE
from tests.report_fixtures import QA_NAME, flat, pdf_pages

Builder = Callable[..., dict[str, Any]]
HEADING = "Ratings against the inspectorate’s standards"


def _sign_off(pdf: bytes) -> str:
    body = flat(" ".join(pdf_pages(pdf)[2:]))
    return body[body.index("9. Sign-off") : body.index("Audit summary", body.index("9. Sign-off"))]


def test_the_sign_off_shows_each_rating_with_its_rationale(rich_review: Builder) -> None:
    review = rich_review("approved")["review"]
    section = _sign_off(render_pdf(review, "full"))
    assert HEADING in section
    assert f"when {QA_NAME} approved it" in section
    for label, standard in (
        ("Analysis of practice", "analysis_of_practice"),
        ("Overall judgements", "overall_judgements"),
        ("Learning", "learning"),
        ("Victims and families", "victims_and_families"),
        ("Overall", "overall"),
    ):
        given = EXAMPLE_RATINGS[standard]
        rating = given["rating"].replace("_", " ").capitalize()
        assert f"{label} {rating} {flat(given['rationale'])}" in section, label


def test_hostile_rationale_is_printed_as_text(rich_review: Builder) -> None:
    review = rich_review("approved")["review"]
    row = db.session.get(ReviewRating, (review.id, "learning"))
    row.rationale = HOSTILE
    db.session.flush()
    section = _sign_off(render_pdf(review, "full"))
    assert HOSTILE in section  # escaped in the HTML, so printed exactly as typed


def test_a_review_approved_before_ratings_says_so(rich_review: Builder) -> None:
    review = rich_review("approved")["review"]
    for row in list(review.ratings):
        db.session.delete(row)
    db.session.flush()
    db.session.refresh(review)
    section = _sign_off(render_pdf(review, "full"))
    assert "This review was approved before ratings were recorded." in section


def test_a_draft_says_ratings_come_with_the_approval(rich_review: Builder) -> None:
    review = rich_review("quality_assurance")["review"]
    section = _sign_off(render_pdf(review, "full"))
    assert "rates the review against the inspectorate’s standards when approving it" in section
    assert "approved before ratings" not in section


def test_the_criminal_case_is_in_the_full_report_and_the_participant_copy(
    rich_review: Builder,
) -> None:
    data = rich_review("approved")
    review = data["review"]
    body = flat(" ".join(pdf_pages(render_pdf(review, "full"))[2:]))
    assert "Criminal case Awaiting the outcome of the criminal case" in body
    review.case_outcome, review.case_outcome_date = "convicted_lesser", date(2024, 2, 14)
    db.session.flush()
    body = flat(" ".join(pdf_pages(render_pdf(review, "full"))[2:]))
    assert "Criminal case Convicted of a lesser offence on 14 February 2024" in body
    own = flat(pdf_pages(render_pdf(review, f"participant-{data['participant'].id}"))[0])
    assert "Criminal case Convicted of a lesser offence on 14 February 2024" in own
