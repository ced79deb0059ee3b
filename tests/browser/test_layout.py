"""Layout at the widths staff use (1280 and 390 pixels): the review's sections on one line
at 1280, and no summary-list key broken in the middle of a word ("Notificati on date")."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

# For each word of each summary-list key: on how many lines does it lie?
WORDS_SPLIT = """
() => {
  const split = [];
  for (const key of document.querySelectorAll('.govuk-summary-list__key')) {
    const walker = document.createTreeWalker(key, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (lines.size > 1) split.push(match[0]);
      }
    }
  }
  return split;
}
"""


def _first_review(page) -> str:
    page.goto("/")
    return page.get_by_role("link", name=re.compile(r"SFO-\d{4}-0001")).first.get_attribute("href")


def test_the_review_sections_fit_one_line_at_1280(new_page):
    page = new_page("reviewer@example.gov.uk")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(_first_review(page))
    tops = page.eval_on_selector_all(
        ".app-review-nav .moj-sub-navigation__item",
        "items => items.map((i) => Math.round(i.getBoundingClientRect().top))",
    )
    assert len(tops) >= 10 and len(set(tops)) == 1


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("email", ["reviewer@example.gov.uk", "officer@example.gov.uk"])
def test_no_summary_list_key_breaks_mid_word(new_page, email, width):
    page = new_page(email)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(_first_review(page))
    assert page.locator(".govuk-summary-list__key").count() >= 10
    assert page.evaluate(WORDS_SPLIT) == []


def test_at_390_the_review_list_stacks_instead_of_scrolling_sideways(new_page):
    page = new_page("officer@example.gov.uk")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto("/")
    wrapper = page.locator("#reviews-table").locator("xpath=..")
    assert wrapper.evaluate("w => w.scrollWidth <= w.clientWidth")
    asked = page.locator("#reviews-table tbody td.app-asked").first
    assert asked.is_visible()
    box = asked.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    label = asked.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"Asked of you"'


# The rendered height of every word on the dashboard's charts that is shown (SVG text scales
# with its chart; HTML text does not).
CHART_WORDS = """
() => [...document.querySelectorAll(
    '.app-chart text, .app-chart-bars__label, .app-chart-bars__value')]
  .filter((e) => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
  .map((e) => ({text: e.textContent.trim(), height: e.getBoundingClientRect().height}))
  .filter((w) => w.text)
"""


@pytest.mark.parametrize("width", [1280, 390])
def test_the_dashboards_chart_words_are_readable(new_page, width):
    page = new_page("leadership@example.gov.uk")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/dashboard")
    words = page.evaluate(CHART_WORDS)
    assert len(words) > 10
    small = [w for w in words if w["height"] < 12]
    assert small == []
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width


def test_at_390_the_findings_stack_with_context_weighed_in_view(new_page):
    page = new_page("reviewer@example.gov.uk")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(_first_review(page) + "/findings")
    wrapper = page.locator("#findings-table").locator("xpath=..")
    assert wrapper.evaluate("w => w.scrollWidth <= w.clientWidth")
    weighed = page.locator("#findings-table td.app-context-weighed").first
    box = weighed.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    label = weighed.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"Context weighed"'


def test_at_390_the_participants_stack_with_their_role_in_view(new_page):
    page = new_page("reviewer@example.gov.uk")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(_first_review(page) + "/participants")
    wrapper = page.locator("#participants-table").locator("xpath=..")
    assert wrapper.evaluate("w => w.scrollWidth <= w.clientWidth")
    role = page.locator("#participants-table td.app-role-in-case").first
    box = role.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
