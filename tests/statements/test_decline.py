"""Declining to give a statement: a participant's right, with a reason that the reviewer,
quality assurance and leadership read in its place; a change of mind brings the draft back."""

from __future__ import annotations

import pytest

from sfo_review.extensions import db
from sfo_review.models import Notification, Statement
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
    sign_out,
    text_of,
)

MINE = "/reviews/{r}/statement"
DECLINE = "/reviews/{r}/statement/decline"
WITHDRAW = "/reviews/{r}/statement/withdraw-decline"
LIST = "/reviews/{r}/statements"
ONE = "/reviews/{r}/statements/{s}"
REASON = "On the advice of my union rep.\nI will speak at interview instead."

WHO_MAY_DECLINE = {
    "reviewer": 403,
    "other_reviewer": 404,
    "officer": 200,
    "other_officer": 404,
    "quality_assurer": 404,
    "leadership": 403,
    "admin": 404,
    "anonymous": "sign-in",
}


def url(template, data, statement=None):
    return template.format(r=data["review"].id, s=statement.id if statement else 0)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_the_decline_page(client, full_review, login_as, role):
    data = full_review()
    sign_in(role, data, login_as)
    expect_status(client.get(url(DECLINE, data)), WHO_MAY_DECLINE[role])


@pytest.mark.parametrize("role", ROLES)
def test_who_may_withdraw_a_decline(client, full_review, login_as, role):
    data = full_review()
    declined = statement_service.decline_statement(
        data["officer"], data["review"], {"reason": REASON}
    )
    sign_in(role, data, login_as)
    expected = {**WHO_MAY_DECLINE, "officer": 302}[role]
    form_url = {"officer": url(MINE, data), "anonymous": "/sign-in"}.get(role, "/account/password")
    expect_status(post(client, url(WITHDRAW, data), {}, form_url=form_url), expected)
    db.session.refresh(declined)
    assert declined.status == ("draft" if role == "officer" else "declined")


@pytest.mark.parametrize("role", ROLES)
def test_who_may_read_a_declined_statement(client, full_review, login_as, role):
    data = full_review()
    declined = statement_service.decline_statement(
        data["officer"], data["review"], {"reason": REASON}
    )
    sign_in(role, data, login_as)
    expected = {**WHO_MAY_DECLINE, "reviewer": 200, "leadership": 200}[role]
    response = client.get(url(ONE, data, declined))
    expect_status(response, expected)
    if expected == 200:
        assert page(response).select_one("#decline-reason").get_text() == REASON
        assert page(response).select_one("#statement-body") is None


def test_officer_declines_with_a_reason_and_the_reviewer_reads_it(client, full_review, login_as):
    data = full_review()
    login_as(user=data["officer"])
    soup = page(client.get(url(MINE, data)))
    assert soup.select_one("#decline-link a")["href"] == url(DECLINE, data)
    response = post(client, url(DECLINE, data), {"reason": REASON})
    assert response.status_code == 302
    soup = page(client.get(url(MINE, data)))
    assert "Declined" in soup.select_one("#statement-status").get_text()
    assert soup.select_one("#decline-reason").get_text() == REASON
    statement = db.session.query(Statement).one()
    assert (statement.status, statement.decline_reason) == ("declined", REASON)
    assert statement.declined_at is not None
    note = db.session.query(Notification).filter_by(user_id=data["reviewer"].id).one()
    assert note.message.startswith(f"{data['officer'].name} has declined to give a statement")

    sign_out(client)
    login_as(user=data["reviewer"])
    soup = page(client.get(url(LIST, data)))
    row = soup.select_one(f"#statement-{statement.id}")
    assert "Declined" in row.get_text() and "On the advice of my union rep." in row.get_text()
    assert "Change how it appears" not in row.get_text()
    overview = text_of(client.get(f"/reviews/{data['review'].id}"))
    assert "2 requested, 0 drafted, 0 submitted, 1 declined with reason" in overview


