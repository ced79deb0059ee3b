"""The factual accuracy end date: set on the move to factual accuracy, shown to officers on
their reviews list (what is asked and by when), on the findings pages and in the API."""

from __future__ import annotations

from datetime import date

from sfo_review.services import statements as statement_service
from sfo_review.services import users as user_service
from sfo_review.services.deadlines import add_working_days
from tests.helpers_forms import move_to, page


def gov(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def test_officers_see_their_statement_is_due_by_the_review_due_date(client, login_as, full_review):
    data = full_review()
    review = data["review"]
    login_as(user=data["officer"])
    cell = page(client.get("/")).select_one(f"#review-{review.id} .app-asked")
    assert "Write your statement" in cell.get_text()
    assert page(client.get("/")).select_one(f"#asked-by-{review.id}").get_text(strip=True) == (
        f"By {gov(review.due_date)}"
    )


def test_nothing_is_due_once_the_statement_is_submitted(client, login_as, full_review):
    data = full_review()
    statement = statement_service.create_statement(data["officer"], data["review"], {"body": "x"})
    statement_service.submit_statement(data["officer"], data["review"], statement)
    login_as(user=data["officer"])
    assert page(client.get("/")).select_one(f"#asked-by-{data['review'].id}") is None


def test_replies_are_due_by_the_end_of_the_factual_accuracy_check(client, login_as, full_review):
    data = full_review()
    review = move_to(data, "factual_accuracy")
    ends = add_working_days(date.today(), 10)
    assert review.factual_accuracy_ends_on == ends
    login_as(user=data["officer"])
    assert page(client.get("/")).select_one(f"#asked-by-{review.id}").get_text(strip=True) == (
        f"By {gov(ends)}"
    )
    findings = page(client.get(f"/reviews/{review.id}/findings"))
    assert f"open until {gov(ends)}" in findings.select_one("#factual-accuracy-ends").get_text()
    finding = page(client.get(f"/reviews/{review.id}/findings/{data['finding'].id}"))
    text = finding.select_one("#factual-accuracy-ends").get_text()
    assert f"open until {gov(ends)}" in text
    assert "until the reviewer moves" not in finding.get_text()


def test_the_date_stays_on_the_review_after_the_check(client, login_as, full_review):
    data = full_review()
    review = move_to(data, "quality_assurance")
    assert review.factual_accuracy_ends_on is not None
    login_as(user=data["officer"])
    assert page(client.get("/")).select_one(f"#asked-by-{review.id}") is None
    assert (
        page(client.get(f"/reviews/{review.id}/findings")).select_one("#factual-accuracy-ends")
        is None
    )


def test_the_api_review_object_carries_the_date(client, full_review):
    data = full_review()
    headers = {"Authorization": f"Bearer {user_service.issue_token(data['reviewer'])}"}
    rid = data["review"].id
    assert (
        client.get(f"/api/v1/reviews/{rid}", headers=headers).get_json()["factual_accuracy_ends_on"]
        is None
    )
    move_to(data, "factual_accuracy")
    ends = add_working_days(date.today(), 10).isoformat()
    assert (
        client.get(f"/api/v1/reviews/{rid}", headers=headers).get_json()["factual_accuracy_ends_on"]
        == ends
    )
    listed = client.get("/api/v1/reviews", headers=headers).get_json()["items"]
    assert listed[0]["factual_accuracy_ends_on"] == ends
