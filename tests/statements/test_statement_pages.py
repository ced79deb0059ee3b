"""Contextual statements: a private draft, a confirmed submission, then read-only; the reviewer,
quality assurance and leadership read submitted statements only and choose how they appear."""

from __future__ import annotations

import pytest

from sfo_review.extensions import db
from sfo_review.models import Statement
from sfo_review.services import statements as statement_service
from tests.helpers import csrf_token as csrf_from
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
SUBMIT = "/reviews/{r}/statement/submit"
LIST = "/reviews/{r}/statements"
ONE = "/reviews/{r}/statements/{s}"
INCLUSION = "/reviews/{r}/statements/{s}/inclusion"
DRAFT_TEXT = "My caseload was 58 cases.\nTwo colleagues were off sick."
SUBMITTED_TEXT = "I covered two vacant caseloads and asked for help in March."


def url(template, data, statement=None):
    return template.format(r=data["review"].id, s=statement.id if statement else 0)


def with_statements(full_review):
    """A review where the manager has submitted a statement and the officer has a draft."""
    data = full_review()
    review = data["review"]
    submitted = statement_service.create_statement(
        data["manager"], review, {"body": SUBMITTED_TEXT}
    )
    statement_service.submit_statement(data["manager"], review, submitted)
    draft = statement_service.create_statement(data["officer"], review, {"body": DRAFT_TEXT})
    return data, submitted, draft


# --- who may open what -----------------------------------------------------------------

WRITE = {
    "reviewer": 403,
    "other_reviewer": 404,
    "officer": 200,
    "other_officer": 404,
    "quality_assurer": 404,
    "leadership": 403,
    "admin": 404,
    "anonymous": "sign-in",
}
READ_LIST = {**WRITE, "reviewer": 200, "officer": 403, "leadership": 200}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_write_a_statement(client, full_review, login_as, role):
    data = full_review()
    sign_in(role, data, login_as)
    expect_status(client.get(url(MINE, data)), WRITE[role])


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_the_submit_page(client, full_review, login_as, role):
    data = full_review()
    statement_service.create_statement(data["officer"], data["review"], {"body": DRAFT_TEXT})
    sign_in(role, data, login_as)
    expect_status(client.get(url(SUBMIT, data)), WRITE[role])


@pytest.mark.parametrize("role", ROLES)
def test_who_may_list_statements(client, full_review, login_as, role):
    data = full_review()
    sign_in(role, data, login_as)
    expect_status(client.get(url(LIST, data)), READ_LIST[role])


@pytest.mark.parametrize("role", ROLES)
def test_who_may_read_a_submitted_statement(client, full_review, login_as, role):
    data, submitted, _draft = with_statements(full_review)
    sign_in(role, data, login_as)
    expected = {**READ_LIST, "officer": 404}[role]  # another officer's statement: never
    expect_status(client.get(url(ONE, data, submitted)), expected)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_set_report_inclusion(client, full_review, login_as, role):
    data, submitted, _draft = with_statements(full_review)
    sign_in(role, data, login_as)
    expected = {**WRITE, "reviewer": 200, "officer": 403}[role]
    expect_status(client.get(url(INCLUSION, data, submitted)), expected)


def test_quality_assurance_reads_submitted_statements_at_their_stage(client, full_review, login_as):
    data, submitted, draft = with_statements(full_review)
    statement_service.submit_statement(data["officer"], data["review"], draft)
    move_to(data, "quality_assurance")
    login_as("quality_assurer")
    soup = page(client.get(url(LIST, data)))
    assert len(soup.select("#statements-table tbody tr")) == 2
    assert client.get(url(ONE, data, submitted)).status_code == 200


# --- the officer's own statement ---------------------------------------------------------


