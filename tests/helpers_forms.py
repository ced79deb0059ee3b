"""Helpers for the findings, statements, actions and lifecycle page tests.

Browser POSTs carry the CSRF token read from the page first when CSRF protection is on (the
tests marked `csrf`); the test config turns it off otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from sfo_review.cli.ratings_data import approval
from sfo_review.extensions import db
from sfo_review.models import Review, User
from sfo_review.services import reviews, transitions
from sfo_review.services.reports import work as report_work
from tests import helpers_rules
from tests.helpers import page
from tests.helpers import post_form as post

# Every kind of visitor a review page must answer correctly.
ROLES = (
    "reviewer",
    "other_reviewer",
    "officer",
    "other_officer",
    "quality_assurer",
    "leadership",
    "admin",
    "anonymous",
)
STAGES = ("in_review", "factual_accuracy", "quality_assurance", "approved", "closed")
HOSTILE = "<script>alert(1)</script> <img src=x onerror=alert(1)>"
JUDGEMENT = "All reasonable steps were not taken: the risk was not reassessed after the arrest."
WHY_NO_WIDER_FACTOR = (
    "The officer had a manageable caseload, full supervision and every check was available; "
    "no wider factor explains the missed reassessment."
)


def text_of(response: TestResponse) -> str:
    return " ".join(page(response).get_text(" ").split())


def errors(response: TestResponse) -> list[str]:
    return [a.get_text(" ", strip=True) for a in page(response).select(".govuk-error-summary a")]


def sign_in(role: str, data: dict[str, Any], login_as: Callable[..., User]) -> User | None:
    """Sign the client in as `role` relative to the review in `data` (None: anonymous)."""
    if role == "anonymous":
        return None
    if role in ("reviewer", "officer"):
        return login_as(user=data[role])
    if role == "other_reviewer":
        return login_as("reviewer")
    if role == "other_officer":
        return login_as("officer")
    return login_as(role)


def approve(qa: User, review: Review, pdfs: bool = False) -> None:
    """The countersigner approves `review`, as on the Countersign page: the report is frozen
    as approved (its HTML) and its PDFs are left to the background job. The job runs (the
    PDFs are laid out and stored) only when the test asks for them with `pdfs`; until then
    the review is as it is while the job is queued."""
    helpers_rules.address_factors(review)  # api-v1.1 B: the action balance rule, where needed
    transitions.transition(qa, review, approval(), True)
    if pdfs:
        report_work.start_snapshot_jobs(review)


def move_to(data: dict[str, Any], status: str, pdfs: bool = False) -> Review:
    """Move the full_review through the real transitions up to `status` (approval: see
    `approve`; `pdfs` stores the approved PDFs)."""
    review: Review = data["review"]
    reviewer, qa = data["reviewer"], data["qa"]
    wanted = STAGES.index(status)
    if wanted >= 1 and review.status == "in_review":
        transitions.transition(reviewer, review, {"to": "factual_accuracy"})
    if wanted >= 2 and review.status == "factual_accuracy":
        # api-v1.1 A: the subject's statement is in, and everyone has had their say.
        helpers_rules.settle_statements(review, data["officer"])
        helpers_rules.nothing_to_add(review)
        reviews.update_review(
            reviewer,
            review,
            {
                "version": review.version,
                "overall_judgement": JUDGEMENT,
                "countersigner_email": qa.email,
            },
        )
        transitions.transition(reviewer, review, {"to": "quality_assurance"})
    if wanted >= 3 and review.status == "quality_assurance":
        approve(qa, review, pdfs)
    if wanted >= 4 and review.status == "approved":
        helpers_rules.verify_actions(review, qa)  # the close rule: every action verified
        transitions.transition(qa, review, {"to": "closed"})
    db.session.refresh(review)
    assert review.status == status
    return review


def expect_status(response: TestResponse, expected: int | str) -> None:
    """`expected` is a status code, or 'sign-in' for a redirect to the sign-in page."""
    if expected == "sign-in":
        assert response.status_code == 302
        assert "/sign-in" in response.headers["Location"]
    else:
        assert response.status_code == expected, response.get_data(as_text=True)[:800]


def sign_out(client: FlaskClient) -> None:
    """Sign out through the real button, so the test can sign in as someone else."""
    response = post(client, "/sign-out", {}, form_url="/account/password")
    assert response.status_code == 302
