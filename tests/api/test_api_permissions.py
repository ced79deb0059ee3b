"""Every endpoint × every role: 404 when the review is not visible, 403 when visible but not
allowed, 401 without a token, and the success status for those who may.

The review is `in_review` with its countersigner named (so that quality assurer sees it and
another quality assurer does not). Later statuses are covered at the end of this module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from sfo_review.cli.ratings_data import approval
from sfo_review.services import actions as action_service
from sfo_review.services import reviews as review_service
from sfo_review.services import statements as statement_service
from sfo_review.services import transitions as transition_service
from tests import helpers_rules
from tests.api.support import error
from tests.conftest import REVIEW_DATA
from tests.helpers_actions import action_data
from tests.helpers_forms import approve

W = dict[str, Any]
HIDDEN = {"other_reviewer": 404, "other_officer": 404, "quality_assurer": 404, "admin": 404}
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


def _read(**overrides: int) -> dict[str, int]:
    """Visible to the review's reviewer, its participants, its countersigner and leadership."""
    return {
        "reviewer": 200,
        "officer": 200,
        "countersigner": 200,
        "leadership": 200,
        **HIDDEN,
        **overrides,
    }


def _reviewer_only(ok: int) -> dict[str, int]:
    return {"reviewer": ok, "officer": 403, "countersigner": 403, "leadership": 403, **HIDDEN}


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: Callable[[W], str]
    expected: dict[str, int]
    body: Callable[[W], Any] | None = None
    setup: Callable[[W], None] | None = field(default=None)


def _review(w: W) -> str:
    return f"/reviews/{w['id']}"


def _draft(w: W) -> None:
    w["statement"] = statement_service.create_statement(
        w["officer"], w["review"], {"body": "My account."}
    )


def _submitted(w: W) -> None:
    _draft(w)
    statement_service.submit_statement(w["officer"], w["review"], w["statement"])


def _declined(w: W) -> None:
    w["statement"] = statement_service.decline_statement(
        w["officer"], w["review"], {"reason": "On the advice of my union."}
    )


ACTION = {
    "description": "Review caseloads",
    "owner": "SPO",
    "level": "pdu",
    "due_date": "2030-01-01",
}


def _action(w: W) -> None:
    w["action"] = action_service.add_action(
        w["reviewer"], w["review"], action_data(w["review"], ACTION)
    )


def _new_officer(w: W) -> dict[str, str]:
    from sfo_review.services import users

    officer = users.create_user(
        None,
        {
            "email": f"new{w['id']}@example.gov.uk",
            "name": "New Officer",
            "role": "officer",
            "password": "correct-horse-battery",
        },
    )
    return {"email": officer.email, "role_in_case": "previous_officer"}


CHRONOLOGY = {"occurred_on": "2023-04-01", "source": "Police", "summary": "Call-out"}
FACTOR = {"category": "it_systems_and_data", "level": "national", "description": "Outage"}
FINDING = {
    "title": "Plan not reviewed",
    "practice_area": "planning",
    "judgement": "insufficient",
    "narrative": "Not reviewed.",
    "attribution": ["team"],
}


def _caseload(w: W) -> dict[str, Any]:
    return {
        "participant_id": w["participant"].id,
        "period_start": "2023-01-01",
        "period_end": "2023-03-31",
        "caseload_count": 40,
        "high_risk_count": 5,
        "workload_percent": 100,
        "grade": "probation_officer",
        "months_in_role": 30,
        "team_vacancy_percent": 10,
        "officer_changes_on_case": 1,
        "management_oversight_sessions": 3,
    }


def _evidence(
    path: str, key: str, body: Callable[[W], Any], officer_reads: int = 403
) -> list[Endpoint]:
    def item(w: W) -> str:
        return f"{_review(w)}/{path}/{w[key].id}"

    def patch(w: W) -> dict[str, Any]:
        return {"version": w[key].version}

    # The review team's working material: officers are refused, as on the browser's pages
    # (but the officer here reads their own caseload context: api-v1.1 §A).
    return [
        Endpoint(
            f"list {path}", "GET", lambda w: f"{_review(w)}/{path}", _read(officer=officer_reads)
        ),
        Endpoint(
            f"add {path}", "POST", lambda w: f"{_review(w)}/{path}", _reviewer_only(201), body
        ),
        Endpoint(f"read {path}", "GET", item, _read(officer=officer_reads)),
        Endpoint(f"edit {path}", "PATCH", item, _reviewer_only(200), patch),
        Endpoint(f"delete {path}", "DELETE", item, _reviewer_only(204)),
    ]


