"""Who may open and use the evidence pages (chronology, caseload contexts, systemic factors)."""

from __future__ import annotations

import pytest

from sfo_review.extensions import db
from sfo_review.models import CaseloadContext, ChronologyEntry, SystemicFactor
from tests.helpers_forms import ROLES, expect_status, move_to, sign_in
from tests.reviews.helpers import post_as

READ = {
    "reviewer": 200,
    "other_reviewer": 404,
    "officer": 403,  # a participant, but colleagues' working conditions are not theirs to read
    "other_officer": 404,
    "quality_assurer": 404,
    "leadership": 200,
    "admin": 404,
    "anonymous": "sign-in",
}
WRITE = {**READ, "leadership": 403}

LISTS = [
    "/reviews/{r}/chronology",
    "/reviews/{r}/caseload-contexts",
    "/reviews/{r}/systemic-factors",
]
FORMS = [
    "/reviews/{r}/chronology/new",
    "/reviews/{r}/chronology/{e}/edit",
    "/reviews/{r}/chronology/{e}/delete",
    "/reviews/{r}/caseload-contexts/new",
    "/reviews/{r}/caseload-contexts/{c}/edit",
    "/reviews/{r}/caseload-contexts/{c}/delete",
    "/reviews/{r}/systemic-factors/new",
    "/reviews/{r}/systemic-factors/{f}/edit",
    "/reviews/{r}/systemic-factors/{f}/delete",
]


def _url(path: str, data: dict) -> str:
    return path.format(
        r=data["review"].id, e=data["entry"].id, c=data["context"].id, f=data["factor"].id
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", LISTS)
def test_lists(client, login_as, full_review, role, path):
    data = full_review()
    sign_in(role, data, login_as)
    expect_status(client.get(_url(path, data)), READ[role])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", LISTS)
def test_lists_at_quality_assurance(client, login_as, full_review, role, path):
    data = full_review()
    move_to(data, "quality_assurance")
    sign_in(role, data, login_as)
    expect_status(client.get(_url(path, data)), {**READ, "quality_assurer": 200}[role])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", FORMS)
def test_form_pages(client, login_as, full_review, role, path):
    data = full_review()
    sign_in(role, data, login_as)
    expect_status(client.get(_url(path, data)), WRITE[role])


@pytest.mark.parametrize("role", ["quality_assurer", "leadership", "officer"])
@pytest.mark.parametrize("path", FORMS)
def test_form_pages_are_closed_to_readers_at_quality_assurance(
    client, login_as, full_review, role, path
):
    data = full_review()
    move_to(data, "quality_assurance")
    sign_in(role, data, login_as)
    expect_status(client.get(_url(path, data)), 403)


VALID = {
    "/reviews/{r}/chronology/new": {
        "occurred_on": ["1", "5", "2023"],
        "source": "Police",
        "summary": "Arrest",
    },
    "/reviews/{r}/systemic-factors/new": {
        "category": "other",
        "level": "national",
        "description": "Early release",
    },
    "/reviews/{r}/chronology/{e}/delete": {},
    "/reviews/{r}/caseload-contexts/{c}/delete": {},
    "/reviews/{r}/systemic-factors/{f}/delete": {},
    "/reviews/{r}/chronology/{e}/edit": {
        "version": "1",
        "occurred_on": ["1", "5", "2023"],
        "source": "Changed",
        "summary": "Changed",
    },
}


def _counts() -> tuple[int, int, int]:
    return (
        db.session.query(ChronologyEntry).count(),
        db.session.query(CaseloadContext).count(),
        db.session.query(SystemicFactor).count(),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", list(VALID))
def test_posts_are_refused_to_everyone_but_the_reviewer(client, login_as, full_review, role, path):
    data = full_review()
    sign_in(role, data, login_as)
    before = _counts()
    body = dict(VALID[path])
    if "version" in body:  # the entry as full_review left it (known at the time: set)
        body["version"] = str(data["entry"].version)
    response = post_as(client, role, _url(path, data), body)
    if role == "reviewer":
        assert response.status_code == 302
        return
    expect_status(response, WRITE[role])
    assert _counts() == before
    db.session.refresh(data["entry"])
    assert data["entry"].source == "Probation"


@pytest.mark.parametrize(
    "path",
    [
        "/reviews/{r}/chronology/{e}/edit",
        "/reviews/{r}/chronology/{e}/delete",
        "/reviews/{r}/caseload-contexts/{c}/edit",
        "/reviews/{r}/caseload-contexts/{c}/delete",
        "/reviews/{r}/systemic-factors/{f}/edit",
        "/reviews/{r}/systemic-factors/{f}/delete",
    ],
)
def test_ids_from_another_review_are_not_found(client, login_as, full_review, path):
    mine, theirs = full_review(), full_review()
    login_as(user=mine["reviewer"])
    url = path.format(
        r=mine["review"].id, e=theirs["entry"].id, c=theirs["context"].id, f=theirs["factor"].id
    )
    assert client.get(url).status_code == 404
    before = _counts()
    assert post_as(client, "reviewer", url, {}).status_code == 404
    assert _counts() == before
