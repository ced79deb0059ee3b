"""GET /themes: counts across reviews, for leadership, filtered by notification date and region."""

from __future__ import annotations

from typing import Any

import pytest

from sfo_review.services import evidence, findings, reviews
from tests.api.support import error

CONTEXT = {
    "period_start": "2023-01-01",
    "period_end": "2023-06-26",
    "high_risk_count": 5,
    "grade": "probation_officer",
    "months_in_role": 24,
    "team_vacancy_percent": 10,
    "officer_changes_on_case": 1,
    "management_oversight_sessions": 4,
}


@pytest.fixture
def leadership_token(cli_user, token_for):
    return token_for(cli_user("leadership"))


# tests/snapshots.py: `two_regions` only calls its builder; `leadership_token` signs in a
# user like `cli_user` (after the build: the tests ask for `two_regions` first).
SNAPSHOT_PURE = {"two_regions", "leadership_token"}


@pytest.fixture
def two_regions(two_regions_built):
    """The two regions' reviews (see _two_regions), built once per module."""
    return two_regions_built()


@pytest.fixture
def two_regions_built(full_review, make_review, make_user):
    """Builds `two_regions` (a builder of tests/snapshots.py: kept, and copied in for each
    later test of the module)."""
    return lambda: _two_regions(full_review, make_review, make_user)


def _two_regions(full_review, make_review, make_user):
    """London (notified 2023-06-28): the full review, caseload 58, WMT 143.
    Wales (notified 2024-02-01): caseload 75 and 30, WMT 110 and 90, two more factors."""
    london = full_review()
    reviewer = make_user("reviewer")
    wales = make_review(
        reviewer, region="Wales", charge_date="2024-01-20", notification_date="2024-02-01"
    )
    people = []
    for _ in range(2):
        officer = make_user("officer")
        people.append(
            reviews.add_participant(
                reviewer, wales, {"email": officer.email, "role_in_case": "responsible_officer"}
            )
        )
    for person, (cases, wmt) in zip(people, [(75, 110), (30, 90)], strict=True):
        evidence.add_caseload_context(
            reviewer,
            wales,
            {
                **CONTEXT,
                "participant_id": person.id,
                "caseload_count": cases,
                "workload_percent": wmt,
            },
        )
    for category, level in [
        ("workload_and_capacity", "organisational"),
        ("it_systems_and_data", "national"),
    ]:
        evidence.add_systemic_factor(
            reviewer, wales, {"category": category, "level": level, "description": "Seen"}
        )
    for attribution in (["individual"], ["organisational", "national"]):
        findings.add_finding(
            reviewer,
            wales,
            {
                "title": "F",
                "practice_area": "review",
                "judgement": "insufficient",
                "narrative": "N",
                "attribution": attribution,
                "subject_participant_ids": [people[0].id],
            },
        )
    return {"london": london, "wales": wales}


def _by_key(items: list[dict[str, Any]]) -> dict[str, int]:
    return {item["key"]: item["count"] for item in items}


def test_themes_count_across_every_review(two_regions, api, leadership_token):
    response = api.get("/themes", leadership_token)
    assert response.status_code == 200
    themes = response.get_json()
    assert themes["reviews"] == 2
    assert themes["filters"] == {"from": None, "to": None, "region": None, "pdu": None}
    categories = _by_key(themes["systemic_factor_categories"])
    assert categories["workload_and_capacity"] == 2 and categories["it_systems_and_data"] == 1
    assert len(categories) == 14 and sum(categories.values()) == 3
    reviews_with = {c["key"]: c["reviews"] for c in themes["systemic_factor_categories"]}
    assert reviews_with["workload_and_capacity"] == 2
    assert _by_key(themes["systemic_factor_levels"]) == {
        "team": 1,
        "organisational": 1,
        "partnership": 0,
        "national": 1,
    }
    attribution = themes["attribution"]
    assert attribution["findings"] == 3 and attribution["individual_only"] == 1
    assert _by_key(attribution["items"]) == {
        "individual": 2,
        "team": 1,
        "organisational": 1,
        "partnership": 0,
        "national": 1,
    }
    individual = next(i for i in attribution["items"] if i["key"] == "individual")
    assert individual["share"] == pytest.approx(2 / 3, abs=0.001)


def test_caseload_and_workload_distributions(two_regions, api, leadership_token, app):
    themes = api.get("/themes", leadership_token).get_json()
    caseload, workload = themes["caseload"], themes["workload"]
    assert caseload["contexts"] == 3 and caseload["average"] == pytest.approx(54.3)
    assert caseload["reference"] == app.config["CASELOAD_REFERENCE_MAX"] == 60
    assert caseload["above_reference"] == 1  # 75; 58 is within the agreed maximum
    assert caseload["share_above_reference"] == pytest.approx(0.333)
    assert {b["label"]: b["count"] for b in caseload["buckets"]} == {
        "0–40": 1,
        "41–50": 0,
        "51–60": 1,
        "61–80": 1,
        "81+": 0,
    }
    assert workload["reference"] == 110
    assert workload["above_reference"] == 1  # 143; 110 is at the reference, not above it
    assert {b["label"]: b["count"] for b in workload["buckets"]} == {
        "0–89": 0,
        "90–110": 2,
        "111–130": 0,
        "131–150": 1,
        "151+": 0,
    }
    assert workload["buckets"][-1] == {"label": "151+", "min": 151, "max": None, "count": 0}


@pytest.mark.parametrize(
    ("query", "reviews", "contexts"),
    [
        ("?region=Wales", 1, 2),
        ("?region=London", 1, 1),
        ("?region=Scotland", 0, 0),
        ("?from=2024-01-01", 1, 2),
        ("?to=2023-12-31", 1, 1),
        ("?from=2023-06-28&to=2023-06-28", 1, 1),
        ("?from=2023-06-29&to=2024-01-31", 0, 0),
        ("?from=2023-01-01&to=2024-12-31&region=Wales", 1, 2),
        ("?from=&to=&region=", 2, 3),
    ],
)
def test_themes_are_filtered(two_regions, api, leadership_token, query, reviews, contexts):
    themes = api.get("/themes" + query, leadership_token).get_json()
    assert themes["reviews"] == reviews and themes["caseload"]["contexts"] == contexts
    if contexts == 0:
        assert themes["caseload"]["average"] is None
        assert themes["caseload"]["share_above_reference"] is None
        assert themes["attribution"]["items"][0]["share"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?from=2024-13-01", "from"),
        ("?from=01/01/2024", "from"),
        ("?to=yesterday", "to"),
        ("?from=2024-02-01&to=2024-01-31", "to"),
        ("?region=" + "r" * 201, "region"),
        ("?colour=red", "colour"),
    ],
)
def test_bad_filters_are_named(api, leadership_token, query, field):
    response = api.get("/themes" + query, leadership_token)
    assert response.status_code == 422
    err = error(response)
    assert err["code"] == "validation_error" and field in err["fields"]


@pytest.mark.parametrize("role", ["reviewer", "officer", "quality_assurer", "admin"])
def test_only_leadership_read_themes(api, cli_user, token_for, role):
    response = api.get("/themes", token_for(cli_user(role)))
    assert response.status_code == 403 and error(response)["code"] == "forbidden"
