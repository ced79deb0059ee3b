"""The lifecycle pages: status and next steps (every unmet rule, linked to its fix),
countersigning by quality assurance, and the history of the review."""

from __future__ import annotations

import re

import pytest

from sfo_review.cli.ratings_data import approval_form
from sfo_review.extensions import db
from sfo_review.models import ReportSnapshot, Review
from sfo_review.services import findings as finding_service
from sfo_review.services import reviews as review_service
from sfo_review.services import transitions as transition_service
from tests import helpers_rules
from tests.helpers import csrf_token as csrf_from
from tests.helpers_forms import (
    HOSTILE,
    JUDGEMENT,
    ROLES,
    errors,
    expect_status,
    move_to,
    page,
    post,
    sign_in,
    sign_out,
    text_of,
)

STATUS = "/reviews/{r}/status"
COUNTERSIGN = "/reviews/{r}/countersign"
HISTORY = "/reviews/{r}/history"


def url(template, data):
    return template.format(r=data["review"].id)


def status_of(data) -> str:
    db.session.expire_all()
    return db.session.get(Review, data["review"].id).status


def ready_for_qa_except_balance(data):
    """Judgement written and countersigner named, at factual accuracy; the subject's statement
    in and every participant has said they have nothing to add."""
    move_to(data, "factual_accuracy")
    review = data["review"]
    helpers_rules.settle_statements(review, data["officer"])
    helpers_rules.nothing_to_add(review)
    review_service.update_review(
        data["reviewer"],
        review,
        {
            "version": review.version,
            "overall_judgement": JUDGEMENT,
            "countersigner_email": data["qa"].email,
        },
    )


# --- who may open what ---------------------------------------------------------------------

STATUS_ACCESS = {
    "reviewer": 200,
    "other_reviewer": 404,
    "officer": 200,
    "other_officer": 404,
    "quality_assurer": 404,
    "leadership": 200,
    "admin": 404,
    "anonymous": "sign-in",
}
COUNTERSIGN_ACCESS = {
    "reviewer": 403,
    "other_reviewer": 404,
    "officer": 403,
    "other_officer": 404,
    "quality_assurer": 200,
    "leadership": 403,
    "admin": 404,
    "anonymous": "sign-in",
}
HISTORY_ACCESS = {**STATUS_ACCESS, "officer": 403}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_see_the_status_page(client, full_review, login_as, role):
    data = full_review()
    sign_in(role, data, login_as)
    expect_status(client.get(url(STATUS, data)), STATUS_ACCESS[role])


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_countersigning(client, full_review, login_as, role):
    data = full_review()
    move_to(data, "quality_assurance")
    sign_in(role, data, login_as)
    expect_status(client.get(url(COUNTERSIGN, data)), COUNTERSIGN_ACCESS[role])


@pytest.mark.parametrize("role", ROLES)
def test_who_may_read_the_history(client, full_review, login_as, role):
    data = full_review()
    sign_in(role, data, login_as)
    expect_status(client.get(url(HISTORY, data)), HISTORY_ACCESS[role])


@pytest.mark.parametrize(
    ("stage", "expected"), [("in_review", 404), ("quality_assurance", 200), ("closed", 200)]
)
def test_an_unnamed_quality_assurer_sees_history_from_quality_assurance(
    client, full_review, login_as, stage, expected
):
    data = full_review()
    move_to(data, stage)
    login_as("quality_assurer")
    expect_status(client.get(url(HISTORY, data)), expected)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_move_the_review_on(client, full_review, login_as, role):
    data = full_review()
    user = sign_in(role, data, login_as)
    form_url = "/account/password" if user else "/sign-in"
    response = post(client, url(STATUS, data), {"to": "factual_accuracy"}, form_url=form_url)
    expected = {**STATUS_ACCESS, "reviewer": 302, "officer": 403, "leadership": 403}[role]
    expect_status(response, expected)
    assert status_of(data) == ("factual_accuracy" if role == "reviewer" else "in_review")


# --- the status page ---------------------------------------------------------------------