def _finding(w: W) -> str:
    return f"{_review(w)}/findings/{w['finding'].id}"


def _statement(w: W) -> str:
    return f"{_review(w)}/statements/{w['statement'].id}"


ENDPOINTS = [
    Endpoint("taxonomy", "GET", lambda w: "/taxonomy/systemic-factors", dict.fromkeys(ROLES, 200)),
    Endpoint(
        "themes", "GET", lambda w: "/themes", {**dict.fromkeys(ROLES, 403), "leadership": 200}
    ),
    Endpoint(
        "inspection sample",
        "GET",
        lambda w: "/inspection-sample?from=2023-01-01&to=2023-12-31&percent=20&seed=1",
        {
            **dict.fromkeys(ROLES, 403),
            "leadership": 200,
            "quality_assurer": 200,
            "countersigner": 200,
        },
    ),
    Endpoint(
        "list reviews", "GET", lambda w: "/reviews", {**dict.fromkeys(ROLES, 200), "admin": 403}
    ),
    Endpoint(
        "create review",
        "POST",
        lambda w: "/reviews",
        {**dict.fromkeys(ROLES, 403), "reviewer": 201, "other_reviewer": 201},
        lambda w: dict(REVIEW_DATA),
    ),
    Endpoint("read review", "GET", _review, _read()),
    Endpoint(
        "edit review",
        "PATCH",
        _review,
        _reviewer_only(200),
        lambda w: {"version": w["review"].version, "pdu": "Newham"},
    ),
    Endpoint(
        "list participants", "GET", lambda w: f"{_review(w)}/participants", _read(officer=403)
    ),
    Endpoint(
        "read participant",
        "GET",
        lambda w: f"{_review(w)}/participants/{w['participant'].id}",
        _read(officer=403),
    ),
    Endpoint(
        "add participant",
        "POST",
        lambda w: f"{_review(w)}/participants",
        _reviewer_only(201),
        _new_officer,
    ),
    Endpoint(
        "remove participant",
        "DELETE",
        lambda w: f"{_review(w)}/participants/{w['review'].participants[1].id}",
        _reviewer_only(204),
    ),
    *_evidence("chronology", "entry", lambda w: CHRONOLOGY),
    *_evidence("caseload-contexts", "context", _caseload, officer_reads=200),
    # The subject's account of their caseload context: only they add one (the officer here
    # is its subject); whoever reads the context but is not its subject is refused.
    Endpoint(
        "add caseload account",
        "POST",
        lambda w: f"{_review(w)}/caseload-contexts/{w['context'].id}/accounts",
        {**_reviewer_only(403), "officer": 201},
        lambda w: {"body": "Half were transfers.", "disputed_fields": ["caseload_count"]},
    ),
    *_evidence("systemic-factors", "factor", lambda w: FACTOR),
    Endpoint("list findings", "GET", lambda w: f"{_review(w)}/findings", _read()),
    Endpoint(
        "add finding",
        "POST",
        lambda w: f"{_review(w)}/findings",
        _reviewer_only(201),
        lambda w: FINDING,
    ),
    # Officers see no finding before the factual accuracy check: as if it did not exist.
    Endpoint("read finding", "GET", _finding, _read(officer=404)),
    Endpoint(
        "edit finding",
        "PATCH",
        _finding,
        _reviewer_only(200),
        lambda w: {"version": w["finding"].version, "judgement": "sufficient"},
    ),
    Endpoint("delete finding", "DELETE", _finding, _reviewer_only(204)),
    Endpoint("list responses", "GET", lambda w: f"{_finding(w)}/responses", _read(officer=404)),
    Endpoint(
        "reply to finding",
        "POST",
        lambda w: f"{_finding(w)}/responses",
        {**_reviewer_only(403), "officer": 404},
        lambda w: {"body": "A reply"},
    ),
    Endpoint("list statements", "GET", lambda w: f"{_review(w)}/statements", _read()),
    Endpoint(
        "write statement",
        "POST",
        lambda w: f"{_review(w)}/statements",
        {**_reviewer_only(403), "officer": 201},
        lambda w: {"body": "My account"},
    ),
    # A draft is the author's alone: everyone else gets 404, as if it did not exist.
    Endpoint(
        "read draft statement",
        "GET",
        _statement,
        _read(reviewer=404, countersigner=404, leadership=404),
        setup=_draft,
    ),
    Endpoint(
        "edit draft statement",
        "PATCH",
        _statement,
        _read(reviewer=404, countersigner=404, leadership=404),
        lambda w: {"version": w["statement"].version, "body": "Edited"},
        _draft,
    ),
    Endpoint(
        "submit statement",
        "POST",
        lambda w: f"{_statement(w)}/submit",
        _read(reviewer=404, countersigner=404, leadership=404),
        setup=_draft,
    ),
    Endpoint("read submitted statement", "GET", _statement, _read(), setup=_submitted),
    # Who has read a statement: its author alone; everyone else as if it did not exist.
    Endpoint(
        "statement access log",
        "GET",
        lambda w: f"{_statement(w)}/access-log",
        _read(reviewer=404, countersigner=404, leadership=404),
        setup=_submitted,
    ),
    Endpoint(
        "decline statement",
        "POST",
        lambda w: f"{_review(w)}/statements/decline",
        {**_reviewer_only(403), "officer": 201},
        lambda w: {"reason": "I was advised not to."},
    ),
    Endpoint("read declined statement", "GET", _statement, _read(), setup=_declined),
    Endpoint(
        "withdraw decline",
        "POST",
        lambda w: f"{_statement(w)}/withdraw-decline",
        {**_reviewer_only(403), "officer": 200},
        setup=_declined,
    ),
    Endpoint(
        "set statement inclusion",
        "PATCH",
        _statement,
        {**_reviewer_only(200), "officer": 409},
        lambda w: {"version": w["statement"].version, "include_in_report": "full"},
        _submitted,
    ),
    # The action plan is shared with officers with the findings (factual accuracy on).
    Endpoint("list actions", "GET", lambda w: f"{_review(w)}/actions", _read(officer=403)),
    Endpoint(
        "add action",
        "POST",
        lambda w: f"{_review(w)}/actions",
        # api-v1.1 B: the countersigner adds actions at quality assurance: now is too early.
        {**_reviewer_only(201), "leadership": 409, "countersigner": 409},
        lambda w: action_data(w["review"], ACTION),
    ),
    Endpoint(
        "read action",
        "GET",
        lambda w: f"{_review(w)}/actions/{w['action'].id}",
        _read(officer=403),
        setup=_action,
    ),
    Endpoint(
        "edit action",
        "PATCH",
        lambda w: f"{_review(w)}/actions/{w['action'].id}",
        # api-v1.1 B: content here; progress is the owner's (tests/api/test_api_actions.py).
        {**_reviewer_only(200), "leadership": 409, "countersigner": 409},
        lambda w: {"version": w["action"].version, "description": "Reworded"},
        _action,
    ),
    Endpoint(
        "transition",
        "POST",
        lambda w: f"{_review(w)}/transitions",
        _reviewer_only(200),
        lambda w: {"to": "factual_accuracy"},
    ),
    Endpoint(
        "export report", "GET", lambda w: f"{_review(w)}/report.pdf", {**_read(), "officer": 403}
    ),
]
CASES = [
    pytest.param(endpoint, role, id=f"{endpoint.name}-{role}")
    for endpoint in ENDPOINTS
    for role in ROLES
]


