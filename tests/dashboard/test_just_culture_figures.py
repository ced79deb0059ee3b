"""Individual shortfall findings by just-culture outcome (api-v1.1 §A), in GET /api/v1/themes
(`just_culture_outcomes`) and on the leadership dashboard: counts worked out by hand,
filters, empty state, the figures cache."""

from __future__ import annotations

import csv
import io
from typing import Any

from sfo_review.extensions import db
from sfo_review.models import Finding, FindingAttribution, JustCultureAssessment, Review
from sfo_review.services import themes
from tests.helpers import page

OUTCOME_KEYS = [
    "refer_elsewhere",
    "support_for_health",
    "system_learning",
    "individual_learning",
    "not_assessed",
]


def _finding(
    review: Review, judgement: str, attribution: list[str], outcome: str | None = None, **jc: Any
) -> Finding:
    """A finding written straight to its tables (the rules of writing one are not under test
    here); `outcome` gives it a just-culture assessment with that stored outcome, `jc` one
    without (an assessment begun, not complete)."""
    finding = Finding(
        review_id=review.id,
        title="Finding",
        practice_area="assessment",
        judgement=judgement,
        narrative="What happened.",
    )
    finding.attributions = [
        FindingAttribution(attribution=a, position=n) for n, a in enumerate(attribution)
    ]
    if outcome is not None or jc:
        finding.just_culture = JustCultureAssessment(outcome=outcome, **jc)
    db.session.add(finding)
    db.session.commit()
    return finding


def _outcomes(figures: dict[str, Any]) -> dict[str, int]:
    return {i["key"]: i["count"] for i in figures["just_culture_outcomes"]["items"]}


def _status(figures: dict[str, Any], status: str) -> dict[str, int]:
    row = next(s for s in figures["just_culture_outcomes"]["by_status"] if s["key"] == status)
    return {i["key"]: i["count"] for i in row["items"]} | {
        "all": row["individual_shortfall_findings"]
    }


def _known(five_reviews: dict[str, Any]) -> None:
    """On top of five_reviews' findings (R1 approved London/Camden, R2 approved London/
    Hackney, R3 closed Wales, R4 in review Wales, R5 factual accuracy London/Camden):

    counted (insufficient, attributed to an individual among others):
      R1 individual+team → system_learning; R1 individual → refer_elsewhere;
      R2 individual → support_for_health; R3 individual+organisational → individual_learning;
      R3 individual → system_learning; R4 individual (begun, no outcome) → not_assessed;
    not counted: R1 good practice by an individual, R2 sufficient by an individual,
      R3 insufficient team-only with an outcome.
    five_reviews itself has insufficient individual findings with no assessment:
      R1 ×1, R2 ×1, R4 ×2 → not_assessed.
    """
    r1, r2, r3, r4, _r5 = five_reviews["reviews"]
    _finding(r1, "insufficient", ["individual", "team"], "system_learning")
    _finding(r1, "insufficient", ["individual"], "refer_elsewhere")
    _finding(r2, "insufficient", ["individual"], "support_for_health")
    _finding(r3, "insufficient", ["organisational", "individual"], "individual_learning")
    _finding(r3, "insufficient", ["individual"], "system_learning")
    _finding(r4, "insufficient", ["individual"], None, deliberate_harm="no")
    _finding(r1, "good_practice", ["individual"], None)
    _finding(r2, "sufficient", ["individual"], "individual_learning")
    _finding(r3, "insufficient", ["team"], "system_learning")


def test_counts_match_the_known_data(five_reviews: dict[str, Any], make_user: Any) -> None:
    _known(five_reviews)
    leader = make_user("leadership")

    figures = themes.themes(leader, {})

    assert figures["just_culture_outcomes"]["individual_shortfall_findings"] == 10
    assert _outcomes(figures) == {
        "refer_elsewhere": 1,
        "support_for_health": 1,
        "system_learning": 2,
        "individual_learning": 1,
        "not_assessed": 5,
    }
    assert [i["key"] for i in figures["just_culture_outcomes"]["items"]] == OUTCOME_KEYS
    shares = {i["key"]: i["share"] for i in figures["just_culture_outcomes"]["items"]}
    assert shares["system_learning"] == 0.2
    assert _status(figures, "approved") == {
        "refer_elsewhere": 1,
        "support_for_health": 1,
        "system_learning": 1,
        "individual_learning": 0,
        "not_assessed": 2,
        "all": 5,
    }
    assert _status(figures, "closed")["all"] == 2
    assert _status(figures, "in_review") == {
        "refer_elsewhere": 0,
        "support_for_health": 0,
        "system_learning": 0,
        "individual_learning": 0,
        "not_assessed": 3,
        "all": 3,
    }
    assert _status(figures, "factual_accuracy")["all"] == 0