@pytest.mark.csrf
def test_status_page_shows_the_lifecycle_and_the_move_button(client, full_review, login_as):
    data = full_review()
    login_as(user=data["reviewer"])
    soup = page(client.get(url(STATUS, data)))
    assert len(soup.select("h1")) == 1
    assert soup.select_one("h1").get_text(strip=True) == "Status: in review"
    stages = [" ".join(li.get_text(" ").split()) for li in soup.select("#stages li")]
    assert stages == [
        "In review Current",
        "Factual accuracy",
        "Quality assurance",
        "Approved",
        "Closed",
    ]
    form = soup.select_one("#next-factual_accuracy form")
    assert form.select_one("input[name=to]")["value"] == "factual_accuracy"
    assert form.select_one("input[name=csrf_token]") is not None
    assert "Send for factual accuracy check" in form.get_text()


def test_every_unmet_rule_is_listed_with_a_link_to_its_fix(client, make_review, login_as):
    reviewer = login_as("reviewer")
    review = make_review(reviewer)
    soup = page(client.get(STATUS.format(r=review.id)))
    section = soup.select_one("#next-factual_accuracy")
    rules = [li.get_text(strip=True) for li in section.select(".app-unmet-rules li")]
    assert rules == ["Add at least one chronology entry", "Add at least one finding"]
    assert section.select_one("form") is None
    finding_link = section.select_one(".app-unmet-rules li:nth-of-type(2) a")
    assert finding_link["href"] == f"/reviews/{review.id}/findings"


def test_the_balance_rule_blocks_quality_assurance_until_context_is_linked(
    client, full_review, login_as
):
    data = full_review(balanced=False)
    ready_for_qa_except_balance(data)
    finding = data["finding"]
    login_as(user=data["reviewer"])
    soup = page(client.get(url(STATUS, data)))
    section = soup.select_one("#next-quality_assurance")
    assert section.select_one("form") is None
    link = section.select_one(".app-unmet-rules a")
    assert link.get_text(strip=True).startswith(
        "Finding “Risk not reassessed” finds an individual's practice insufficient: link the "
        f"caseload context of {data['officer'].name} and at least one systemic factor"
    )
    edit_url = f"/reviews/{data['review'].id}/findings/{finding.id}/edit"
    assert link["href"] == edit_url

    # Asking anyway shows the rule on the page, and nothing moves.
    response = post(client, url(STATUS, data), {"to": "quality_assurance"})
    assert response.status_code == 200
    assert any("finds an individual's practice insufficient" in e for e in errors(response))
    assert status_of(data) == "factual_accuracy"

    # The reviewer follows the link and weighs the context.
    edit_page = page(client.get(edit_url))
    values = {
        "title": finding.title,
        "practice_area": finding.practice_area,
        "judgement": finding.judgement,
        "narrative": finding.narrative,
        "attribution": ["individual", "team"],
        "systemic_factor_ids": [str(data["factor"].id)],
        "subject_participant_ids": [str(data["participant"].id)],
        "caseload_context_ids": [str(data["context"].id)],
        "chronology_ids": [str(data["entry"].id)],
        "version": edit_page.select_one("input[name=version]")["value"],
    }
    assert post(client, edit_url, values).status_code == 302

    soup = page(client.get(url(STATUS, data)))
    section = soup.select_one("#next-quality_assurance")
    assert section.select_one(".app-unmet-rules") is None
    assert section.select_one("form input[name=to]")["value"] == "quality_assurance"
    response = post(client, url(STATUS, data), {"to": "quality_assurance"})
    assert response.status_code == 302
    assert status_of(data) == "quality_assurance"