@pytest.mark.parametrize(("endpoint", "role"), CASES)
def test_permission_matrix(api, world, endpoint, role):
    w = world(role)
    if endpoint.setup:
        endpoint.setup(w)
    body = endpoint.body(w) if endpoint.body else None
    response = api.call(endpoint.method, endpoint.path(w), w["tokens"][role], body)
    expected = 401 if role == "anonymous" else endpoint.expected[role]
    assert response.status_code == expected, response.get_data(as_text=True)[:300]
    if expected >= 400:
        code = {401: "unauthenticated", 403: "forbidden", 404: "not_found", 409: "conflict"}
        assert error(response)["code"] == code[expected]
    elif expected == 204:
        assert response.data == b""
    elif endpoint.path(w).endswith(".pdf"):
        assert response.data.startswith(b"%PDF")
    else:
        assert response.is_json


def _advance(w: W, *statuses: str) -> None:
    """Move the review on through the services (the countersigner approves; the approved
    PDFs are not laid out, as no test here reads them: see tests/helpers_forms.approve)."""
    review = w["review"]
    for to in statuses:
        if to == "approved":
            approve(w["qa"], review)
            continue
        actor = w["qa"] if to in ("approved", "in_review") else w["reviewer"]
        if to == "quality_assurance":
            helpers_rules.heard(w)
            review_service.update_review(
                w["reviewer"],
                review,
                {"version": review.version, "overall_judgement": "Reasonable steps were taken."},
            )
        transition_service.transition(actor, review, {"to": to, "reason": "More detail"})


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("officer", 201),
        ("manager", 201),
        ("reviewer", 403),
        ("countersigner", 403),
        ("leadership", 403),
    ],
)
def test_participants_reply_to_findings_during_factual_accuracy(api, world, role, expected):
    w = world(role)
    _advance(w, "factual_accuracy")
    response = api.post(f"{_finding(w)}/responses", w["tokens"][role], {"body": "Context"})
    assert response.status_code == expected
    if expected == 201:
        assert response.get_json()["author"]["id"] == w["users"][role].id


