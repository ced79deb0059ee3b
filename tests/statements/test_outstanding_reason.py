"""The reviewer's page for going on without every statement (api-v1.1 A), the statements
page listing everyone asked, and statements written at factual accuracy."""

from __future__ import annotations

import pytest

from sfo_review.extensions import db
from sfo_review.models import Review, Statement
from sfo_review.services import reviews as review_service
from sfo_review.services import statements as statement_service
from tests.helpers_forms import (
    HOSTILE,
    ROLES,
    errors,
    expect_status,
    move_to,
    page,
    post,
    sign_in,
    text_of,
)

REASON_URL = "/reviews/{r}/statements/outstanding-reason"
LIST = "/reviews/{r}/statements"
MINE = "/reviews/{r}/statement"
GOOD = "Olu is on sick leave until next month; the statutory deadline does not allow waiting."
WHO_MAY_RECORD = {
    "reviewer": 200,
    "other_reviewer": 404,
    "officer": 403,
    "other_officer": 404,
    "quality_assurer": 404,
    "leadership": 403,
    "admin": 404,
    "anonymous": "sign-in",
}


def url(template, data):
    return template.format(r=data["review"].id)


def _unsettled(full_review):
    data = full_review()
    data["review"].statements_outstanding_reason = None
    db.session.commit()
    return data


def _reason(data) -> str | None:
    db.session.expire_all()
    return db.session.get(Review, data["review"].id).statements_outstanding_reason


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_and_save_the_reason_page(client, full_review, login_as, role):
    data = _unsettled(full_review)
    sign_in(role, data, login_as)
    expect_status(client.get(url(REASON_URL, data)), WHO_MAY_RECORD[role])
    form_url = url(REASON_URL, data) if role == "reviewer" else "/sign-in"
    response = post(
        client,
        url(REASON_URL, data),
        {"statements_outstanding_reason": GOOD, "version": str(data["review"].version)},
        form_url=form_url if role in ("reviewer", "anonymous") else "/account/password",
    )
    expect_status(response, {**WHO_MAY_RECORD, "reviewer": 302}[role])
    assert _reason(data) == (GOOD if role == "reviewer" else None)


def test_the_countersigner_may_not_record_it(client, full_review, login_as):
    data = _unsettled(full_review)
    review = data["review"]
    review_service.update_review(
        data["reviewer"],
        review,
        {"version": review.version, "countersigner_email": data["qa"].email},
    )
    login_as(user=data["qa"])
    expect_status(client.get(url(REASON_URL, data)), 403)


def test_the_page_asks_one_question_and_names_who_is_waited_for(client, full_review, login_as):
    data = _unsettled(full_review)
    login_as(user=data["reviewer"])
    soup = page(client.get(url(REASON_URL, data)))
    assert len(soup.select("h1")) == 1
    assert soup.select_one("label[for=statements_outstanding_reason]").get_text(strip=True) == (
        "Why should the review go on before every statement is in?"
    )
    waiting = soup.select_one("#waiting").get_text(" ")
    assert data["officer"].name in waiting and data["manager"].name in waiting
    assert "asked" in waiting


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Enter the reason for going on without every statement"),
        ("   ", "Enter the reason for going on without every statement"),
        ("x" * 49, "Reason for going on without every statement must be at least 50 characters"),
        (
            "x" * 20_001,
            "Reason for going on without every statement must be 20,000 characters or fewer",
        ),
    ],
    ids=["empty", "spaces", "49-chars", "too-long"],
)
def test_bad_reasons_are_refused_with_the_message_by_the_field(
    client, full_review, login_as, value, message
):
    data = _unsettled(full_review)
    login_as(user=data["reviewer"])
    response = post(
        client,
        url(REASON_URL, data),
        {"statements_outstanding_reason": value, "version": str(data["review"].version)},
    )
    assert response.status_code == 200
    assert errors(response) == [message]
    soup = page(response)
    assert soup.select_one(".govuk-error-summary a")["href"] == "#statements_outstanding_reason"
    assert message in soup.select_one("#statements_outstanding_reason-error").get_text()
    assert soup.select_one("title").get_text().startswith("Error:")
    assert _reason(data) is None