@pytest.mark.csrf
def test_statement_page_offers_prompts_and_a_draft_form(client, full_review, login_as):
    data = full_review()
    login_as(user=data["officer"])
    soup = page(client.get(url(MINE, data)))
    assert soup.select_one("h1").get_text(strip=True) == "Your statement"
    prompts = soup.select_one("#statement-prompts").get_text(" ")
    for prompt in (
        "your caseload and workload at the time",
        "what else was happening in the team",
        "what got in the way",
        "what support you had",
        "what would have helped",
    ):
        assert prompt in prompts
    assert "none of them is mandatory" in prompts
    assert soup.select_one("label[for=body]").get_text(strip=True) == "Your statement"
    assert "Only you can see your draft" in soup.select_one("#body-hint").get_text()
    assert soup.select_one("form input[name=csrf_token]") is not None


def test_officer_saves_a_draft_previews_it_and_edits_it(client, full_review, login_as):
    data = full_review()
    login_as(user=data["officer"])
    response = post(client, url(MINE, data), {"body": DRAFT_TEXT})
    assert response.status_code == 302, errors(response)
    soup = page(client.get(url(MINE, data)))
    assert soup.select_one("#statement-body").get_text() == DRAFT_TEXT
    assert soup.select_one("textarea[name=body]").get_text().strip() == DRAFT_TEXT
    assert "Continue to submit" in soup.get_text()
    statement = db.session.query(Statement).one()
    assert statement.status == "draft"
    version = soup.select_one("input[name=version]")["value"]
    response = post(client, url(MINE, data), {"body": "Second thoughts", "version": version})
    assert response.status_code == 302, errors(response)
    db.session.expire_all()
    assert db.session.query(Statement).one().body == "Second thoughts"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Enter the statement"),
        ("  \n\t ", "Enter the statement"),
        ("x" * 20_001, "Statement must be 20,000 characters or fewer"),
    ],
)
def test_bad_statement_text_is_refused_and_nothing_saved(
    client, full_review, login_as, body, message
):
    data = full_review()
    login_as(user=data["officer"])
    response = post(client, url(MINE, data), {"body": body})
    assert response.status_code == 200
    assert errors(response) == [message]
    assert db.session.query(Statement).count() == 0


def test_hostile_statement_is_saved_as_typed_and_shown_escaped(client, full_review, login_as):
    data = full_review()
    login_as(user=data["officer"])
    assert post(client, url(MINE, data), {"body": HOSTILE}).status_code == 302
    assert db.session.query(Statement).one().body == HOSTILE
    html = client.get(url(MINE, data)).get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_stale_draft_version_is_refused_and_nothing_saved(client, full_review, login_as):
    data = full_review()
    review = data["review"]
    draft = statement_service.create_statement(data["officer"], review, {"body": "First"})
    login_as(user=data["officer"])
    token = csrf_from(client, url(MINE, data))
    statement_service.update_statement(
        data["officer"], review, draft, {"version": draft.version, "body": "From another tab"}
    )
    response = client.post(
        url(MINE, data), data={"body": "Stale", "version": "1", "csrf_token": token}
    )
    assert response.status_code == 200
    assert errors(response)[0].startswith("This was changed by someone else since you opened it")
    db.session.expire_all()
    assert db.session.query(Statement).one().body == "From another tab"


def test_a_second_first_draft_is_refused_with_a_message(client, full_review, login_as):
    data = full_review()
    login_as(user=data["officer"])
    token = csrf_from(client, url(MINE, data))
    statement_service.create_statement(data["officer"], data["review"], {"body": "Tab one"})
    response = client.post(url(MINE, data), data={"body": "Tab two", "csrf_token": token})
    assert response.status_code == 200
    assert errors(response) == [
        "You already have a statement on this review: edit your draft instead."
    ]
    assert db.session.query(Statement).one().body == "Tab one"


