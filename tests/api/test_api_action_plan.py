"""The action plan is part of the approved review (api-v1.1 B), through the API: the action
balance rule's 409 at approval, and the live action plan report
(`GET /reviews/{id}/report.pdf?variant=action_plan`) for every role at every status."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from sfo_review.cli.ratings_data import approval
from sfo_review.extensions import db
from sfo_review.models import ReportSnapshot
from tests import helpers_rules
from tests.api.support import error
from tests.helpers_forms import move_to
from tests.report_fixtures import pdf_pages

ROLES = (
    "reviewer",
    "other_reviewer",
    "officer",
    "other_officer",
    "quality_assurer",
    "countersigner",
    "leadership",
    "admin",
    "anonymous",
)
BEFORE = ("in_review", "factual_accuracy", "quality_assurance")
# Who gets what once the review is approved or closed (404: may not see the review at all).
FINISHED = {
    "reviewer": 200,
    "other_reviewer": 404,
    "officer": 403,
    "other_officer": 404,
    "quality_assurer": 200,
    "countersigner": 200,
    "leadership": 200,
    "admin": 404,
    "anonymous": 401,
}


def _before(status: str) -> dict[str, int]:
    """Before approval: 409 for whoever may export it (the quality assurer who is not the
    countersigner sees the review from quality assurance on)."""
    unnamed_qa = 409 if status == "quality_assurance" else 404
    return {**FINISHED, **dict.fromkeys(("reviewer", "countersigner", "leadership"), 409)} | {
        "quality_assurer": unnamed_qa
    }


def _plan_url(w: dict[str, Any], extra: str = "") -> str:
    return f"/reviews/{w['id']}/report.pdf?variant=action_plan{extra}"


@pytest.mark.parametrize("status", [*BEFORE, "approved", "closed"])
def test_who_gets_the_action_plan_at_each_status(api, world, status: str) -> None:
    w = world(*ROLES)
    move_to(w, status)
    expected = FINISHED if status in ("approved", "closed") else _before(status)

    for role in ROLES:
        response = api.get(_plan_url(w), w["tokens"][role])
        assert response.status_code == expected[role], (role, response.get_data(as_text=True))
        if expected[role] == 200:
            assert response.mimetype == "application/pdf"
            assert response.headers["Content-Disposition"].endswith('-action-plan.pdf"')
        elif expected[role] == 409:
            body = error(response)
            assert body["code"] == "conflict"
            assert "once quality assurance approves the review" in body["message"]


def test_the_approval_answers_409_naming_every_unaddressed_factor(api, world) -> None:
    w = world("reviewer", "countersigner", "officer")
    move_to(w, "quality_assurance")
    url = f"/reviews/{w['id']}/transitions"

    response = api.post(url, w["tokens"]["countersigner"], approval())

    assert response.status_code == 409
    body = error(response)
    assert body["code"] == "conflict"
    assert body["fields"] == {
        "actions": [
            "Systemic factor “Workload and capacity” (team level), “Team carrying 30% "
            "vacancies”, needs an action at PDU, regional or national level that addresses it"
        ]
    }
    assert db.session.query(ReportSnapshot).count() == 0

    helpers_rules.address_factors(w["review"])
    approved = api.post(url, w["tokens"]["countersigner"], approval())
    assert approved.status_code == 200, approved.get_data(as_text=True)


def test_the_action_plan_has_no_archival_copy_and_rejects_unknown_variants(api, world) -> None:
    w = world("leadership", "officer")
    move_to(w, "approved")

    archival = api.get(_plan_url(w, "&format=archival"), w["tokens"]["leadership"])
    assert archival.status_code == 409
    assert error(archival)["fields"] == {
        "format": ["The action plan progress report has no archival copy"]
    }
    unknown = api.get(
        f"/reviews/{w['id']}/report.pdf?variant=action-plan", w["tokens"]["leadership"]
    )
    assert unknown.status_code == 422
    assert error(unknown)["code"] == "validation_error"


def test_the_action_plan_is_never_frozen(api, world) -> None:
    w = world("leadership", "officer")
    review = move_to(w, "approved", pdfs=True)
    first = api.get(_plan_url(w), w["tokens"]["leadership"])
    assert first.status_code == 200
    assert "Open" in " ".join(pdf_pages(first.data))
    again = api.get(_plan_url(w), w["tokens"]["leadership"])
    assert again.data == first.data  # nothing changed: the cached render

    action = review.actions[0]
    action.status = "done"
    action.completion_note = "Seven posts filled by March; caseloads rebalanced."
    action.completed_at = datetime.now(UTC)
    db.session.commit()

    second = api.get(_plan_url(w), w["tokens"]["leadership"])
    text = " ".join(" ".join(pdf_pages(second.data)).split())
    assert second.data != first.data
    assert "Done, awaiting verification" in text
    assert "Seven posts filled by March; caseloads rebalanced." in text
    assert db.session.query(ReportSnapshot).filter_by(variant="action_plan").count() == 0
