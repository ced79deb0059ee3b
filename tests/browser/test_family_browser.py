"""In headless Chromium: a question from the family blocks quality assurance until answered,
a contact is recorded, the criminal case's date is revealed under the outcome chosen; the
pages at 1280 and 390 pixels wide (screenshots in FAMILY_SHOTS, when set, to look at)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

SHOTS = os.environ.get("FAMILY_SHOTS")

pytestmark = pytest.mark.browser


TODAY = date.today()  # the demo reviews were charged a few weeks ago


def _fill_date(page: Any, name: str) -> None:
    page.locator(f"#{name}-day").fill(str(TODAY.day))
    page.locator(f"#{name}-month").fill(str(TODAY.month))
    page.locator(f"#{name}-year").fill(str(TODAY.year))


def _shot(page: Any, name: str) -> None:
    if not SHOTS:
        return
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def _first_review(page: Any) -> str:
    """The demo review at factual accuracy: its Status page lists the rules to quality
    assurance, the family's questions among them."""
    page.goto("/?status=factual_accuracy")
    href = page.locator("a[href^='/reviews/']").filter(has_text="SFO-").first.get_attribute("href")
    assert href
    return href.split("?")[0]


def test_the_family_journey(new_page):
    page = new_page("reviewer@example.gov.uk")
    base = _first_review(page)
    page.goto(base)
    page.get_by_role("link", name="Family", exact=True).click()
    assert page.locator("h1").inner_text() == "Contact with the family"
    page.get_by_role("link", name="Add a question").click()
    page.get_by_label("The family’s question").fill("Why was he not recalled <b>sooner</b>?")
    _fill_date(page, "asked_on")
    page.get_by_role("button", name="Add the question").click()
    assert "Not answered yet" in page.locator("#family-questions").inner_text()
    assert "<b>sooner</b>" in page.locator("#family-questions").inner_text()
    page.get_by_role("link", name="Record a contact").click()
    page.get_by_role("button", name="Save the contact").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()  # waits for the answer
    _shot(page, "contact-errors")
    _fill_date(page, "occurred_on")
    page.get_by_label("Meeting").check()
    page.get_by_label("Who was contacted").fill("The victim’s mother")
    page.get_by_label("Yes").check()
    page.get_by_label("What was said").fill("Met at home with the homicide caseworker.")
    page.get_by_role("button", name="Save the contact").click()
    assert "The victim’s mother" in page.locator("#family-contacts").inner_text()
    _shot(page, "family")
    page.goto(base + "/status")
    assert "Answer the family’s question" in page.locator("main").inner_text()
    page.get_by_role("link", name="Answer the family’s question").first.click()
    page.get_by_label("Answer").fill("He was not recalled because the missed appointments …")
    _shot(page, "answer")
    page.get_by_role("button", name="Save the answer").click()
    assert "Answered" in page.locator("#family-questions").inner_text()


def test_the_criminal_case_page(new_page):
    page = new_page("reviewer@example.gov.uk")
    base = _first_review(page)
    page.goto(base)
    page.get_by_role("link", name="Record the outcome of the criminal case").click()
    page.get_by_label("Acquitted").check()
    page.get_by_role("button", name="Save the outcome").click()
    assert "Enter the date of the outcome" in page.locator(".govuk-error-summary").inner_text()
    assert page.get_by_label("Acquitted").is_checked()  # what was chosen is kept
    _shot(page, "criminal-case-errors")
    _fill_date(page, "case_outcome_date")
    page.get_by_role("button", name="Save the outcome").click()
    said = f"Acquitted on {TODAY.day} {TODAY:%B %Y}"
    assert said in page.locator("#notification").inner_text()
    _shot(page, "overview")
    officer = new_page("officer@example.gov.uk")
    officer.goto(base)
    assert officer.get_by_role("link", name="Family", exact=True).count() == 0
    response = officer.goto(base + "/family")
    assert response is not None and response.status == 404
