"""Actions that prove they worked (api-v1.1 B), in headless Chromium on a live server of its
own: the reviewer adds an action on a systemic factor with a leadership owner; the review is
approved (by the test helpers); the owner marks it done with the evidence; a different
leadership user verifies it, and the page says Verified.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from config import TestConfig
from tests.browser.conftest import DEMO_PASSWORD, demo_database

pytestmark = pytest.mark.browser

OWNER = "leadership@example.gov.uk"  # Lee Leadership, of the demo data
CHECKER = "checker@example.gov.uk"
EVIDENCE = "Handover deadline set at 10 days before release in every prison in the region."


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    from sfo_review import create_app
    from sfo_review.services import users

    folder: Path = tmp_path_factory.mktemp("actions_journey")

    class LiveConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = demo_database(folder / "live.db")
        TESTING = False
        WTF_CSRF_ENABLED = True

    app = create_app(LiveConfig)
    with app.app_context():
        users.create_user(
            None,
            {
                "email": CHECKER,
                "name": "Cara Checker",
                "role": "leadership",
                "password": DEMO_PASSWORD,
            },
        )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def open_as(browser: Any, site: tuple[str, Any]) -> Iterator[Callable[[str], Any]]:
    contexts = []

    def open_page(email: str) -> Any:
        context = browser.new_context(base_url=site[0])
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto("/sign-in")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
        _press(page, "button", "Sign in")
        return page

    yield open_page
    for context in contexts:
        context.close()


def _press(page: Any, role: str, name: Any) -> None:
    with page.expect_navigation():
        page.get_by_role(role, name=name).first.click()


def _approve(app: Any, reference_end: str) -> None:
    """Through the real transitions, as the test helpers do (the review is at factual
    accuracy in the demo data, its statements settled)."""
    from sqlalchemy import select

    from sfo_review.extensions import db
    from sfo_review.models import Review, User
    from tests.helpers_forms import move_to

    with app.app_context():
        review = db.session.scalars(
            select(Review).where(Review.reference.endswith(reference_end))
        ).one()

        def user(email: str) -> User:
            return db.session.scalars(select(User).where(User.email == email)).one()

        data = {
            "review": review,
            "reviewer": user("reviewer@example.gov.uk"),
            "qa": user("qa@example.gov.uk"),
            "officer": user("officer@example.gov.uk"),
        }
        move_to(data, "approved")
        db.session.remove()


def test_an_action_is_added_done_and_verified_by_someone_else(open_as, site):
    # 1. The reviewer adds an action on the review's organisational factor, owned by Lee.
    reviewer = open_as("reviewer@example.gov.uk")
    reviewer.goto("/")
    review = str(
        reviewer.get_by_role("link", name=re.compile(r"SFO-\d{4}-0002")).first.get_attribute("href")
    )
    reviewer.goto(review + "/actions")
    _press(reviewer, "link", "Add an action")
    reviewer.get_by_label("Description of the action").fill(
        "Agree a handover deadline with every prison in the region."
    )
    reviewer.get_by_label("How will we know it worked?").fill(
        "Every handover arrives at least 10 days before release at the next audit."
    )
    reviewer.get_by_label(re.compile("Transitions and handovers – organisational level")).check()
    reviewer.get_by_label("Regional", exact=True).check()
    reviewer.get_by_label("Owner’s title").fill("Regional probation director")
    reviewer.get_by_label("Owner", exact=True).select_option(label=f"Lee Leadership ({OWNER})")
    due = reviewer.get_by_role("group", name="Due date")
    due.get_by_label("Day").fill("30")
    due.get_by_label("Month").fill("6")
    due.get_by_label("Year").fill("2027")
    again = reviewer.get_by_role("group", name="Review date")
    again.get_by_label("Day").fill("31")
    again.get_by_label("Month").fill("12")
    again.get_by_label("Year").fill("2027")
    _press(reviewer, "button", "Save action")
    assert "Action added." in reviewer.locator(".govuk-notification-banner").inner_text()
    card = reviewer.locator(".govuk-summary-card").last  # the demo review has actions already
    assert "Lee Leadership, Regional probation director" in card.inner_text()
    assert "Transitions and handovers – organisational level" in card.inner_text()

    # 2. The review is approved with its action plan (the test helpers).
    _approve(site[1], "-0002")

    # 3. Lee, the owner, marks it done with the evidence: the box appears once Done is chosen.
    owner = open_as(OWNER)
    owner.goto("/")
    mine = owner.locator("#actions-you-own")
    assert "Agree a handover deadline" in mine.inner_text()
    _press(owner, "link", re.compile("Agree a handover deadline"))
    _press(owner, "link", re.compile("Update progress"))
    evidence = owner.get_by_label("What was done (the evidence)")
    assert not evidence.is_visible()
    owner.get_by_label("Done: it has been carried out").check()
    assert evidence.is_visible()
    evidence.fill(EVIDENCE)
    _press(owner, "button", "Save progress")
    assert "the action is done" in owner.locator(".govuk-notification-banner").inner_text()
    assert "Done – awaiting verification" in owner.locator(".govuk-summary-card").last.inner_text()
    assert owner.get_by_role("link", name=re.compile("Verify or send back")).count() == 0

    # 4. Cara, another leadership user, verifies it from her home page.
    checker = open_as(CHECKER)
    checker.goto("/")
    # the demo has another action waiting too: this one is found by its words
    _press(checker, "link", re.compile("Verify or send back.*Agree a handover deadline"))
    assert EVIDENCE in checker.locator("#owner-evidence").inner_text()
    checker.get_by_label("Verify: it was done and it worked").check()
    checker.get_by_label("Verification note").fill("Read the audit of handovers: all on time.")
    _press(checker, "button", "Save decision")
    assert "Action verified." in checker.locator(".govuk-notification-banner").inner_text()
    card = checker.locator(".govuk-summary-card").last
    assert card.locator(".govuk-tag").first.inner_text().strip() == "Verified"
    assert "Verified by Cara Checker" in card.inner_text()
