"""The small scripts of the pages, run in headless Chromium: the balance indicator of the
finding editor, the reference points of the caseload form flagged as the user types, and the
warning before the inactivity sign-out. Each page also works without them; the server-side
rules are tested elsewhere."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

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
    # Praise or a neutral judgement of an individual is not blame (api-v1.1 A).
    page.get_by_label("Good practice", exact=True).check()
    assert _visible_state(page) == "praise-or-neutral"
    page.get_by_label("Insufficient", exact=True).check()
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


# The page's fetches, counted, so a test can wait until every answer has arrived.
COUNT_FETCHES = """(() => {
  const fetchNow = window.fetch.bind(window)
  window.fetchesInFlight = 0
  window.fetch = (...args) => {
    window.fetchesInFlight += 1
    return fetchNow(...args).finally(() => { window.fetchesInFlight -= 1 })
  }
})()"""


class VirtualTime:
    """The server's clock (time-machine, for the live server in this process) and the
    page's clock (Playwright's: its timers and Date), moved on together by the test instead
    of waiting: `advance(5)` is five seconds later for both."""

    def __init__(self, traveller: Any) -> None:
        self.traveller = traveller
        self.pages: list[Any] = []

    def follow(self, page: Any) -> None:
        """The page's scripts run on this clock from its next load on. Paused: left
        installed, Playwright's clock would also flow in real time, and the page's timers
        would fire (and ask the server) while the test is busy elsewhere."""
        page.context.add_init_script(script=COUNT_FETCHES)
        start = datetime.now(UTC)  # the server's clock, stopped by time-machine
        page.clock.install(time=start)
        page.clock.pause_at(start + timedelta(seconds=1))
        self.pages.append(page)

    def advance(self, seconds: int) -> None:
        self.traveller.shift(seconds)
        for page in self.pages:
            if not page.is_closed():
                page.clock.run_for(seconds * 1000)
                self.settle(page)

    @staticmethod
    def settle(page: Any) -> None:
        """Every request the page's timers made has had its answer."""
        page.wait_for_function("() => (window.fetchesInFlight || 0) === 0")


@pytest.fixture
def virtual_time() -> Iterator[VirtualTime]:
    with time_machine.travel(datetime.now(UTC), tick=False) as traveller:
        yield VirtualTime(traveller)


def test_users_are_warned_before_the_inactivity_sign_out_and_can_stay(
    new_page, short_sessions, virtual_time
):
    page = new_page("reviewer@example.gov.uk")
    virtual_time.follow(page)
    page.goto("/notifications")
    dialog = page.locator("dialog#timeout-warning")
    virtual_time.advance(3)
    assert not dialog.is_visible()  # 11 seconds left: more than the 10 of the warning
    virtual_time.advance(2)
    dialog.wait_for(state="visible")
    assert page.get_by_role("dialog", name="You’re about to be signed out").is_visible()
    assert re.search(r"\d+ seconds?", dialog.locator("[data-timeout-countdown]").inner_text())
    # The modal dialog takes focus, and the keyboard alone keeps the session going.
    assert page.evaluate("document.activeElement.closest('dialog') !== null")
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert page.locator("h1").inner_text() == "Notifications"  # nothing reloaded or lost

    # It comes back; this time "Stay signed in" is pressed.
    virtual_time.advance(5)
    dialog.wait_for(state="visible")
    page.get_by_role("button", name="Stay signed in").click()
    dialog.wait_for(state="hidden")

    # And the third time nobody answers: the page stays until the session has ended, then
    # goes to sign-in, saying why.
    virtual_time.advance(5)
    dialog.wait_for(state="visible")
    virtual_time.advance(8)  # 13 of the 14 seconds
    assert "/notifications" in page.url and dialog.is_visible()
    virtual_time.advance(2)
    page.wait_for_url(re.compile(r"/sign-in"))
    assert "without activity" in page.locator("main").inner_text()


def test_activity_in_another_tab_keeps_this_tab_signed_in(new_page, short_sessions, virtual_time):
    page = new_page("reviewer@example.gov.uk")
    virtual_time.follow(page)
    page.goto("/notifications")
    other = page.context.new_page()
    for _ in range(8):  # the other tab keeps working, every 2 seconds for 16 seconds
        other.goto("/account/password")
        virtual_time.advance(2)
    assert "/notifications" in page.url  # this tab asked the server and stayed put
    assert page.locator("h1").inner_text() == "Notifications"
    assert not page.locator("dialog#timeout-warning").is_visible()
