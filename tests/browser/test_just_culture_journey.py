"""The individual's side of every finding (api-v1.1 A), driven in headless Chromium by each
role, on a live server of its own (so no other browser test changes what it starts from).

The reviewer records an individual shortfall finding about the officer, runs the
just-culture assessment to system learning, is told by the Status page to add a systemic
attribution, adds it and links the officer's statement; the officer reads and answers their
own caseload figures, reads their statement under the finding, replies, and sees the
reviewer's answer; everyone has their say; quality assurance sees statements and replies at
a glance and approves; the officer is told and downloads their own copy of the review.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from tests.browser.conftest import DEMO_PASSWORD, demo_server
from tests.browser.ratings import rate_the_review
from tests.browser.test_journey import _add_action

pytestmark = pytest.mark.browser

RATIONALE = (
    "Colleagues of the same grade holding 68 cases, with two vacant posts in the team, would "
    "very likely have missed the home visits too: the learning is in the allocation."
)
ACCOUNT = "The 68 cases leave out the two vacant caseloads I covered from June."
REPLY = "I asked my manager for help with the vacant caseloads in June."
TITLE = "Home visits not made after release"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with demo_server(tmp_path_factory.mktemp("just_culture")) as (address, _app):
        yield address


@pytest.fixture
def open_as(browser: Any, site: str) -> Iterator[Callable[[str], Any]]:
    contexts = []

    def open_page(email: str) -> Any:
        context = browser.new_context(base_url=site, accept_downloads=True)
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


def _review_0002(page: Any) -> str:
    page.goto("/")
    link = page.get_by_role("link", name=re.compile(r"SFO-\d{4}-0002")).first
    return str(link.get_attribute("href"))


def _choose(page: Any, answer: str) -> None:
    page.get_by_label(answer, exact=True).check()
    _press(page, "button", "Save and continue")


def test_the_individuals_side_of_a_finding_from_first_record_to_their_own_copy(open_as):
    # 1. The reviewer records an individual shortfall finding about the officer.
    reviewer = open_as("reviewer@example.gov.uk")
    review = _review_0002(reviewer)
    reviewer.goto(review + "/findings/new")
    reviewer.get_by_label("Title").fill(TITLE)
    reviewer.get_by_label("Implementation").check()
    reviewer.get_by_label("Insufficient").check()
    reviewer.get_by_label("Narrative").fill("Two home visits after release were not made.")
    reviewer.get_by_role("group", name=re.compile("attributed to")).get_by_label(
        "Individual", exact=True
    ).check()
    about = reviewer.get_by_role("group", name="Who is this finding about?")
    about.get_by_label(re.compile("Olu Officer")).check()
    _press(reviewer, "button", "Save finding")
    assert TITLE in reviewer.locator("h1").inner_text()
    finding = reviewer.url.split("#")[0]

    # 2. ... runs the just-culture assessment, one question a page, to system learning.
    _press(reviewer, "link", re.compile("just-culture", re.I))
    _press(reviewer, "link", re.compile("Start the assessment"))
    for answer in ("No", "No", "Yes", "Yes", "No"):  # harm, health, protocol, workable, knowingly
        _choose(reviewer, answer)
    reviewer.get_by_label("Yes", exact=True).check()  # the substitution test
    reviewer.get_by_label("Who did you compare them with?").fill("PSOs holding 60+ cases")
    _press(reviewer, "button", "Save and continue")
    _choose(reviewer, "No")  # training gap
    _choose(reviewer, "No")  # supervision gap
    reviewer.get_by_label("Rationale").fill(RATIONALE)
    _press(reviewer, "button", "Save and continue")
    assert "Outcome: System learning" in reviewer.locator("main").inner_text()
    _press(reviewer, "button", "Confirm the assessment")
    assert "System learning" in reviewer.locator(".govuk-panel").inner_text()

    # 3. The Status page says what the review still needs for this finding, with links.
    reviewer.goto(review + "/status")
    rules = " ".join(reviewer.locator(".app-unmet-rules").all_inner_texts())
    assert TITLE in rules
    assert re.search(r"systemic|level other than", rules, re.I), rules
    assert re.search(r"known at the time", rules, re.I), rules

    # 4. ... adds a systemic attribution, the evidence, and the officer's statement.
    reviewer.goto(finding + "/edit")
    reviewer.get_by_role("group", name=re.compile("attributed to")).get_by_label(
        "Organisational", exact=True
    ).check()
    for group in ("Systemic factors", "Caseload contexts", "Chronology entries"):
        boxes = reviewer.get_by_role("group", name=group).get_by_role("checkbox")
        for i in range(boxes.count()):
            boxes.nth(i).check()
    statements = reviewer.get_by_role("group", name="Statements to show with this finding")
    statements.get_by_label(re.compile("Olu Officer")).check()
    _press(reviewer, "button", "Save finding")
    reviewer.goto(review + "/status")
    left = reviewer.locator("main").inner_text()
    assert not re.search(r"level other than|systemic attribution", left, re.I), left

    # 5. The officer reads and answers their own caseload figures.
    officer = open_as("officer@example.gov.uk")
    officer.goto(review)
    _press(officer, "link", "Your working conditions as recorded")
    assert "68" in officer.locator("main").inner_text()
    officer.get_by_label("Your account").fill(ACCOUNT)
    officer.get_by_label("Number of cases").check()
    _press(officer, "button", "Add your account")
    page_text = officer.locator("main").inner_text()
    assert ACCOUNT in page_text and "Disputed by you" in page_text

    # 6. ... reads their statement under the finding, and replies.
    officer.goto(finding)
    assert "Olu Officer" in officer.locator("main").inner_text()
    officer.get_by_label("Your reply").fill(REPLY)
    _press(officer, "button", "Add your reply")
    assert "Check your reply" in officer.locator("h1").inner_text()
    _press(officer, "button", "Add your reply")
    assert REPLY in officer.locator("main").inner_text()

    # 7. The reviewer sees the account beside the figures and answers the reply.
    reviewer.goto(review + "/caseload-contexts")
    assert "Disputed by Olu Officer" in reviewer.locator("main").inner_text()
    reviewer.goto(finding)
    _press(reviewer, "link", re.compile("Answer this reply"))
    reviewer.get_by_label("Context added").check()
    reviewer.get_by_label(re.compile("Note")).fill("The vacancies are now in the finding.")
    _press(reviewer, "button", "Save answer")
    officer.goto(finding)
    assert "Context added" in officer.locator("main").inner_text()

    # 8. Everyone has their say: the line manager has nothing to add.
    manager = open_as("manager@example.gov.uk")
    manager.goto(review + "/factual-accuracy/done")
    _press(manager, "button", "I have nothing to add")
    officer.goto(review + "/factual-accuracy/done")
    _press(officer, "button", "I have nothing to add")

    # 9. To quality assurance; the countersigner sees statements and replies at a glance.
    reviewer.goto(review + "/judgement")
    reviewer.get_by_label("Overall judgement").fill(
        "Not all reasonable steps were taken, in conditions that made them hard to take."
    )
    _press(reviewer, "button", "Save")
    # api-v1.1 C: the summary written for the family, in plain words.
    reviewer.goto(review + "/family-summary")
    reviewer.get_by_label("Summary for the family").fill(
        "The review found that the supervision fell short, and why. This is what will change."
    )
    _press(reviewer, "button", "Save the summary")
    reviewer.goto(review + "/status")
    # api-v1.1 B: the action plan answers the organisational factor at regional level.
    reviewer.goto(review)
    _add_action(reviewer)
    reviewer.goto(review + "/status")
    unmet = reviewer.locator(".app-unmet-rules")
    assert unmet.count() == 0, unmet.all_inner_texts()
    _press(reviewer, "button", re.compile("quality assurance", re.I))
    assert "Quality assurance" in reviewer.locator(".govuk-caption-l").inner_text()
    qa = open_as("qa@example.gov.uk")
    qa.goto(review + "/countersign")
    glance = qa.locator("main").inner_text()
    assert "Olu Officer" in glance and "Context added" in glance
    rate_the_review(qa)  # api-v1.1 C: the four standards and overall
    _press(qa, "button", re.compile("^Approve", re.I))
    assert "Approved" in qa.locator(".govuk-caption-l").inner_text()

    # 10. The officer is told, and downloads their own copy.
    officer.goto("/notifications")
    assert re.search(r"approved", officer.locator("main").inner_text(), re.I)
    officer.goto(review)
    with officer.expect_download() as download:
        officer.get_by_role("link", name="Download your copy of the review (PDF)").click()
    pdf = Path(download.value.path()).read_bytes()
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)
    text = " ".join(text.split())
    assert TITLE in text and "Context added" in text
    assert " ".join(ACCOUNT.split()) in text
