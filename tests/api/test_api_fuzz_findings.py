"""What `make fuzz` (Schemathesis, bench/fuzz.py) found, kept as tests.

An id bigger than the database's integers, in a path or in a body's list of ids, was a 500
(SQLite cannot bind an integer past 64 bits; ids are 32-bit integers on PostgreSQL). A path
with such an id now answers 404 like any id that does not exist, and a list of ids
holding one answers 422 naming the field and the id, as for any id not on the review.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from tests.api.support import error
from tests.conftest import sign_in_through_session

HUGE = (2**31, 2**63, 24232138952813091749888)  # the last is the one Schemathesis sent


def _api_routes(app: Flask) -> list[tuple[str, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and "<int:" in rule.rule:
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                routes.append((method, rule.rule))
    return sorted(routes)


def test_every_api_route_with_an_id_is_listed(app):
    assert len(_api_routes(app)) > 50


@pytest.mark.parametrize("huge", HUGE)
def test_an_id_too_big_for_the_database_is_not_found_on_every_route(app, api, world, huge):
    w = world("reviewer")
    token = w["tokens"]["reviewer"]
    ids = {"review_id": w["id"]}
    for method, rule in _api_routes(app):
        params = re.findall(r"<int:(\w+)>", rule)
        for huge_param in params:
            path = rule
            for name in params:
                value = huge if name == huge_param else ids.get(name, 1)
                path = path.replace(f"<int:{name}>", str(value))
            body: dict[str, Any] | None = {} if method in ("POST", "PATCH") else None
            response = api.call(method, path.removeprefix("/api/v1"), token, body)
            assert response.status_code == 404, (method, path, response.status_code)
            assert error(response)["code"] == "not_found", (method, path)


def test_a_page_with_an_id_too_big_for_the_database_is_not_found(client, world):
    sign_in_through_session(client, world()["reviewer"])
    response = client.get(f"/reviews/{2**63}")
    assert response.status_code == 404


FINDING = {
    "title": "Plan not reviewed",
    "practice_area": "planning",
    "judgement": "insufficient",
    "narrative": "Not reviewed.",
    "attribution": ["team"],
}


@pytest.mark.parametrize("huge", [*HUGE, 0, -1])
@pytest.mark.parametrize(
    "key",
    [
        "systemic_factor_ids",
        "caseload_context_ids",
        "chronology_ids",
        "subject_participant_ids",
        "statement_ids",
    ],
)
def test_a_list_of_ids_holding_one_no_row_can_have_is_refused_by_name(api, world, key, huge):
    w = world("reviewer")
    response = api.post(
        f"/reviews/{w['id']}/findings", w["tokens"]["reviewer"], {**FINDING, key: [huge]}
    )
    assert response.status_code == 422
    assert str(huge) in " ".join(error(response)["fields"][key])
