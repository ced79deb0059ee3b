"""The contract: `version` goes up by exactly 1 on every change, whatever the PATCH sends.

Clients predict the next version (a PATCH answers it, the next PATCH sends it): a step of
2 would answer their next edit with a spurious 409. Each shape below is one PATCH (or one
decision) that changes something, on every resource that has a version.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from sfo_review.extensions import db
from sfo_review.services import deadline_extensions as extension_service
from sfo_review.services.deadlines import add_working_days
from tests.api.support import Api
from tests.editing.test_stale_edits import _action, _statement


@dataclass(frozen=True)
class Shape:
    name: str
    who: str  # the role that sends it
    path: Callable[[dict[str, Any]], str]
    body: Callable[[dict[str, Any]], dict[str, Any]]
    prepare: Callable[[dict[str, Any]], None] = lambda w: None


def _submitted(w: dict[str, Any]) -> None:
    _statement(w, submitted=True)


def _review(w: dict[str, Any]) -> str:
    return f"/reviews/{w['id']}"


def _finding(w: dict[str, Any]) -> str:
    return f"/reviews/{w['id']}/findings/{w['finding'].id}"


def _new_factor(w: dict[str, Any]) -> None:
    from sfo_review.services import evidence

    w["factor2"] = evidence.add_systemic_factor(
        w["reviewer"],
        w["review"],
        {"category": "workload_and_capacity", "level": "organisational", "description": "More"},
    )


def fresh_request() -> None:
    """Tests share one session across requests; a server's next request starts with nothing
    loaded, so the PATCH must load what it reads (where an autoflush can happen)."""
    db.session.expire_all()


SHAPES = [
    Shape("review: one field", "reviewer", _review, lambda w: {"offence_charged": "Manslaughter"}),
    Shape(
        "review: notification date (moves the deadlines)",
        "reviewer",
        _review,
        lambda w: {"notification_date": "2023-06-29"},
    ),
    Shape(
        "review: judgement and countersigner",
        "reviewer",
        _review,
        lambda w: {
            "overall_judgement": "All reasonable steps were not taken.",
            "countersigner_email": None,
        },
    ),
    Shape("finding: one field", "reviewer", _finding, lambda w: {"narrative": "n1"}),
    Shape(
        "finding: a field and link ids",
        "reviewer",
        _finding,
        lambda w: {"narrative": "n1", "systemic_factor_ids": [w["factor2"].id]},
        _new_factor,
    ),
    Shape(
        "finding: link ids only",
        "reviewer",
        _finding,
        lambda w: {"systemic_factor_ids": [w["factor"].id, w["factor2"].id]},
        _new_factor,
    ),
    Shape(
        "finding: a field and unchanged link ids",
        "reviewer",
        _finding,
        lambda w: {
            "title": "t1",
            "systemic_factor_ids": [w["factor"].id],
            "chronology_ids": [w["entry"].id],
        },
    ),
    Shape(
        "finding: attribution only",
        "reviewer",
        _finding,
        lambda w: {"attribution": ["team"]},
    ),
    Shape(
        "finding: everything at once",
        "reviewer",
        _finding,
        lambda w: {
            "title": "t2",
            "narrative": "n2",
            "attribution": ["individual"],
            "systemic_factor_ids": [],
            "caseload_context_ids": [w["context"].id],
            "chronology_ids": [],
            "context_note": "A note",
        },
    ),
    Shape(
        "chronology entry",
        "reviewer",
        lambda w: f"/reviews/{w['id']}/chronology/{w['entry'].id}",
        lambda w: {"summary": "Changed", "significant": False},
    ),
    Shape(
        "caseload context",
        "reviewer",
        lambda w: f"/reviews/{w['id']}/caseload-contexts/{w['context'].id}",
        lambda w: {"caseload_count": 60, "notes": "More"},
    ),
    Shape(
        "systemic factor",
        "reviewer",
        lambda w: f"/reviews/{w['id']}/systemic-factors/{w['factor'].id}",
        lambda w: {"description": "Changed"},
    ),
    Shape(
        "statement draft",
        "officer",
        lambda w: f"/reviews/{w['id']}/statements/{w['statement'].id}",
        lambda w: {"body": "Second draft"},
        lambda w: _statement(w, submitted=False),
    ),
    Shape(
        "statement inclusion",
        "reviewer",
        lambda w: f"/reviews/{w['id']}/statements/{w['statement'].id}",
        lambda w: {"include_in_report": "summary", "summary": "In short"},
        _submitted,
    ),
    Shape(
        "action: one field",
        "reviewer",
        lambda w: f"/reviews/{w['id']}/actions/{w['action'].id}",
        lambda w: {"owner": "Someone else"},
        _action,
    ),
    Shape(
        "action: finding ids",
        "reviewer",
        lambda w: f"/reviews/{w['id']}/actions/{w['action'].id}",
        lambda w: {"finding_ids": []},
        _action,
    ),
    Shape(
        "action: finding ids and fields",
        "reviewer",
        lambda w: f"/reviews/{w['id']}/actions/{w['action'].id}",
        lambda w: {
            "finding_ids": [w["finding"].id],
            "success_measure": "Measured",
            "owner": "Someone",
        },
        _action,
    ),
]


def _ready(shape: Shape, world: Callable[..., dict[str, Any]]) -> tuple[dict[str, Any], str, str]:
    w = world(shape.who)
    shape.prepare(w)
    return w, w["tokens"][shape.who], shape.path(w)


@pytest.mark.parametrize("shape", SHAPES, ids=[s.name for s in SHAPES])
def test_a_patch_that_changes_something_moves_the_version_by_one(
    shape: Shape, world: Callable[..., dict[str, Any]], api: Api
) -> None:
    w, token, path = _ready(shape, world)
    before = api.get(path, token).get_json()["version"]
    fresh_request()

    answer = api.patch(path, token, {**shape.body(w), "version": before})

    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["version"] == before + 1
    assert api.get(path, token).get_json()["version"] == before + 1
    # ... so the version the answer gave is the one the next PATCH must send
    again = api.patch(path, token, {**shape.body(w), "version": before + 1})
    assert again.status_code == 200, again.get_json()


@pytest.mark.parametrize("shape", SHAPES[:1] + SHAPES[3:5], ids=["review", "finding", "links"])
def test_a_patch_that_changes_nothing_keeps_the_version(
    shape: Shape, world: Callable[..., dict[str, Any]], api: Api
) -> None:
    w, token, path = _ready(shape, world)
    api.patch(path, token, {**shape.body(w), "version": api.get(path, token).get_json()["version"]})
    before = api.get(path, token).get_json()["version"]
    fresh_request()

    answer = api.patch(path, token, {**shape.body(w), "version": before})

    assert answer.status_code == 200
    assert answer.get_json()["version"] == before


@pytest.mark.parametrize("decision", ["agreed", "refused"])
def test_deciding_an_extension_moves_its_version_and_the_reviews_by_one(
    decision: str, world: Callable[..., dict[str, Any]], api: Api
) -> None:
    w = world("leadership")
    review = w["review"]
    new_date = add_working_days(max(review.effective_due_date, date.today()), 5)
    extension = extension_service.request_extension(
        w["reviewer"], review, {"new_due_date": new_date.isoformat(), "reason": "More time"}
    )
    token = w["tokens"]["leadership"]
    path = f"/reviews/{w['id']}/extensions/{extension.id}"
    before = api.get(path, token).get_json()["version"]
    review_before = api.get(f"/reviews/{w['id']}", token).get_json()["version"]
    fresh_request()

    answer = api.post(path + "/decision", token, {"decision": decision})

    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["version"] == before + 1
    moved = 1 if decision == "agreed" else 0
    assert api.get(f"/reviews/{w['id']}", token).get_json()["version"] == review_before + moved
