"""The leadership dashboard in headless Chromium: axe-core on every state of its pages,
reflow at 320px, keyboard use of the filters and tables, and screenshots to look at.

Its own live server, on a database with the demo accounts and 300 synthetic reviews from
`seed-bulk` (so the charts have data, and every kind of action exists). Set
DASHBOARD_SCREENSHOTS=/some/folder to keep full-page PNGs of each page.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from config import TestConfig
from tests.browser.conftest import demo_database
from tests.browser.test_accessibility import (
    AXE_PATH,
    NARROW,
    WIDE,
    Findings,
    _axe,
    _reflow,
    _report,
)

pytestmark = pytest.mark.browser
LEADER = "leadership@example.gov.uk"
LAST_YEAR = date.today().year - 1
PAGES = {
    "dashboard": "/dashboard",
    "dashboard-region-year": f"/dashboard?region=Wales&from={LAST_YEAR}-01-01&to={LAST_YEAR}-12-31",
    "dashboard-errors": "/dashboard?from=31&from=2&from=2026&to=2025-01-01&region=Atlantis",
    "actions-overdue-national": "/dashboard/actions?state=overdue&level=national",
    "actions-done": "/dashboard/actions?state=done&page=2",
    "actions-errors": "/dashboard/actions?page=abc&owner=Nobody",
    "actions-past-the-end": "/dashboard/actions?page=9999",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from sfo_review import create_app
    from sfo_review.cli.bulk import seed_bulk
    from sfo_review.services.users import hash_password

    folder = tmp_path_factory.mktemp("dashboard")

    class LiveConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = demo_database(folder / "dashboard.db")
        TESTING = False
        WTF_CSRF_ENABLED = True  # a live server, as users get it

    app = create_app(LiveConfig)
    with app.app_context():
        seed_bulk(300, 4, date.today(), 60, hash_password("demo-password-2026"))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def leader(browser: Any, site: str) -> Iterator[Any]:
    context = browser.new_context(
        base_url=site, bypass_csp=True, viewport={"width": WIDE, "height": 900}
    )
    context.add_init_script(path=str(AXE_PATH))
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(LEADER)
    page.get_by_label("Password", exact=True).fill("demo-password-2026")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    yield page
    context.close()


def _shoot(page: Any, name: str) -> None:
    folder = os.environ.get("DASHBOARD_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_every_dashboard_page_has_no_serious_accessibility_problem(leader: Any) -> None:
    findings = Findings()
    for name, path in PAGES.items():
        response = leader.goto(path)
        assert response is not None and response.status < 500, path
        for details in leader.locator("details.govuk-details").all():
            details.evaluate("d => d.open = true")  # check the tables inside as well
        _axe(leader, "", f"leadership {path}", findings)
        _reflow(leader, f"leadership {path}", findings)
        _shoot(leader, name)
    assert len(findings.checked) == len(PAGES)
    assert not (findings.blocking() or findings.too_wide), _report(findings)


def test_the_filters_work_from_the_keyboard(leader: Any) -> None:
    leader.goto("/dashboard")
    leader.get_by_label("Region", exact=True).focus()
    leader.keyboard.press("End")  # the last region in the list
    chosen = leader.get_by_label("Region", exact=True).input_value()
    leader.get_by_role("button", name="Apply filters").focus()
    with leader.expect_navigation():
        leader.keyboard.press("Enter")
    assert f"in {chosen}." in leader.locator("#scope-summary").inner_text()
    summary = leader.locator("details#table-deadlines summary")
    summary.focus()
    leader.keyboard.press("Enter")
    assert leader.locator("details#table-deadlines").evaluate("d => d.open")


def test_a_region_last_year_in_two_clicks(leader: Any) -> None:
    """The new user's question: the three most common factors in one region last year
    (Dashboard, choose the region, Apply filters, Calendar year)."""
    leader.goto("/")
    leader.get_by_role("link", name="Dashboard").click()
    leader.get_by_label("Region", exact=True).select_option("Wales")
    leader.get_by_role("button", name="Apply filters").click()
    leader.get_by_role("link", name=f"Calendar year {LAST_YEAR}").click()  # keeps the region
    text = leader.locator("#scope-summary").inner_text()
    assert f"from 1 January {LAST_YEAR} to 31 December {LAST_YEAR}, in Wales." in text
    assert leader.locator("#table-top-systemic-factors-by-pdu tbody tr").count() >= 1
    assert leader.locator("#top-three").inner_text().startswith("Most common:")


def test_narrow_screens_scroll_tables_not_the_page(leader: Any) -> None:
    leader.set_viewport_size({"width": NARROW, "height": 900})
    leader.goto("/dashboard")
    width = leader.evaluate("() => document.documentElement.scrollWidth")
    assert width <= NARROW + 1
    _shoot(leader, "dashboard-320px")
