"""The API shows an officer what the browser shows them (issue 12, item 1).

A participant officer — here the line manager — reads neither a colleague's working
conditions (the responsible officer's caseload context: 404, left out of every list) nor the
review team's material (participants and their emails, chronology, systemic factors, the
return reason, and the action plan before the factual accuracy check): the lists answer 403
as the pages do, and in `GET /reviews/{id}` they are empty. Their own working conditions
they read (api-v1.1 §A). The review team reads all of it.
"""

from __future__ import annotations

from typing import Any

import pytest

from sfo_review.services import findings as finding_service
from sfo_review.services import reviews as review_service
from sfo_review.services import transitions as transition_service
from tests import helpers_rules
from tests.api.support import error
from tests.helpers_actions import add_action

W = dict[str, Any]
ACTION = {
    "description": "Review caseloads",
    "owner": "SPO",
    "level": "pdu",
    "due_date": "2030-01-01",
}


def _review(w: W) -> str:
    return f"/reviews/{w['id']}"


def _link_context(w: W) -> None:
    """The finding weighs the responsible officer's caseload context."""
    finding = w["finding"]
    finding_service.update_finding(
        w["reviewer"],
        w["review"],
        finding,
        {"version": finding.version, "caseload_context_ids": [w["context"].id]},
    )


def _advance(w: W, *statuses: str) -> None:
    review = w["review"]
    for to in statuses:
        if to == "quality_assurance":
            helpers_rules.heard(w)
            review_service.update_review(
                w["reviewer"],
                review,
                {"version": review.version, "overall_judgement": "Reasonable steps were taken."},
            )
        actor = w["qa"] if to in ("approved", "in_review") else w["reviewer"]
        transition_service.transition(actor, review, {"to": to, "reason": "Analyse supervision."})


def _evidence_paths(w: W) -> list[str]:
    base = _review(w)
    return [
        f"{base}/chronology",
        f"{base}/chronology/{w['entry'].id}",
        f"{base}/systemic-factors",
        f"{base}/systemic-factors/{w['factor'].id}",
        f"{base}/participants",
        f"{base}/participants/{w['participant'].id}",
    ]


@pytest.mark.parametrize("who", ["manager", "officer"])
@pytest.mark.parametrize("stage", [(), ("factual_accuracy",)])
def test_officers_are_refused_the_evidence_as_in_the_browser(api, world, who, stage):
    """The line manager and the responsible officer get 403 where the browser's pages answer
    403; of the caseload contexts each reads their own only (the manager has none: the
    responsible officer's is not found)."""
    w = world(who, "reviewer")
    _link_context(w)
    _advance(w, *stage)
    for path in _evidence_paths(w):
        response = api.get(path, w["tokens"][who])
        assert response.status_code == 403, path
        assert error(response)["code"] == "forbidden"
        assert api.get(path, w["tokens"]["reviewer"]).status_code == 200, path
    own = who == "officer"
    listed = api.get(f"{_review(w)}/caseload-contexts", w["tokens"][who])
    assert listed.status_code == 200
    assert [c["id"] for c in listed.get_json()["items"]] == ([w["context"].id] if own else [])
    one = api.get(f"{_review(w)}/caseload-contexts/{w['context'].id}", w["tokens"][who])
    assert one.status_code == (200 if own else 404)


def test_the_review_team_reads_the_caseload_figures(api, world):
    w = world("reviewer", "leadership")
    for role in ("reviewer", "leadership"):
        listed = api.get(f"{_review(w)}/caseload-contexts", w["tokens"][role]).get_json()
        assert [(c["caseload_count"], c["workload_percent"]) for c in listed["items"]] == [
            (58, 143)
        ]
        one = api.get(f"{_review(w)}/caseload-contexts/{w['context'].id}", w["tokens"][role])
        assert one.get_json()["months_in_role"] == 14


