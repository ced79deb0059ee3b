"""Each demo role's journey, driven in headless Chromium like a person would.

The live server runs on a fresh database seeded by `seed-demo`: SFO-YYYY-0001 is in review
(with a draft statement), SFO-YYYY-0002 is at factual accuracy (statement submitted). The
server is this module's own: the journey changes the demo reviews, and starts from them as
seeded whatever other browser tests ran before it in the same worker.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.browser.conftest import demo_server
from tests.browser.ratings import rate_the_review

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """This module's own live server (new_page opens its pages here)."""
    with demo_server(tmp_path_factory.mktemp("journey")) as (address, _app):
        yield address


def _open_review(page, number: str) -> None:
    page.goto("/")
    _press(page, "link", re.compile(rf"SFO-\d{{4}}-{number}"))


def _press(page, role: str, name) -> None:
    """Click a button or link and wait for the page it leads to."""
    with page.expect_navigation():
        page.get_by_role(role, name=name).first.click()


def _errors(page) -> list[str]:
    return page.locator(".govuk-error-summary__list a").all_inner_texts()


def _add_action(page) -> None:
    """The reviewer adds the action plan's one action, owned by Lee Leadership."""
    _press(page, "link", "Actions")
    _press(page, "link", "Add an action")
    page.get_by_label("Description of the action").fill("Handover checklist for releases")
    page.get_by_label("How will we know it worked?").fill("Every release has a checklist.")
    page.get_by_label(re.compile("Transitions and handovers")).check()
    page.get_by_role("group", name="Level").get_by_label("Regional").check()
    page.get_by_label("Owner’s title").fill("Regional probation director")
    page.get_by_label("Owner", exact=True).select_option(
        label="Lee Leadership (leadership@example.gov.uk)"
    )
    for legend, year in (("Due date", "2027"), ("Review date", "2028")):
        group = page.get_by_role("group", name=legend)
        group.get_by_label("Day").fill("30")
        group.get_by_label("Month").fill("6")
        group.get_by_label("Year").fill(year)
    _press(page, "button", "Save action")
    assert "Action added." in page.locator(".govuk-notification-banner").inner_text()


