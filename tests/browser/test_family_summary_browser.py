"""In headless Chromium, the issue's journey for the summary for the family: the reviewer
starts from the draft, the check flags "WMT" and a staff name as they type, the fixed text
passes and is saved; a family question blocks quality assurance until answered; then
(through the services) approval, and the family PDF with its family cover, the apology
first, no jargon, staff name or figure, the question and answer and the plan, and
NOT FOR DISCLOSURE until a conviction is recorded, then not."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from sfo_review.cli.ratings_data import approval
from tests.report_fixtures import flat, pdf_pages

SHOTS = os.environ.get("FAMILY_SHOTS")

pytestmark = pytest.mark.browser

CLEAN = (
    "We are sorry for what happened to your family.\n\n"
    "The review found that the officer's team was too busy, and that the risk he posed was "
    "not looked at again when the police shared new information. This is what will change."
)


def _keep(pdf: bytes, name: str) -> None:
    """The PDFs to look at as PNGs (pdftoppm -png -r 60), when FAMILY_SHOTS names a folder."""
    if SHOTS:
        (Path(SHOTS) / name).write_bytes(pdf)


def _review_id(app: Any) -> int:
    from sfo_review.extensions import db
    from sfo_review.models import Review

    with app.app_context():
        found = db.session.scalar(select(Review.id).where(Review.case_reference == "X123452"))
    assert found is not None
    return int(found)


def test_the_summary_for_the_family_journey(new_page, live_app):
    _, app = live_app
    review_id = _review_id(app)
    base = f"/reviews/{review_id}"
    page = new_page("reviewer@example.gov.uk")
    page.goto(base)
    page.get_by_role("link", name="Family", exact=True).click()
    page.get_by_role("link", name="Summary for the family", exact=True).click()
    assert page.locator("h1").inner_text() == "Summary for the family"
    with page.expect_navigation():
        page.get_by_role("button", name="Start from a draft").click()
    if page.locator("h1").inner_text().startswith("Replace"):
        with page.expect_navigation():
            page.get_by_role("button", name="Yes, replace it with a draft").click()
    box = page.get_by_label("Summary for the family")
    expect(box).to_have_value(re.compile(r"^We want to be open"))

    box.fill("We are sorry. Olu Officer was at 140% WMT and missed the visit.")
    check = page.locator("#check-items")
    check.filter(has_text="WMT").wait_for()
    assert "Olu Officer" in check.inner_text() and "140%" in check.inner_text()
    assert "Reading age" in page.locator("#reading-age").inner_text()

    box.fill(CLEAN)
    page.locator("#check-count").filter(has_text="Nothing to change").wait_for()
    page.get_by_role("button", name="Save the summary").click()
    expect(page.locator("main")).to_contain_text("has been saved")  # waits for the answer
    assert page.locator("#check-items li").count() == 0

    # A question from the family blocks quality assurance until it has an answer.
    page.goto(base + "/family/questions/new")
    page.get_by_label("The family’s question").fill("Why was he not recalled sooner?")
    today = date.today()
    for part, value in (("day", today.day), ("month", today.month), ("year", today.year)):
        page.locator(f"#asked_on-{part}").fill(str(value))
    with page.expect_navigation():
        page.get_by_role("button", name="Add the question").click()
    page.goto(base + "/status")
    assert "Answer the family’s question" in page.locator("main").inner_text()
    main = page.locator("main").inner_text()
    assert "Write the summary for the family" not in main
    assert "The summary for the family contains" not in main
    page.get_by_role("link", name="Answer the family’s question").first.click()
    page.get_by_label("Answer").fill("He was not recalled because the missed visits were not seen.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the answer").click()
    page.goto(base + "/status")
    assert "Answer the family’s question" not in page.locator("main").inner_text()

    _approve_and_check_the_pdf(app, review_id)


def _approve_and_check_the_pdf(app: Any, review_id: int) -> None:
    from sfo_review import lifecycle
    from sfo_review.extensions import db
    from sfo_review.models import Review, User
    from sfo_review.pdf.render import render_pdf
    from sfo_review.services import criminal_case, factual_accuracy, reviews, transitions
    from sfo_review.services.errors import ServiceError
    from tests import helpers_rules

    with app.app_context():
        review = db.session.get(Review, review_id)
        assert review is not None
        people = {u.email: u for u in db.session.scalars(select(User))}
        reviewer, qa = people["reviewer@example.gov.uk"], people["qa@example.gov.uk"]
        for person in (people["officer@example.gov.uk"], people["manager@example.gov.uk"]):
            try:  # everyone heard at factual accuracy (done already in some demo data)
                factual_accuracy.mark_done(person, review)
            except ServiceError:
                db.session.rollback()
        reviews.update_review(
            reviewer,
            review,
            {
                "version": review.version,
                "overall_judgement": "The risk was not reassessed when the police shared new "
                "information; the team's workload explains why.",
                "countersigner_email": qa.email,
            },
        )
        assert not [
            r
            for r in lifecycle.unmet_rules(review, "quality_assurance")
            if r.field in ("family_summary", "family_questions")
        ]
        transitions.transition(reviewer, review, {"to": "quality_assurance"})
        helpers_rules.address_factors(review)
        transitions.transition(qa, review, approval(), True)
        pdf = render_pdf(review, "family_summary")
        _keep(pdf, "family-summary-marked.pdf")
        marked = [flat(p) for p in pdf_pages(pdf)]
        text = " ".join(marked)
        assert all("NOT FOR DISCLOSURE" in p for p in marked)
        assert "A summary for your family" in marked[0]
        assert text.index("We are very sorry") < text.index("The review found that")
        assert "Why was he not recalled sooner?" in text and "What will change" in text
        for word in ("WMT", "OASys", "RoSH", "Olu", "Sam Senior", "140%"):
            assert word not in text, word
        criminal_case.record_case_outcome(
            reviewer,
            review,
            {
                "version": review.version,
                "case_outcome": "convicted_lesser",
                "case_outcome_date": review.charge_date.isoformat(),
            },
        )
        pdf = render_pdf(review, "family_summary")
        _keep(pdf, "family-summary-convicted.pdf")
        unmarked = [flat(p) for p in pdf_pages(pdf)]
        assert not any("NOT FOR DISCLOSURE" in p for p in unmarked)
        db.session.rollback()