def test_declining_keeps_a_draft_private_and_a_change_of_mind_brings_it_back(
    client, full_review, login_as
):
    data = full_review()
    statement_service.create_statement(data["officer"], data["review"], {"body": "Private words"})
    login_as(user=data["officer"])
    assert "Your saved draft is kept" in text_of(client.get(url(DECLINE, data)))
    assert post(client, url(DECLINE, data), {"reason": REASON}).status_code == 302
    statement = db.session.query(Statement).one()
    assert statement.body == "Private words"

    sign_out(client)
    login_as(user=data["reviewer"])
    assert "Private words" not in text_of(client.get(url(ONE, data, statement)))

    sign_out(client)
    login_as(user=data["officer"])
    response = post(client, url(WITHDRAW, data), {}, form_url=url(MINE, data))
    assert response.status_code == 302
    soup = page(client.get(url(MINE, data)))
    assert soup.select_one("#statement-body").get_text() == "Private words"
    db.session.refresh(statement)
    assert (statement.status, statement.decline_reason, statement.declined_at) == (
        "draft",
        None,
        None,
    )


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Enter the reason for not giving a statement"),
        ("   \n  ", "Enter the reason for not giving a statement"),
        ("x" * 20_001, "Reason for not giving a statement must be 20,000 characters or fewer"),
    ],
)
def test_bad_reasons_are_refused_and_nothing_saved(client, full_review, login_as, reason, message):
    data = full_review()
    login_as(user=data["officer"])
    response = post(client, url(DECLINE, data), {"reason": reason})
    assert response.status_code == 200
    assert errors(response) == [message]
    assert page(response).select_one("#reason-error") is not None
    assert db.session.query(Statement).count() == 0


def test_a_hostile_reason_is_kept_as_typed_and_shown_literally(client, full_review, login_as):
    data = full_review()
    login_as(user=data["officer"])
    assert post(client, url(DECLINE, data), {"reason": HOSTILE}).status_code == 302
    html = client.get(url(MINE, data)).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert db.session.query(Statement).one().decline_reason == HOSTILE


def test_a_submitted_statement_cannot_be_declined(client, full_review, login_as):
    data = full_review()
    mine = statement_service.create_statement(data["officer"], data["review"], {"body": "Mine"})
    statement_service.submit_statement(data["officer"], data["review"], mine)
    login_as(user=data["officer"])
    response = client.get(url(DECLINE, data))
    assert response.status_code == 302 and response.headers["Location"].endswith(url(MINE, data))
    assert db.session.query(Statement).one().status == "submitted"


def test_declining_is_open_at_factual_accuracy_and_closed_after(client, full_review, login_as):
    data = full_review()
    move_to(data, "factual_accuracy")
    login_as(user=data["officer"])
    response = post(client, url(DECLINE, data), {"reason": REASON}, form_url=url(DECLINE, data))
    assert response.status_code == 302
    assert db.session.query(Statement).one().status == "declined"
    sign_out(client)
    move_to(data, "quality_assurance")
    login_as(user=data["manager"])
    response = post(client, url(DECLINE, data), {"reason": REASON}, form_url=url(DECLINE, data))
    assert response.status_code == 200
    assert (
        "Statements can only be written while the review is in review or at factual accuracy."
        in text_of(response)
    )
    assert db.session.query(Statement).count() == 1


def test_a_declined_statement_cannot_be_edited_or_submitted(full_review):
    from sfo_review.services.errors import Conflict

    data = full_review()
    declined = statement_service.decline_statement(
        data["officer"], data["review"], {"reason": REASON}
    )
    with pytest.raises(Conflict):
        statement_service.update_statement(
            data["officer"], data["review"], declined, {"version": declined.version, "body": "x"}
        )
    with pytest.raises(Conflict):
        statement_service.submit_statement(data["officer"], data["review"], declined)
    with pytest.raises(Conflict):
        statement_service.decline_statement(data["officer"], data["review"], {"reason": "again"})


def test_a_declined_statement_has_no_report_choice_and_its_draft_stays_private(
    client, full_review, login_as
):
    data = full_review()
    statement_service.create_statement(data["officer"], data["review"], {"body": "Kept words"})
    declined = statement_service.decline_statement(
        data["officer"], data["review"], {"reason": REASON}
    )
    login_as(user=data["reviewer"])
    soup = page(client.get(url(ONE, data, declined)))
    assert "Change how this statement appears" not in soup.get_text()
    assert "In the report" not in soup.get_text()
    inclusion = url(ONE, data, declined) + "/inclusion"
    assert client.get(inclusion).status_code == 404
    response = post(
        client, inclusion, {"include_in_report": "full", "version": "1"}, form_url=url(LIST, data)
    )
    assert response.status_code == 404
    from sfo_review.services.errors import Conflict

    with pytest.raises(Conflict):
        statement_service.update_statement(
            data["reviewer"],
            data["review"],
            declined,
            {"version": declined.version, "include_in_report": "summary", "summary": "x"},
        )
    db.session.refresh(declined)
    assert (declined.include_in_report, declined.summary) == ("full", None)
