"""GET /api/v1/reviews/{id}/report.pdf?variant=participant (api-v1.1 §A, "Closing the loop"):
a participant's own copy, after approval; 404 for anyone else, 409 before approval."""

from __future__ import annotations

from typing import Any

import pytest

from sfo_review.extensions import db
from sfo_review.models import AuditEvent
from tests.helpers_forms import move_to
from tests.report_fixtures import flat, pdf_pages

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
APPROVED = dict.fromkeys(ROLES, 404) | {"officer": 200, "anonymous": 401}
BEFORE = APPROVED | {"officer": 409}
CODES = {401: "unauthenticated", 404: "not_found", 409: "conflict"}


def _url(review_id: int, extra: str = "") -> str:
    return f"/reviews/{review_id}/report.pdf?variant=participant{extra}"


@pytest.mark.parametrize(
    "stage, expected",
    [("factual_accuracy", BEFORE), ("quality_assurance", BEFORE), ("approved", APPROVED)],
)
@pytest.mark.parametrize("role", ROLES)
def test_permission_for_every_role(
    api: Any, world: Any, stage: str, expected: dict[str, int], role: str
) -> None:
    data = world(*ROLES)
    move_to(data, stage)
    token = data["tokens"][role]

    response = api.get(_url(data["id"]), token)

    assert response.status_code == expected[role], response.get_data(as_text=True)[:300]
    if expected[role] == 200:
        assert response.mimetype == "application/pdf"
        text = flat(" ".join(pdf_pages(response.data)))
        assert "Your copy of the review" in text
        assert data["officer"].name in text
    else:
        assert response.get_json()["error"]["code"] == CODES[expected[role]]
    exported = db.session.query(AuditEvent).filter_by(
        review_id=data["id"], action="report.exported"
    )
    assert exported.count() == (1 if expected[role] == 200 else 0)


def test_another_reviews_id_is_not_found(api: Any, world: Any) -> None:
    first = world("officer")
    move_to(first, "approved")
    second = world("officer")
    move_to(second, "approved")

    response = api.get(_url(second["id"]), first["tokens"]["officer"])

    assert response.status_code == 404


@pytest.mark.parametrize(
    "extra, status",
    [("&format=archival", 200), ("&format=", 200), ("&format=poster", 422), ("&colour=red", 422)],
)
def test_bad_input(api: Any, world: Any, extra: str, status: int) -> None:
    data = world("officer")
    move_to(data, "approved")

    response = api.get(_url(data["id"], extra), data["tokens"]["officer"])

    assert response.status_code == status, response.get_data(as_text=True)[:300]
    if status == 422:
        assert response.get_json()["error"]["fields"]