def test_journey_of_every_role(new_page):
    # 1. The reviewer records a notification and sees the form's errors first.
    reviewer = new_page("reviewer@example.gov.uk")
    assert reviewer.locator("h1").inner_text() == "Your reviews"
    _press(reviewer, "link", "Record a new SFO notification")
    _press(reviewer, "button", "Record notification")
    assert "Enter the case reference" in " ".join(_errors(reviewer))
    reviewer.get_by_label("Case reference number (CRN)").fill("Y654321")
    reviewer.get_by_label("Initials of the person on probation").fill("AB")
    reviewer.get_by_label("Offence charged").fill("Manslaughter <script>alert(1)</script>")
    reviewer.get_by_label("Manslaughter", exact=True).check()
    for legend, (d, m, y) in {
        "Charge date": ("1", "3", "2024"),
        "Notification date": ("4", "3", "2024"),
    }.items():
        group = reviewer.get_by_role("group", name=legend)
        group.get_by_label("Day").fill(d)
        group.get_by_label("Month").fill(m)
        group.get_by_label("Year").fill(y)
    reviewer.get_by_label("Probation region").select_option("Wales")
    reviewer.get_by_label("Probation delivery unit (PDU)").select_option(
        "Cardiff and the Vale of Glamorgan"
    )
    reviewer.get_by_label("Licence").check()
    reviewer.get_by_label("High", exact=True).check()
    _press(reviewer, "button", "Record notification")
    assert reviewer.locator("h1").inner_text().startswith("Review SFO-")
    new_reference = reviewer.locator("h1").inner_text().split()[1]
    assert "Manslaughter <script>alert(1)</script>" in reviewer.content().replace(
        "&lt;", "<"
    ).replace("&gt;", ">")

    # The seeded review in review can move to factual accuracy from its status page.
    _open_review(reviewer, "0001")
    _press(reviewer, "link", "Status and next steps")
    _press(reviewer, "button", re.compile("factual accuracy", re.I))
    assert "Factual accuracy" in reviewer.locator(".govuk-caption-l").inner_text()

    # 2. The officer sees only their reviews and replies to a finding of review 0002.
    officer = new_page("officer@example.gov.uk")
    assert officer.get_by_role("link", name=re.compile(r"SFO-\d{4}-0002")).count() == 1
    # not the review just recorded, in which they have no part
    assert officer.get_by_role("link", name=new_reference).count() == 0
    _open_review(officer, "0002")
    _press(officer, "link", "Findings")
    _press(officer, "link", re.compile("Risk assessment not reviewed"))
    officer.get_by_label("Your reply").fill("The police information arrived after my leave.")
    _press(officer, "button", "Add your reply")
    assert "Check your reply" in officer.locator("h1").inner_text()
    _press(officer, "button", "Add your reply")
    assert "The police information arrived after my leave." in officer.content()

    # 3. The reviewer writes the overall judgement and sends 0002 to quality assurance.
    _open_review(reviewer, "0002")
    reviewer.goto(reviewer.url.rstrip("/") + "/judgement")
    reviewer.get_by_label("Overall judgement").fill(
        "Not all reasonable steps were taken, in conditions that made them hard to take."
    )
    _press(reviewer, "button", "Save")
    reviewer.goto(re.sub(r"/reviews/(\d+).*", r"/reviews/\1/status", reviewer.url))
    # api-v1.1 A: the officer's reply needs an outcome first; the Status page says so.
    unmet = " ".join(reviewer.locator(".app-unmet-rules").all_inner_texts())
    assert "1 reply without an outcome" in unmet
    status = reviewer.url
    _press(reviewer, "link", "Findings")
    _press(reviewer, "link", re.compile("Risk assessment not reviewed"))
    _press(reviewer, "link", re.compile("Answer this reply"))
    reviewer.get_by_label("Context added").check()
    _press(reviewer, "button", "Save answer")
    # api-v1.1 B: the action plan answers the organisational factor at regional level.
    _add_action(reviewer)
    reviewer.goto(status)
    _press(reviewer, "button", re.compile("quality assurance", re.I))
    assert "Quality assurance" in reviewer.locator(".govuk-caption-l").inner_text()

    # 4. The quality assurer approves it.
    qa = new_page("qa@example.gov.uk")
    _open_review(qa, "0002")
    qa.goto(re.sub(r"/reviews/(\d+).*", r"/reviews/\1/countersign", qa.url))
    rate_the_review(qa)  # api-v1.1 C: the four standards and overall
    _press(qa, "button", re.compile("^Approve", re.I))
    assert "Approved" in qa.locator(".govuk-caption-l").inner_text()

    # 5. Leadership downloads the approved PDF; Lee, the action's owner, marks it done; quality
    # assurance verifies it; leadership closes the review.
    leader = new_page("leadership@example.gov.uk")
    _open_review(leader, "0002")
    _press(leader, "link", "Reports")
    with leader.expect_download() as download:
        leader.get_by_role("link", name=re.compile("Download the full report")).click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    _press(leader, "link", "Actions")
    _press(leader, "link", re.compile("^Update progress"))
    leader.get_by_label("Done: it has been carried out").check()
    leader.get_by_label("What was done (the evidence)").fill("Checklist in use since May.")
    _press(leader, "button", "Save progress")
    # Someone other than the owner checks that it worked.
    _press(qa, "link", "Actions")
    _press(qa, "link", re.compile("^Verify or send back"))
    qa.get_by_label("Verify: it was done and it worked").check()
    qa.get_by_label("Verification note").fill("Checklist seen in three case files.")
    _press(qa, "button", "Save decision")
    assert "Verified" in qa.locator(".govuk-summary-card").first.inner_text()
    leader.goto(re.sub(r"/reviews/(\d+).*", r"/reviews/\1/status", leader.url))
    _press(leader, "button", "Close the review")
    assert "Closed" in leader.locator(".govuk-caption-l").inner_text()

    # 6. The history shows who did what, including views and the export.
    _press(leader, "link", "History")
    timeline = leader.locator(".moj-timeline").inner_text()
    assert "exported the full report PDF" in timeline
    assert " read the " in timeline
    assert "Lee Leadership" in timeline