def test_all_rules_for_quality_assurance_are_listed_at_once(client, full_review, login_as):
    data = full_review(balanced=False)
    move_to(data, "factual_accuracy")
    login_as(user=data["reviewer"])
    section = page(client.get(url(STATUS, data))).select_one("#next-quality_assurance")
    links = section.select(".app-unmet-rules li a")
    rules = [(a.get_text(strip=True), a["href"]) for a in links]
    review_id, finding_id = data["review"].id, data["finding"].id
    officer = data["officer"].name
    ends = data["review"].factual_accuracy_ends_on
    edit = f"/reviews/{review_id}/findings/{finding_id}/edit"
    assert rules == [
        (
            "Finding “Risk not reassessed” finds an individual's practice insufficient: link the "
            f"caseload context of {officer} and at least one systemic factor, or explain in at "
            "least 100 characters why no wider factor applied",
            edit,
        ),
        (
            "Finding “Risk not reassessed” points to system learning: attribute it also to a "
            "team, organisational, partnership or national level and link a systemic factor of "
            "that level",
            edit,
        ),
        (
            f"Finding “Risk not reassessed” is about {officer}, whose statement is not yet "
            "submitted or declined",
            f"/reviews/{review_id}/statements",
        ),
        (
            f"{officer} is still within their factual accuracy window (until {ends.day} "
            f"{ends:%B %Y}): they have not replied to “Risk not reassessed” nor said they have "
            "nothing to add",
            f"/reviews/{review_id}/findings",
        ),
        ("Write the overall judgement", f"/reviews/{review_id}/judgement"),
        ("Name a countersigner", f"/reviews/{review_id}/judgement"),
    ]
    for _, href in rules:
        assert client.get(href).status_code == 200


@pytest.mark.parametrize(
    ("to", "message"),
    [
        ("", "Select the status to move to"),
        ("finished", "Select the status to move to"),
        ("approved", None),  # a reviewer may not approve: 403
        ("closed", None),
    ],
)
def test_bad_transition_requests_never_fail_badly(client, full_review, login_as, to, message):
    data = full_review()
    login_as(user=data["reviewer"])
    response = post(client, url(STATUS, data), {"to": to})
    if message:
        assert response.status_code == 200
        assert errors(response)[0].startswith(message)
    else:
        assert response.status_code == 403
    assert status_of(data) == "in_review"


def test_a_transition_not_allowed_from_here_is_explained(client, full_review, login_as):
    data = full_review()
    login_as(user=data["reviewer"])
    response = post(client, url(STATUS, data), {"to": "quality_assurance"})
    assert response.status_code == 200
    assert errors(response) == ["A review that is in review cannot move to quality assurance"]


def test_leadership_close_an_approved_review_with_every_action_done(client, full_review, login_as):
    data = full_review()
    move_to(data, "approved")
    helpers_rules.verify_actions(data["review"], data["qa"])  # api-v1.1 B: the close rule
    login_as("leadership")
    soup = page(client.get(url(STATUS, data)))
    assert "Close the review" in soup.select_one("#next-closed form").get_text()
    assert post(client, url(STATUS, data), {"to": "closed"}).status_code == 302
    assert status_of(data) == "closed"
    assert "This review is closed" in text_of(client.get(url(STATUS, data)))


# --- countersigning ------------------------------------------------------------------------


def test_countersign_page_shows_balance_judgement_and_draft_report(client, full_review, login_as):
    data = full_review()
    move_to(data, "quality_assurance")
    login_as(user=data["qa"])
    soup = page(client.get(url(COUNTERSIGN, data)))
    assert len(soup.select("h1")) == 1
    assert (
        "All 1 finding that finds an individual’s practice insufficient show the conditions"
        in " ".join(soup.select_one("#balance-summary").get_text(" ").split())
    )
    assert soup.select_one("#overall-judgement").get_text(strip=True) == JUDGEMENT
    assert soup.select_one("#draft-pdf")["href"] == (
        f"/reviews/{data['review'].id}/report.pdf?variant=full"
    )
    assert soup.select_one("#approve-form input[name=to]")["value"] == "approved"
    assert soup.select_one("#return-form textarea[name=reason]") is not None


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Enter the reason for returning the review"),
        ("   \n", "Enter the reason for returning the review"),
        ("x" * 20_001, "Reason must be 20,000 characters or fewer"),
    ],
)
def test_returning_needs_a_reason(client, full_review, login_as, reason, message):
    data = full_review()
    move_to(data, "quality_assurance")
    login_as(user=data["qa"])
    response = post(client, url(COUNTERSIGN, data), {"to": "in_review", "reason": reason})
    assert response.status_code == 200
    assert errors(response) == [message]
    assert status_of(data) == "quality_assurance"