@pytest.mark.parametrize(
    "statuses",
    [
        ("factual_accuracy", "quality_assurance"),
        ("factual_accuracy", "quality_assurance", "approved"),
    ],
)
def test_replies_outside_factual_accuracy_are_a_conflict(api, world, statuses):
    w = world("officer")
    _advance(w, *statuses)
    response = api.post(f"{_finding(w)}/responses", w["tokens"]["officer"], {"body": "Late"})
    assert response.status_code == 409 and error(response)["code"] == "conflict"


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("quality_assurer", 200),
        ("countersigner", 200),
        ("leadership", 200),
        ("reviewer", 200),
        ("officer", 200),
        ("other_reviewer", 404),
        ("other_officer", 404),
        ("admin", 404),
    ],
)
def test_quality_assurers_see_reviews_once_at_quality_assurance(api, world, role, expected):
    w = world(role)
    _advance(w, "factual_accuracy", "quality_assurance")
    assert api.get(_review(w), w["tokens"][role]).status_code == expected
    listed = api.get("/reviews", w["tokens"][role])
    if role != "admin":
        assert ([r["id"] for r in listed.get_json()["items"]] == [w["id"]]) is (expected == 200)


@pytest.mark.parametrize(
    ("role", "to", "expected"),
    [
        ("reviewer", "approved", 403),
        ("quality_assurer", "approved", 403),
        ("leadership", "approved", 403),
        ("officer", "approved", 403),
        ("countersigner", "approved", 200),
        ("reviewer", "in_review", 403),
        ("quality_assurer", "in_review", 200),
        ("countersigner", "in_review", 200),
        ("leadership", "closed", 409),
    ],
)
def test_who_may_decide_at_quality_assurance(api, world, role, to, expected):
    w = world(role)
    _advance(w, "factual_accuracy", "quality_assurance")
    helpers_rules.address_factors(w["review"])  # api-v1.1 B: the action balance rule
    body = {"to": to, "reason": "Expand the analysis of supervision."}
    if to == "approved":
        body = approval()  # api-v1.1 C: approval takes the ratings
    response = api.post(f"{_review(w)}/transitions", w["tokens"][role], body)
    assert response.status_code == expected, response.get_json()
    if expected == 200:
        assert response.get_json()["status"] == to


@pytest.mark.parametrize(
    ("role", "expected"),
    [("leadership", 201), ("reviewer", 409), ("countersigner", 409), ("officer", 403)],
)
def test_leadership_own_actions_after_approval(api, world, role, expected):
    w = world(role)
    _advance(w, "factual_accuracy", "quality_assurance", "approved")
    body = action_data(w["review"], ACTION, owner="RPD", level="regional")
    assert api.post(f"{_review(w)}/actions", w["tokens"][role], body).status_code == expected


@pytest.mark.parametrize(("role", "expected"), [("leadership", 200), ("countersigner", 200)])
def test_closing_once_every_action_is_done(api, world, role, expected):
    w = world(role)
    _advance(w, "factual_accuracy", "quality_assurance", "approved")
    helpers_rules.verify_actions(w["review"], w["qa"])  # api-v1.1 B: every action verified
    response = api.post(f"{_review(w)}/transitions", w["tokens"][role], {"to": "closed"})
    assert response.status_code == expected and response.get_json()["status"] == "closed"


def test_findings_list_is_empty_for_officers_until_factual_accuracy(api, world):
    w = world("officer")
    token = w["tokens"]["officer"]
    assert api.get(f"{_review(w)}/findings", token).get_json() == {"items": []}
    detail = api.get(_review(w), token).get_json()
    assert detail["findings"] == [] and detail["overall_judgement"] is None
    _advance(w, "factual_accuracy")
    assert [f["id"] for f in api.get(f"{_review(w)}/findings", token).get_json()["items"]] == [
        w["finding"].id
    ]