def test_submitting_asks_for_confirmation_then_the_statement_is_read_only(
    client, full_review, login_as
):
    data = full_review()
    login_as(user=data["officer"])
    post(client, url(MINE, data), {"body": DRAFT_TEXT})
    soup = page(client.get(url(SUBMIT, data)))
    assert len(soup.select("h1")) == 1
    assert "You cannot change your statement after you submit it" in soup.get_text()
    assert soup.select_one("#statement-body").get_text() == DRAFT_TEXT
    assert db.session.query(Statement).one().status == "draft"  # opening the page changes nothing
    response = post(client, url(SUBMIT, data), {})
    assert response.status_code == 302
    db.session.expire_all()
    statement = db.session.query(Statement).one()
    assert statement.status == "submitted" and statement.submitted_at is not None
    soup = page(client.get(url(MINE, data)))
    assert soup.select_one("textarea") is None
    status = " ".join(soup.select_one("#statement-status").get_text(" ").split())
    assert status.startswith("Submitted You submitted your statement on")
    assert "It cannot be changed." in status
    assert soup.select_one("#statement-body").get_text() == DRAFT_TEXT
    # A changed draft posted afterwards (an old tab) is refused and changes nothing.
    token = csrf_from(client, "/account/password")
    response = client.post(
        url(MINE, data),
        data={"body": "Rewritten", "version": str(statement.version), "csrf_token": token},
    )
    assert "A submitted statement cannot be changed." in errors(response)
    db.session.expire_all()
    assert db.session.query(Statement).one().body == DRAFT_TEXT


def test_submit_without_a_draft_sends_the_officer_back(client, full_review, login_as):
    data = full_review()
    login_as(user=data["officer"])
    response = client.get(url(SUBMIT, data))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(url(MINE, data))


def test_after_approval_the_statement_page_points_to_the_officers_own_copy(
    client, full_review, login_as
):
    data = full_review()
    move_to(data, "approved")
    login_as(user=data["manager"])
    soup = page(client.get(url(MINE, data)))
    what_next = soup.select_one("#what-next")
    assert "findings are final" in what_next.get_text()
    assert what_next.select_one("a")["href"] == f"/reviews/{data['review'].id}"


def test_writing_is_closed_after_factual_accuracy_with_a_clear_message(
    client, full_review, login_as
):
    data = full_review()
    statement_service.create_statement(data["manager"], data["review"], {"body": DRAFT_TEXT})
    login_as(user=data["manager"])
    token = csrf_from(client, url(MINE, data))
    move_to(data, "quality_assurance")
    soup = page(client.get(url(MINE, data)))
    assert soup.select_one("textarea") is None
    closed = "Statements can only be written while the review is in review or at factual accuracy."
    assert closed in soup.select_one("#writing-closed").get_text()
    # the statement notification's link still lands on a page that says what happens next
    assert "If they send it back to the reviewer" in soup.select_one("#what-next").get_text()
    assert data["reviewer"].name in soup.select_one("#who-to-ask").get_text()
    mine = db.session.query(Statement).filter_by(author_id=data["manager"].id).one()
    response = client.post(url(SUBMIT, data), data={"csrf_token": token})
    assert errors(response) == [closed]
    db.session.refresh(mine)
    assert mine.status == "draft"
    response = client.post(
        url(MINE, data), data={"body": "Late", "version": "1", "csrf_token": token}
    )
    assert errors(response) == [closed]
    db.session.refresh(mine)
    assert mine.body == DRAFT_TEXT


# --- privacy -----------------------------------------------------------------------------


def test_another_officer_never_sees_a_draft_or_submitted_statement(client, full_review, login_as):
    data, submitted, draft = with_statements(full_review)
    login_as(user=data["manager"])  # a participant too, with their own submitted statement
    for statement in (draft,):
        response = client.get(url(ONE, data, statement))
        assert response.status_code == 404
        assert DRAFT_TEXT.splitlines()[0] not in response.get_data(as_text=True)
    assert DRAFT_TEXT.splitlines()[0] not in client.get(url(MINE, data)).get_data(as_text=True)
    sign_out(client)
    login_as(user=data["officer"])
    response = client.get(url(ONE, data, submitted))
    assert response.status_code == 404
    assert SUBMITTED_TEXT not in response.get_data(as_text=True)
    assert SUBMITTED_TEXT not in client.get(url(MINE, data)).get_data(as_text=True)