def test_quality_assurance_returns_the_review_with_a_reason(client, full_review, login_as):
    data = full_review()
    move_to(data, "quality_assurance")
    login_as(user=data["qa"])
    response = post(client, url(COUNTERSIGN, data), {"to": "in_review", "reason": HOSTILE})
    assert response.status_code == 302
    assert status_of(data) == "in_review"
    sign_out(client)
    login_as(user=data["reviewer"])
    response = client.get(url(STATUS, data))
    html = response.get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Returned by quality assurance" in page(response).select_one("#return-reason").get_text()


@pytest.mark.parametrize(
    ("role", "shown"), [("reviewer", True), ("leadership", True), ("officer", False)]
)
def test_the_return_reason_is_for_the_review_team(client, full_review, login_as, role, shown):
    data = full_review()
    move_to(data, "quality_assurance")
    transition_service.transition(
        data["qa"], data["review"], {"to": "in_review", "reason": "Analyse the supervision."}
    )
    sign_in(role, data, login_as)
    for template in (STATUS, "/reviews/{r}"):
        response = client.get(url(template, data))
        assert response.status_code == 200
        assert ("Analyse the supervision." in text_of(response)) is shown, template


def test_an_unnamed_quality_assurer_may_return_but_not_approve(client, full_review, login_as):
    data = full_review()
    move_to(data, "quality_assurance")
    login_as("quality_assurer")
    soup = page(client.get(url(COUNTERSIGN, data)))
    assert soup.select_one("#approve-form") is None
    assert (
        f"Only the named countersigner, {data['qa'].name}, can approve this review"
        in soup.select_one("#cannot-approve").get_text()
    )
    response = post(client, url(COUNTERSIGN, data), approval_form())
    assert response.status_code == 403
    assert status_of(data) == "quality_assurance"
    assert db.session.query(ReportSnapshot).count() == 0


def test_the_named_countersigner_approves(client, full_review, login_as):
    """Needs the PDF renderer (sfo_review/pdf/render.py): approval keeps the report."""
    data = full_review()
    move_to(data, "quality_assurance")
    helpers_rules.address_factors(data["review"])  # api-v1.1 B: the action balance rule
    login_as(user=data["qa"])
    response = post(client, url(COUNTERSIGN, data), approval_form())
    assert response.status_code == 302, errors(response)
    assert status_of(data) == "approved"
    assert db.session.query(ReportSnapshot).filter_by(format="standard").count() == 2
    soup = page(client.get(url(COUNTERSIGN, data)))
    assert "It can be approved or returned only while it is at quality assurance" in (
        soup.select_one("#not-at-qa").get_text()
    )
    assert soup.select_one("#approve-form") is None


def test_countersigning_before_quality_assurance_is_refused(client, full_review, login_as):
    data = full_review()
    move_to(data, "factual_accuracy")
    review_service.update_review(
        data["reviewer"],
        data["review"],
        {"version": data["review"].version, "countersigner_email": data["qa"].email},
    )
    login_as(user=data["qa"])  # named, so they may see the review already
    token = csrf_from(client, url(COUNTERSIGN, data))
    response = client.post(url(COUNTERSIGN, data), data={"to": "approved", "csrf_token": token})
    assert response.status_code == 200
    assert errors(response) == ["A review that is factual accuracy cannot move to approved"]
    assert status_of(data) == "factual_accuracy"


# --- history -----------------------------------------------------------------------------


def _history_titles(client, data, query=""):
    soup = page(client.get(url(HISTORY, data) + query))
    return [t.get_text(" ", strip=True) for t in soup.select(".moj-timeline__title")], soup


