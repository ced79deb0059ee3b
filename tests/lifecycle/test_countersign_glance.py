"""The countersign page shows the people involved at a glance (api-v1.1 A): each
participant's statement state and their replies with the reviewer's answers."""

from __future__ import annotations

from typing import Any

import pytest

from sfo_review.extensions import db
from sfo_review.models import Review
from sfo_review.services import findings as finding_service
from sfo_review.services import reply_outcomes
from sfo_review.services import reviews as review_service
from sfo_review.services import statements as statement_service
from tests.helpers_forms import HOSTILE, ROLES, expect_status, page, sign_in

COUNTERSIGN = "/reviews/{r}/countersign"
ACCESS = {
    "reviewer": 403,
    "other_reviewer": 404,
    "officer": 403,
    "other_officer": 404,
    "quality_assurer": 200,
    "leadership": 403,
    "admin": 404,
    "anonymous": "sign-in",
}


def set_status(review: Review, status: str) -> None:
    """The review at `status` as committed (the transitions' rules: tests/lifecycle)."""
    review.status = status
    db.session.commit()


def at_quality_assurance(full_review: Any, make_user: Any) -> dict[str, Any]:
    """Statements in every state, and replies answered and not, at quality assurance."""
    data = full_review(individual=False)
    review, reviewer = data["review"], data["reviewer"]
    # A third participant who declines; the manager starts a draft; a fourth does nothing.
    duty = make_user("officer", name="Duty Officer")
    quiet = make_user("officer", name="Quiet Officer")
    for person in (duty, quiet):
        review_service.add_participant(
            reviewer, review, {"email": person.email, "role_in_case": "other"}
        )
    officer_statement = statement_service.create_statement(
        data["officer"], review, {"body": "What I did"}
    )
    statement_service.submit_statement(data["officer"], review, officer_statement)
    statement_service.create_statement(data["manager"], review, {"body": "Half written"})
    statement_service.decline_statement(duty, review, {"reason": "On long-term sick leave"})
    set_status(review, "factual_accuracy")
    first = finding_service.add_response(
        data["officer"], review, data["finding"], {"body": "The visit was rearranged."}
    )
    second = finding_service.add_response(
        data["officer"], review, data["finding"], {"body": "And the manager knew."}
    )
    by_manager = finding_service.add_response(
        data["manager"], review, data["finding"], {"body": "I agree with the finding."}
    )
    reply_outcomes.answer_reply(
        reviewer, review, data["finding"], first, {"outcome": "not_accepted", "note": HOSTILE}
    )
    reply_outcomes.answer_reply(
        reviewer, review, data["finding"], by_manager, {"outcome": "context_added"}
    )
    review.countersigner_id = data["qa"].id
    set_status(review, "quality_assurance")
    return {
        **data,
        "duty": duty,
        "quiet": quiet,
        "statement": officer_statement,
        "replies": (first, second, by_manager),
    }


def _person(soup: Any, review: Review, user: Any) -> Any:
    participant = next(p for p in review.participants if p.user_id == user.id)
    return soup.select_one(f"#person-{participant.id}")


def test_each_participant_with_their_statement_and_replies(
    client, full_review, make_user, login_as
):
    data = at_quality_assurance(full_review, make_user)
    review = data["review"]
    login_as(user=data["qa"])
    response = client.get(COUNTERSIGN.format(r=review.id))
    assert response.status_code == 200
    soup = page(response)
    assert soup.select_one("#people-at-a-glance").get_text(strip=True) == "Statements and replies"

    states = {
        "officer": "Submitted",
        "manager": "Draft",
        "duty": "Declined",
        "quiet": "Not started",
    }
    for who, state in states.items():
        table = _person(soup, review, data[who])
        assert table.select_one("caption").get_text(strip=True).startswith(data[who].name)
        statement = table.select_one("[id$=-statement]")
        assert statement.select_one(".govuk-tag").get_text(strip=True) == state
    # Only a statement given (submitted or declined) is linked; a draft is its author's.
    officer = _person(soup, review, data["officer"])
    assert officer.select_one("[id$=-statement] a")["href"] == (
        f"/reviews/{review.id}/statements/{data['statement'].id}"
    )
    assert _person(soup, review, data["manager"]).select_one("[id$=-statement] a") is None

    first, second, by_manager = data["replies"]
    finding_url = f"/reviews/{review.id}/findings/{data['finding'].id}"
    row = officer.select_one(f"#glance-reply-{first.id}")
    assert row.select_one("a")["href"] == f"{finding_url}#reply-{first.id}"
    assert row.select_one("a").get_text(strip=True) == data["finding"].title
    assert "Not accepted" in row.get_text() and HOSTILE in row.get_text()
    waiting = officer.select_one(f"#glance-reply-{second.id}")
    assert waiting.select_one(".govuk-tag--yellow").get_text(" ", strip=True) == (
        "Warning: No outcome yet"
    )
    answered = _person(soup, review, data["manager"]).select_one(f"#glance-reply-{by_manager.id}")
    assert "Context added" in answered.get_text() and "No outcome yet" not in answered.get_text()
    assert "None" in _person(soup, review, data["quiet"]).get_text()
    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html


@pytest.mark.parametrize("role", ROLES)
def test_only_whoever_may_countersign_sees_it(client, full_review, make_user, login_as, role):
    data = at_quality_assurance(full_review, make_user)
    sign_in(role, data, login_as)
    response = client.get(COUNTERSIGN.format(r=data["review"].id))
    expect_status(response, ACCESS[role])
    if ACCESS[role] == 200:
        assert page(response).select_one("#people-at-a-glance") is not None
    elif response.status_code in (403, 404):
        assert "On long-term sick leave" not in response.get_data(as_text=True)
