"""The live action plan report in the browser (api-v1.1 B): offered on the Reports page once
the review is approved, downloaded by the reviewer, quality assurance and leadership, never
frozen; a clear 409 before approval."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient

from sfo_review.extensions import db
from sfo_review.models import AuditEvent, User
from tests.helpers_forms import ROLES, expect_status, move_to, page, sign_in, text_of
from tests.report_fixtures import flat, pdf_pages

PLAN = "/reviews/{r}/report.pdf?variant=action_plan"
PAGE = "/reviews/{r}/reports"
FINISHED = {
    "reviewer": 200,
    "other_reviewer": 404,
    "officer": 403,
    "other_officer": 404,
    "quality_assurer": 200,
    "leadership": 200,
    "admin": 404,
    "anonymous": "sign-in",
}


def _before(status: str) -> dict[str, int | str]:
    qa = 409 if status == "quality_assurance" else 404  # not the named countersigner
    return {**FINISHED, "reviewer": 409, "leadership": 409, "quality_assurer": qa}


def _anonymous(client: FlaskClient) -> None:
    with client.session_transaction() as session:
        session.clear()


@pytest.mark.parametrize(
    "status", ["in_review", "factual_accuracy", "quality_assurance", "approved", "closed"]
)
def test_who_may_download_the_action_plan_at_each_status(
    client: FlaskClient, full_review: Callable[..., dict[str, Any]], login_as, status: str
) -> None:
    data = full_review()
    move_to(data, status)
    expected = FINISHED if status in ("approved", "closed") else _before(status)
    url = PLAN.format(r=data["review"].id)

    for role in ROLES:
        if sign_in(role, data, login_as) is None:
            _anonymous(client)
        response = client.get(url)
        expect_status(response, expected[role])
        if expected[role] == 200:
            assert response.mimetype == "application/pdf"
            assert response.headers["Content-Disposition"].endswith('-action-plan.pdf"')
        if expected[role] == 409:
            assert "This report does not exist yet" in text_of(response)
            assert "once quality assurance approves the review" in text_of(response)


def test_the_reports_page_offers_the_action_plan_once_approved(
    client: FlaskClient, full_review: Callable[..., dict[str, Any]], login_as
) -> None:
    data = full_review()
    review = data["review"]
    login_as(user=data["reviewer"])
    soup = page(client.get(PAGE.format(r=review.id)))
    assert soup.select_one("a[data-download=action_plan]") is None
    assert (
        "Available once quality assurance approves"
        in soup.select_one("#action-plan-not-yet").get_text()
    )

    move_to(data, "approved")
    soup = page(client.get(PAGE.format(r=review.id)))
    link = soup.select_one("a[data-download=action_plan]")
    assert link["href"] == PLAN.format(r=review.id)
    assert soup.select_one("#action-plan-not-yet") is None
    assert "Action plan progress" in soup.get_text()


def test_a_second_download_after_a_change_shows_the_change(
    client: FlaskClient, full_review: Callable[..., dict[str, Any]], login_as: Callable[..., User]
) -> None:
    data = full_review()
    review = move_to(data, "approved", pdfs=True)
    login_as("leadership")
    first = client.get(PLAN.format(r=review.id))
    assert first.status_code == 200
    assert "Not verified yet" in flat(" ".join(pdf_pages(first.data)))

    action = review.actions[0]
    action.status = "verified"
    action.completion_note = "Posts filled."
    action.completed_at = action.verified_at = datetime.now(UTC)
    action.verified_by_id = data["qa"].id
    action.verification_note = "Seen the staffing return."
    db.session.commit()

    second = client.get(PLAN.format(r=review.id))
    text = flat(" ".join(pdf_pages(second.data)))
    assert second.data != first.data
    assert f"Verified by {data['qa'].name}" in text and "Seen the staffing return." in text
    events = (
        db.session.query(AuditEvent)
        .filter_by(review_id=review.id, action="report.exported")
        .order_by(AuditEvent.id)
        .all()
    )
    assert [e.summary for e in events][-1] == "Exported the action plan progress PDF"


def test_hostile_text_in_an_action_prints_as_text(
    client: FlaskClient, full_review: Callable[..., dict[str, Any]], login_as
) -> None:
    hostile = "<script>alert(1)</script> <b>bold</b>"
    data = full_review()
    review = move_to(data, "approved")
    action = review.actions[0]
    action.completion_note = hostile
    db.session.commit()
    login_as("leadership")
    response = client.get(PLAN.format(r=review.id))
    assert hostile in flat(" ".join(pdf_pages(response.data)))