def test_an_officers_review_holds_none_of_the_teams_material(api, world):
    w = world("manager")
    _link_context(w)
    add_action(w["reviewer"], w["review"], ACTION)
    token = w["tokens"]["manager"]

    body = api.get(_review(w), token).get_json()

    for name in ("participants", "chronology", "caseload_contexts", "systemic_factors"):
        assert body[name] == [], name
    assert body["findings"] == [] and body["actions"] == []  # drafts until factual accuracy
    assert body["reviewer"] == {"id": w["reviewer"].id, "name": w["reviewer"].name, "email": None}
    assert body["countersigner"]["email"] is None
    listed = api.get("/reviews", token).get_json()["items"]
    assert listed[0]["reviewer"]["email"] is None

    _advance(w, "factual_accuracy")
    body = api.get(_review(w), token).get_json()
    for name in ("participants", "chronology", "caseload_contexts", "systemic_factors"):
        assert body[name] == [], name
    assert [a["description"] for a in body["actions"]] == ["Review caseloads"]
    [finding] = body["findings"]
    # As on the finding page: what it rests on is shared, no one's working conditions are.
    assert finding["chronology_ids"] == [w["entry"].id]
    assert finding["systemic_factor_ids"] == [w["factor"].id]
    assert finding["caseload_context_ids"] == []
    assert finding["working_conditions_not_shown"] == 1
    assert api.get(f"{_review(w)}/findings/{w['finding'].id}", token).get_json() == finding


@pytest.mark.parametrize("role", ["reviewer", "countersigner", "leadership"])
def test_the_review_team_reads_every_nested_list(api, world, role):
    w = world(role)
    _link_context(w)
    _advance(w, "factual_accuracy", "quality_assurance")

    body = api.get(_review(w), w["tokens"][role]).get_json()

    assert [c["caseload_count"] for c in body["caseload_contexts"]] == [58]
    assert {p["user"]["email"] for p in body["participants"]} == {
        w["officer"].email,
        w["manager"].email,
    }
    assert body["chronology"] and body["systemic_factors"]
    assert body["reviewer"]["email"] == w["reviewer"].email
    [finding] = body["findings"]
    assert finding["caseload_context_ids"] == [w["context"].id]
    assert finding["working_conditions_not_shown"] == 0


def test_the_return_reason_is_for_the_review_team(api, world):
    w = world("officer", "reviewer")
    _advance(w, "factual_accuracy", "quality_assurance", "in_review")

    assert api.get(_review(w), w["tokens"]["officer"]).get_json()["return_reason"] is None
    reviewer_view = api.get(_review(w), w["tokens"]["reviewer"]).get_json()
    assert reviewer_view["return_reason"] == "Analyse supervision."


def test_reply_authors_show_an_email_only_to_its_owner(api, world):
    w = world("officer", "manager", "reviewer")
    _advance(w, "factual_accuracy")
    for who in ("officer", "manager"):
        finding_service.add_response(w[who], w["review"], w["finding"], {"body": f"From {who}."})
    path = f"{_review(w)}/findings/{w['finding'].id}/responses"

    emails = {
        r["author"]["id"]: r["author"]["email"]
        for r in api.get(path, w["tokens"]["manager"]).get_json()["items"]
    }

    assert emails == {w["manager"].id: w["manager"].email, w["officer"].id: None}
    team = api.get(path, w["tokens"]["reviewer"]).get_json()["items"]
    assert {r["author"]["email"] for r in team} == {w["officer"].email, w["manager"].email}


def test_the_action_plan_is_shared_with_the_findings(api, world):
    w = world("officer", "reviewer")
    action = add_action(w["reviewer"], w["review"], ACTION)
    paths = [f"{_review(w)}/actions", f"{_review(w)}/actions/{action.id}"]
    for path in paths:
        response = api.get(path, w["tokens"]["officer"])
        assert response.status_code == 403 and error(response)["code"] == "forbidden"
    _advance(w, "factual_accuracy")
    for path in paths:
        assert api.get(path, w["tokens"]["officer"]).status_code == 200