def test_a_hostile_reason_is_saved_and_shown_as_text(client, full_review, login_as):
    data = _unsettled(full_review)
    login_as(user=data["reviewer"])
    hostile = HOSTILE + " and the officer is on leave for a month."
    response = post(
        client,
        url(REASON_URL, data),
        {"statements_outstanding_reason": hostile, "version": str(data["review"].version)},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/reviews/{data['review'].id}/status")
    assert _reason(data) == hostile
    listed = client.get(url(LIST, data))
    assert "<script>alert(1)</script>" not in listed.get_data(as_text=True)
    assert page(listed).select_one("#outstanding-reason p").get_text() == hostile
    # The rule is met: the Status page no longer lists it.
    status = page(client.get(f"/reviews/{data['review'].id}/status"))
    assert "Statements not yet submitted" not in status.select_one("#next-factual_accuracy").text


def test_a_stale_version_is_refused(client, full_review, login_as):
    data = _unsettled(full_review)
    login_as(user=data["reviewer"])
    response = post(
        client,
        url(REASON_URL, data),
        {"statements_outstanding_reason": GOOD, "version": str(data["review"].version - 1 or 99)},
    )
    assert response.status_code == 200
    assert _reason(data) is None


def test_the_status_page_links_to_the_reason_page(client, full_review, login_as):
    data = _unsettled(full_review)
    login_as(user=data["reviewer"])
    section = page(client.get(f"/reviews/{data['review'].id}/status")).select_one(
        "#next-factual_accuracy"
    )
    link = section.select_one(".app-unmet-rules a")
    assert link.get_text(strip=True).startswith("Statements not yet submitted or declined:")
    assert link["href"] == url(REASON_URL, data)
    assert client.get(link["href"]).status_code == 200


def test_the_statements_page_lists_everyone_asked_from_the_moment_they_are_added(
    client, make_user, make_review, login_as
):
    reviewer = make_user("reviewer")
    officer, manager, third = (make_user("officer") for _ in range(3))
    review = make_review(reviewer)
    people = [
        review_service.add_participant(reviewer, review, {"email": who.email, "role_in_case": role})
        for who, role in (
            (officer, "responsible_officer"),
            (manager, "line_manager"),
            (third, "previous_officer"),
        )
    ]
    statement_service.create_statement(officer, review, {"body": "Private draft words."})
    statement_service.decline_statement(manager, review, {"reason": "No contact with the case."})
    login_as(user=reviewer)
    response = client.get(LIST.format(r=review.id))
    soup = page(response)
    rows = {row["id"]: row for row in soup.select("#asked-table tbody tr")}
    assert list(rows) == [f"asked-{p.id}" for p in people]
    statuses = [row["data-status"] for row in rows.values()]
    assert statuses == ["draft", "declined", "not_started"]
    cells = [
        [" ".join(td.get_text(" ").split()) for td in row.select("td")] for row in rows.values()
    ]
    assert cells[0][0].startswith(officer.name) and "Responsible officer" in cells[0][0]
    assert cells[0][2] == "Draft (not yet submitted)"
    assert cells[0][3] == "Their statement, or a reason for not giving one"
    assert cells[1][2] == "Declined" and cells[1][3] == "Nothing"
    assert cells[2][2] == "Not started"
    assert all(c[1] for c in cells)  # when they were asked
    assert "Private draft words." not in text_of(response)
    assert soup.select_one("#outstanding-reason-link")["href"] == REASON_URL.format(r=review.id)


def test_officers_write_and_submit_at_factual_accuracy(client, full_review, login_as):
    data = full_review()
    move_to(data, "factual_accuracy")
    login_as(user=data["officer"])
    soup = page(client.get(url(MINE, data)))
    assert soup.select_one("#writing-closed") is None
    assert soup.select_one("textarea[name=body]") is not None
    assert "can no longer be written" not in soup.get_text()
    saved = post(client, url(MINE, data), {"body": "Written during factual accuracy."})
    assert saved.status_code == 302
    submitted = post(client, url(MINE, data) + "/submit", {})
    assert submitted.status_code == 302
    statement = db.session.query(Statement).filter_by(author_id=data["officer"].id).one()
    assert statement.status == "submitted"
    # The overview asks for replies first, and no longer for the settled statement.
    asked = [a.get_text(" ", strip=True) for a in page(client.get("/")).select(".app-asked a")]
    assert asked[0].startswith("Read the draft findings and reply")
    assert not any("statement" in a.lower() for a in asked)
