"""GET /themes is described at every level (sfo_review/api/openapi.yaml, `Themes` and the
`Theme*` schemas it uses): a real answer conforms, and an altered copy of it — a wrong type
deep down, a key too many or missing, a key outside its vocabulary — is reported."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from sfo_review.api import description
from tests.api.openapi_conformance import Conformance

RULE = "/api/v1/themes"


def _problems(body: Any) -> list[str]:
    return Conformance(description.document()).problems("GET", RULE, 200, "application/json", body)


@pytest.fixture
def leadership_token(cli_user, token_for):
    return token_for(cli_user("leadership"))


@pytest.fixture
def answer(api, leadership_token, full_review) -> dict[str, Any]:
    """The figures of one review with a caseload context, a factor and an individual finding."""
    full_review()
    response = api.get("/themes", leadership_token)
    assert response.status_code == 200
    figures: dict[str, Any] = response.get_json()
    return figures


def test_a_real_answer_conforms(answer):
    assert answer["caseload"]["contexts"] == 1  # the answer has figures deep down to check
    assert answer["individual_attribution"]["by_grade"]["all"]["probation_services_officer"] == 1
    assert _problems(answer) == []


def test_an_answer_with_nothing_to_count_conforms_with_its_nulls(api, leadership_token, db):
    """No reviews: every share and average is null, the lists of areas and quarters empty."""
    figures = api.get("/themes", leadership_token).get_json()
    assert figures["caseload"]["average"] is None
    assert figures["deadlines"]["days_to_approval"]["median"] is None
    assert figures["systemic_factor_categories"][0]["share_of_reviews"] is None
    assert figures["areas"]["items"] == []
    assert _problems(figures) == []


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(body: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        node: Any = body
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return change


def _remove(path: str) -> Callable[[dict[str, Any]], None]:
    def change(body: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        node: Any = body
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        del node[last]

    return change


@pytest.mark.parametrize(
    "change, where, words",
    [
        # a wrong type deep down
        (_set("caseload/buckets/0/count", "0"), "caseload/buckets/0/count", "is not of type"),
        (
            _set("individual_attribution/by_caseload/all/51_to_60", 1.5),
            "individual_attribution/by_caseload/all/51_to_60",
            "is not of type 'integer'",
        ),
        (_set("actions/total", None), "actions/total", "None is not of type 'integer'"),
        (_set("attribution/items/0/share", "1.0"), "attribution/items/0/share", "is not of type"),
        (_set("balance/share", 1.5), "balance/share", "is greater than the maximum"),
        # a key too many
        (
            _set("deadlines/days_to_approval/mean", 3),
            "deadlines/days_to_approval",
            "Additional properties are not allowed ('mean'",
        ),
        (
            _set("ratings/by_standard/overall/excellent", 0),
            "ratings/by_standard/overall",
            "'excellent' is not one of",
        ),
        # a key missing
        (
            _remove("individual_attribution/by_grade/all/probation_officer"),
            "individual_attribution/by_grade/all",
            "'probation_officer' is a required property",
        ),
        (
            _remove("ratings/by_standard/learning"),
            "ratings/by_standard",
            "'learning' is a required property",
        ),
        (_remove("recurrences/items_listed"), "recurrences", "'items_listed' is a required"),
        # a key or value outside its vocabulary
        (_set("statuses/0/key", "archived"), "statuses/0/key", "'archived' is not one of"),
        (
            _set("recurrences/by_category/weather", 1),
            "recurrences/by_category",
            "'weather' is not one of",
        ),
        (
            _set("systemic_factors_by_quarter/items/0/quarter", "2026-Q5"),
            "systemic_factors_by_quarter/items/0/quarter",
            "does not match",
        ),
        (_set("ratings/by_quarter/2026-Q5", {}), "ratings/by_quarter", "does not match"),
        (_set("areas/level", "country"), "areas/level", "'country' is not one of"),
    ],
)
def test_an_altered_answer_is_reported(answer, change, where, words):
    changed = copy.deepcopy(answer)
    change(changed)
    problems = _problems(changed)
    assert problems, "the altered answer was not reported"
    assert any(f"at {where}:" in p and words in p for p in problems), problems