def test_history_is_a_timeline_of_who_did_and_read_what_in_plain_words(
    client, full_review, login_as
):
    data = full_review()
    move_to(data, "factual_accuracy")
    finding_service.add_response(data["officer"], data["review"], data["finding"], {"body": "No"})
    login_as(user=data["officer"])
    client.get(f"/reviews/{data['review'].id}/findings")
    sign_out(client)
    boss = login_as("leadership")
    soup = page(client.get(url(HISTORY, data)))
    assert len(soup.select("h1")) == 1
    items = soup.select(".moj-timeline .moj-timeline__item")
    titles = [i.select_one(".moj-timeline__title").get_text(strip=True) for i in items]
    assert titles[0] == f"{boss.name} read the history"  # newest first, this very view included
    officer, reviewer = data["officer"].name, data["reviewer"].name
    read = items[titles.index(f"{officer} read the findings")]
    assert read.select_one(".moj-timeline__byline").get_text(strip=True) == "Officer"
    assert "View" in read.select_one(".moj-timeline__description").get_text()
    assert f"{officer} replied to finding “Risk not reassessed”" in titles
    assert f"{reviewer} moved the review from in review to factual accuracy" in titles
    assert f"{reviewer} added finding “Risk not reassessed”" in titles
    text = soup.get_text(" ")
    assert "review.viewed" not in text and "review.transitioned" not in text
    # HTML allows one to three digits of a fraction of a second: the page prints none
    for time in soup.select(".moj-timeline__date time"):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", time["datetime"])


def test_history_groups_one_persons_repeated_reads_of_a_page(client, full_review, login_as):
    data = full_review()
    reviewer = login_as(user=data["reviewer"])
    for _ in range(14):
        client.get(f"/reviews/{data['review'].id}/findings")
    titles, soup = _history_titles(client, data)
    assert titles[:2] == [
        f"{reviewer.name} read the history",
        f"{reviewer.name} read the findings 14 times",
    ]
    dates = soup.select(".moj-timeline__item")[1].select_one(".moj-timeline__date")
    assert dates.get_text(" ", strip=True).startswith("between ")
    assert len(dates.select("time")) == 2


def test_history_filters_by_person_and_by_kind(client, full_review, login_as):
    data = full_review()
    move_to(data, "factual_accuracy")
    login_as(user=data["officer"])
    client.get(f"/reviews/{data['review'].id}/findings")
    sign_out(client)
    reviewer = login_as(user=data["reviewer"])
    officer = data["officer"]

    titles, soup = _history_titles(client, data, f"?person={officer.id}")
    assert titles == [f"{officer.name} read the findings"]
    names = [o.get_text(strip=True) for o in soup.select("#history-person option")]
    assert names[0] == "Everyone" and {officer.name, reviewer.name} <= set(names)

    changes, _ = _history_titles(client, data, "?kind=changes")
    assert changes and not any(" read the " in t for t in changes)
    assert f"{reviewer.name} moved the review from in review to factual accuracy" in changes
    reads, _ = _history_titles(client, data, "?kind=reads")
    assert reads and all(" read the " in t for t in reads)
    mine, _ = _history_titles(client, data, f"?kind=changes&person={officer.id}")
    assert mine == []


@pytest.mark.parametrize(
    "query, field, message",
    [
        ("?kind=<script>", "kind", "Choose what to show"),
        ("?person=abc", "person", "Choose a person from the list"),
        ("?person=999999", "person", "Choose a person from the list"),
    ],
)
def test_history_filters_say_what_is_wrong_and_show_everything(
    client, full_review, login_as, query, field, message
):
    data = full_review()
    login_as(user=data["reviewer"])
    response = client.get(url(HISTORY, data) + query)
    assert response.status_code == 200
    soup = page(response)
    assert message in soup.select_one(".govuk-error-summary").get_text()
    assert soup.select_one(f"#history-{field}-error")
    assert "<script>" not in response.get_data(as_text=True)
    assert soup.select(".moj-timeline__item")  # unfiltered


@pytest.mark.parametrize("page_number", ["abc", "-3", "0", "99999999999999999999999"])
def test_history_page_numbers_never_fail(client, full_review, login_as, page_number):
    data = full_review()
    login_as(user=data["reviewer"])
    response = client.get(url(HISTORY, data) + f"?page={page_number}")
    assert response.status_code == 200


def test_every_lifecycle_page_records_the_view(client, full_review, login_as):
    data = full_review()
    move_to(data, "quality_assurance")
    login_as(user=data["qa"])
    for template in (STATUS, COUNTERSIGN):
        client.get(url(template, data))
    titles, _ = _history_titles(client, data)
    name = data["qa"].name
    assert titles[:3] == [
        f"{name} read the history",
        f"{name} read the countersigning page",
        f"{name} read the status",
    ]
