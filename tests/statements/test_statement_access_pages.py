"""Who has read your statement (api-v1.1 §A): the pages that show a statement's words to
someone other than its author log each read, a downloaded full report logs an export, and
the author alone sees the log on their statement page."""

from __future__ import annotations

from sqlalchemy import select

from sfo_review.extensions import db
from sfo_review.models import StatementAccess
from sfo_review.services import statements as statement_service
from tests.helpers_forms import HOSTILE, move_to, page

WORDS = "I covered two vacant caseloads and asked for help in March."


def logged() -> list[tuple[int, str]]:
    query = select(StatementAccess.user_id, StatementAccess.action).order_by(StatementAccess.id)
    return [(u, a) for u, a in db.session.execute(query)]


def submitted(data):
    statement = statement_service.create_statement(data["officer"], data["review"], {"body": WORDS})
    return statement_service.submit_statement(data["officer"], data["review"], statement)


def test_reads_by_others_are_logged_and_the_author_sees_who(
    client, login_as, full_review, make_user
):
    data = full_review()
    statement = submitted(data)
    r, s = data["review"].id, statement.id

    login_as(user=data["officer"])
    assert client.get(f"/reviews/{r}/statements/{s}").status_code == 200  # their own
    soup = page(client.get(f"/reviews/{r}/statement"))
    assert soup.select_one("#access-log").get_text(strip=True) == (
        "Nobody else has read your statement yet."
    )
    assert logged() == []

    login_as(user=data["reviewer"])
    assert WORDS in client.get(f"/reviews/{r}/statements/{s}").get_data(as_text=True)
    assert client.get(f"/reviews/{r}/statements/{s}/inclusion").status_code == 200
    assert WORDS not in client.get(f"/reviews/{r}/statements").get_data(as_text=True)
    leader = make_user("leadership", name=f"Lee {HOSTILE}")
    login_as(user=leader)
    response = client.get(f"/reviews/{r}/report.pdf?variant=full")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    family = client.get(f"/reviews/{r}/report.pdf?variant=family_summary")
    assert family.status_code == 200
    reviewer = data["reviewer"].id
    assert logged() == [(reviewer, "viewed"), (reviewer, "viewed"), (leader.id, "exported")]

    login_as(user=data["officer"])
    response = client.get(f"/reviews/{r}/statement")
    soup = page(response)
    assert soup.select_one("#access-log-heading").get_text() == "Who has read your statement"
    table = [
        [td.get_text(" ", strip=True) for td in tr.select("td")]
        for tr in soup.select("#access-log tbody tr")
    ]
    assert [row[1:] for row in table] == [
        [leader.name, "Leadership", "Downloaded it in the full report"],
        [data["reviewer"].name, "Reviewer", "Read it"],
        [data["reviewer"].name, "Reviewer", "Read it"],
    ]
    assert HOSTILE not in response.get_data(as_text=True)  # the name, escaped
    assert len(logged()) == 3  # the author's own page records nothing


def test_nobody_else_sees_the_log(client, login_as, full_review):
    data = full_review()
    submitted(data)
    theirs = statement_service.create_statement(
        data["manager"], data["review"], {"body": "The manager's own account."}
    )
    statement_service.submit_statement(data["manager"], data["review"], theirs)
    login_as(user=data["reviewer"])
    client.get(f"/reviews/{data['review'].id}/statements/{theirs.id}")
    login_as(user=data["officer"])
    soup = page(client.get(f"/reviews/{data['review'].id}/statement"))
    # The officer's log holds nothing of the reads of the manager's statement.
    assert soup.select_one("#access-log").get_text(strip=True) == (
        "Nobody else has read your statement yet."
    )
    login_as(user=data["manager"])
    soup = page(client.get(f"/reviews/{data['review'].id}/statement"))
    assert data["reviewer"].name in soup.select_one("#access-log").get_text()


def test_a_draft_has_no_log_and_logs_nothing(client, login_as, full_review):
    data = full_review()
    draft = statement_service.create_statement(data["officer"], data["review"], {"body": WORDS})
    login_as(user=data["reviewer"])
    assert client.get(f"/reviews/{data['review'].id}/statements/{draft.id}").status_code == 404
    login_as(user=data["officer"])
    soup = page(client.get(f"/reviews/{data['review'].id}/statement"))
    assert soup.select_one("#access-log-heading") is None
    assert logged() == []


def test_an_approved_report_downloaded_is_logged_as_an_export(client, login_as, full_review):
    data = full_review()
    statement = submitted(data)
    move_to(data, "approved", pdfs=True)
    login_as(user=data["qa"])
    response = client.get(f"/reviews/{data['review'].id}/report.pdf?variant=full")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert logged() == [(data["qa"].id, "exported")]
    assert statement.id == db.session.scalars(select(StatementAccess.statement_id)).one()


def test_the_words_shown_under_a_finding_are_a_logged_read(client, login_as, full_review):
    from sfo_review.services import findings as finding_service

    data = full_review()
    statement = submitted(data)
    finding = data["finding"]
    finding_service.update_finding(
        data["reviewer"],
        data["review"],
        finding,
        {"version": finding.version, "statement_ids": [statement.id]},
    )
    url = f"/reviews/{data['review'].id}/findings/{finding.id}"
    login_as("leadership")
    assert WORDS in client.get(url).get_data(as_text=True)
    login_as(user=data["officer"])  # the author's own read is not logged
    assert client.get(url).status_code in (200, 403)
    assert [a for _, a in logged()] == ["viewed"]