def test_the_filters_apply(five_reviews: dict[str, Any], make_user: Any) -> None:
    _known(five_reviews)
    leader = make_user("leadership")

    wales = themes.themes(leader, {"region": "Wales"})
    hackney = themes.themes(leader, {"region": "London", "pdu": "Hackney and City"})
    january = themes.themes(leader, {"from": "2026-01-01", "to": "2026-01-31"})

    assert _outcomes(wales) == {
        "refer_elsewhere": 0,
        "support_for_health": 0,
        "system_learning": 1,
        "individual_learning": 1,
        "not_assessed": 3,
    }
    assert _outcomes(hackney) == {
        "refer_elsewhere": 0,
        "support_for_health": 1,
        "system_learning": 0,
        "individual_learning": 0,
        "not_assessed": 1,
    }
    assert january["just_culture_outcomes"]["individual_shortfall_findings"] == 3  # R1


def test_empty_state(make_user: Any, client: Any, login_as: Any) -> None:
    figures = themes.themes(make_user("leadership"), {})

    assert figures["just_culture_outcomes"]["individual_shortfall_findings"] == 0
    assert set(_outcomes(figures).values()) == {0}
    assert all(i["share"] is None for i in figures["just_culture_outcomes"]["items"])
    login_as("leadership")
    soup = page(client.get("/dashboard"))
    assert soup.select_one("#just-culture-empty").get_text(strip=True) == (
        "No individual shortfall findings match the filters."
    )


def test_the_api_and_the_dashboard_show_the_same_counts(
    five_reviews: dict[str, Any],
    client: Any,
    login_as: Any,
    api: Any,
    cli_user: Any,
    token_for: Any,
) -> None:
    _known(five_reviews)
    body = api.get("/themes?region=London", token_for(cli_user("leadership"))).get_json()
    assert body["just_culture_outcomes"]["individual_shortfall_findings"] == 5
    login_as("leadership")

    soup = page(client.get("/dashboard?region=London"))

    assert soup.select_one("#figure-individual-shortfall").get_text(strip=True) == "5"
    assert soup.select_one("#figure-system-learning").get_text(" ", strip=True).startswith("20.0%")
    table = soup.select_one("#table-just-culture-outcomes table")
    headers = [th.get_text(strip=True) for th in table.select("thead th")]
    assert headers == [
        "Status",
        "Refer to another process",
        "Support for health",
        "System learning",
        "Individual learning",
        "Not assessed",
        "All outcomes",
    ]
    last = [c.get_text(strip=True) for c in table.select("tbody tr")[-1].select("th, td")]
    assert last == ["All", "1", "1", "1", "0", "2", "5"]
    meanings = soup.select_one("#just-culture-outcomes-meaning").get_text(" ", strip=True)
    assert "Peers would have acted the same way" in meanings
    csv_url = "/dashboard/tables/just-culture-outcomes.csv?region=London"
    rows = list(csv.reader(io.StringIO(client.get(csv_url).get_data().decode("utf-8-sig"))))
    assert rows[-1] == ["All", "1", "1", "1", "0", "2", "5"]


def test_a_changed_assessment_is_counted_at_once(
    five_reviews: dict[str, Any], make_user: Any, app: Any, monkeypatch: Any
) -> None:
    """The figures cache (services/figures/cache.py) forgets them when an assessment alone
    changes."""
    monkeypatch.setitem(app.config, "FIGURES_CACHE_SECONDS", 60)
    r1 = five_reviews["reviews"][0]
    found = _finding(r1, "insufficient", ["individual"], "individual_learning")
    leader = make_user("leadership")
    before = _outcomes(themes.themes(leader, {}))
    assessment = db.session.get(JustCultureAssessment, found.id)
    assessment.outcome = "system_learning"
    db.session.commit()

    after = _outcomes(themes.themes(leader, {}))

    assert (before["individual_learning"], before["system_learning"]) == (1, 0)
    assert (after["individual_learning"], after["system_learning"]) == (0, 1)