def test_the_reviewer_sees_submitted_statements_but_never_drafts(client, full_review, login_as):
    data, submitted, draft = with_statements(full_review)
    login_as(user=data["reviewer"])
    response = client.get(url(LIST, data))
    soup = page(response)
    rows = soup.select("#statements-table tbody tr")
    assert [r["id"] for r in rows] == [f"statement-{submitted.id}"]
    cells = [" ".join(td.get_text(" ").split()) for td in rows[0].select("td")]
    assert cells[0].startswith(data["manager"].name) and "Line manager" in cells[0]
    assert cells[2] == "In full"
    # The officer with a draft is listed as asked, with the draft's status and never its words.
    assert data["officer"].name not in soup.select_one("#statements-table").get_text()
    asked = soup.select_one(f"#asked-{data['participant'].id}")
    assert asked["data-status"] == "draft"
    assert "Draft (not yet submitted)" in asked.get_text()
    assert DRAFT_TEXT.splitlines()[0] not in text_of(response)
    assert client.get(url(ONE, data, draft)).status_code == 404
    assert DRAFT_TEXT.splitlines()[0] not in client.get(url(ONE, data, draft)).get_data(
        as_text=True
    )
    assert client.get(url(INCLUSION, data, draft)).status_code == 404
    soup = page(client.get(url(ONE, data, submitted)))
    assert soup.select_one("#statement-body").get_text() == SUBMITTED_TEXT


def test_statement_of_another_review_is_not_found(client, full_review, login_as):
    data, submitted, _ = with_statements(full_review)
    other = full_review()
    login_as(user=other["reviewer"])
    target = ONE.format(r=other["review"].id, s=submitted.id)
    assert client.get(target).status_code == 404


# --- how a statement appears in the report ----------------------------------------------


def test_reviewer_chooses_a_summary_for_the_report(client, full_review, login_as):
    data, submitted, _ = with_statements(full_review)
    login_as(user=data["reviewer"])
    soup = page(client.get(url(INCLUSION, data, submitted)))
    assert soup.select_one("input[name=include_in_report][value=full]").has_attr("checked")
    response = post(
        client,
        url(INCLUSION, data, submitted),
        {"include_in_report": "summary", "summary": HOSTILE, "version": str(submitted.version)},
    )
    assert response.status_code == 302, errors(response)
    soup = page(client.get(url(LIST, data)))
    assert "As a summary" in soup.select_one(f"#statement-{submitted.id}").get_text()
    html = client.get(url(ONE, data, submitted)).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({}, "Select the report inclusion"),
        ({"include_in_report": "everything"}, "Select the report inclusion"),
        ({"include_in_report": "summary"}, "Enter the summary to use in the report"),
        (
            {"include_in_report": "summary", "summary": "   "},
            "Enter the summary to use in the report",
        ),
        (
            {"include_in_report": "summary", "summary": "x" * 20_001},
            "Summary must be 20,000 characters or fewer",
        ),
    ],
)
def test_bad_inclusion_choices_are_refused(client, full_review, login_as, values, message):
    data, submitted, _ = with_statements(full_review)
    login_as(user=data["reviewer"])
    response = post(
        client, url(INCLUSION, data, submitted), {**values, "version": str(submitted.version)}
    )
    assert response.status_code == 200
    assert errors(response)[0].startswith(message)
    db.session.expire_all()
    assert db.session.get(Statement, submitted.id).include_in_report == "full"


def test_stale_inclusion_is_refused(client, full_review, login_as):
    data, submitted, _ = with_statements(full_review)
    login_as(user=data["reviewer"])
    stale = str(submitted.version)
    statement_service.update_statement(
        data["reviewer"],
        data["review"],
        submitted,
        {"version": submitted.version, "include_in_report": "summary", "summary": "Theirs"},
    )
    response = post(
        client,
        url(INCLUSION, data, submitted),
        {"include_in_report": "full", "version": stale},
    )
    assert errors(response)[0].startswith("This was changed by someone else since you opened it")
    db.session.expire_all()
    assert db.session.get(Statement, submitted.id).include_in_report == "summary"
