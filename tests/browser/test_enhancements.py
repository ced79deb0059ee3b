"""The small scripts of the pages, run in headless Chromium: the balance indicator of the
finding editor, the reference points of the caseload form flagged as the user types, and the
warning before the inactivity sign-out. Each page also works without them; the server-side
rules are tested elsewhere."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest

pytestmark = pytest.mark.browser


def _first_review(page) -> str:
    page.goto("/")
    link = page.get_by_role("link", name=re.compile(r"SFO-\d{4}-0001"))
    return link.first.get_attribute("href")


def _visible_state(page) -> str:
    return page.locator("[data-balance-state]:visible").get_attribute("data-balance-state")


def test_the_balance_indicator_follows_the_finding_form(new_page):
    page = new_page("reviewer@example.gov.uk")
    page.goto(_first_review(page) + "/findings/new")
    assert _visible_state(page) == "not-individual"
    page.get_by_label("Individual", exact=True).check()
    assert _visible_state(page) == "missing"
    assert "Context missing" in page.locator("[data-balance-announce]").inner_text()
    note = page.locator("textarea[name=context_note]")
    note.fill("x" * 40)
    assert page.locator("[data-balance-state=missing] [data-balance-note-length]").inner_text() == (
        "40"
    )
    assert _visible_state(page) == "missing"
    note.fill("y" * 100)
    assert _visible_state(page) == "weighed"
    note.fill("")
    factor = page.locator("input[name=systemic_factor_ids]").first
    factor.check()
    assert _visible_state(page) == "weighed"
    factor.uncheck()
    assert _visible_state(page) == "missing"
    page.get_by_label("Individual", exact=True).uncheck()
    assert _visible_state(page) == "not-individual"


def test_caseload_reference_points_are_flagged_as_the_user_types(new_page):
    page = new_page("reviewer@example.gov.uk")
    page.goto(_first_review(page) + "/caseload-contexts/new")
    caseload_flag = page.locator("#caseload_count-reference")
    workload_flag = page.locator("#workload_percent-reference")
    assert caseload_flag.get_attribute("aria-live") == "polite"
    assert caseload_flag.inner_text() == "" and workload_flag.inner_text() == ""
    page.get_by_label("Number of cases", exact=True).fill("61")
    assert caseload_flag.inner_text() == "Above the agreed maximum of 60 cases"
    page.get_by_label("Number of cases", exact=True).fill("60")
    assert caseload_flag.inner_text() == ""
    page.get_by_label("Number of cases", exact=True).fill("6o")  # not a number: no flag
    assert caseload_flag.inner_text() == ""
    page.get_by_label("Workload measurement tool (WMT) percentage").fill("143")
    assert workload_flag.inner_text() == "Above 110%: excessive if it lasted four weeks or more"
    page.get_by_label("Workload measurement tool (WMT) percentage").fill("110")
    assert workload_flag.inner_text() == ""


@pytest.fixture
def short_sessions(live_app):
    """A 14-second session with a 10-second warning, for this test only."""
    _url, app = live_app
    saved = app.config["SESSION_INACTIVITY_TIMEOUT"], app.config["SESSION_WARNING_SECONDS"]
    app.config["SESSION_INACTIVITY_TIMEOUT"] = timedelta(seconds=14)
    app.config["SESSION_WARNING_SECONDS"] = 10
    yield
    app.config["SESSION_INACTIVITY_TIMEOUT"], app.config["SESSION_WARNING_SECONDS"] = saved


def test_users_are_warned_before_the_inactivity_sign_out_and_can_stay(new_page, short_sessions):
    page = new_page("reviewer@example.gov.uk")
    page.goto("/notifications")
    dialog = page.locator("dialog#timeout-warning")
    assert not dialog.is_visible()
    dialog.wait_for(state="visible", timeout=12_000)
    assert page.get_by_role("dialog", name="You’re about to be signed out").is_visible()
    assert re.search(r"\d+ seconds?", dialog.locator("[data-timeout-countdown]").inner_text())
    # The modal dialog takes focus, and the keyboard alone keeps the session going.
    assert page.evaluate("document.activeElement.closest('dialog') !== null")
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert page.locator("h1").inner_text() == "Notifications"  # nothing reloaded or lost

    # It comes back; this time "Stay signed in" is pressed.
    dialog.wait_for(state="visible", timeout=12_000)
    page.get_by_role("button", name="Stay signed in").click()
    dialog.wait_for(state="hidden")

    # And the third time nobody answers: the page goes to sign-in, saying why.
    started = time.monotonic()
    page.wait_for_url(re.compile(r"/sign-in"), timeout=20_000)
    assert time.monotonic() - started >= 3
    assert "without activity" in page.locator("main").inner_text()


def test_activity_in_another_tab_keeps_this_tab_signed_in(new_page, short_sessions):
    page = new_page("reviewer@example.gov.uk")
    page.goto("/notifications")
    other = page.context.new_page()
    deadline = time.monotonic() + 16
    while time.monotonic() < deadline:  # the other tab keeps working
        other.goto("/account/password")
        time.sleep(2)
    assert "/notifications" in page.url  # this tab asked the server and stayed put
    assert page.locator("h1").inner_text() == "Notifications"
