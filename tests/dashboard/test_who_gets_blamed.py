"""Who gets blamed (api-v1.1 §B): `individual_attribution` in GET /api/v1/themes, the
dashboard's section, its tables and CSV files — every number checked against SQL written
here (not the service's), on a seeded skew: most people blamed were under 12 months in
their role, most people in the reviews were not."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from sqlalchemy import text

from sfo_review.extensions import db
from sfo_review.models import (
    CaseloadContext,
    Finding,
    FindingAttribution,
    JustCultureAssessment,
    Participant,
    Review,
)
from sfo_review.services import themes
from tests.helpers import page

BREAKDOWNS = {
    "by_grade": None,
    "by_months_in_role": (
        "months_in_role",
        "CASE WHEN {c} < 12 THEN 'under_12' WHEN {c} <= 24 THEN '12_to_24' ELSE 'over_24' END",
    ),
    "by_caseload": (
        "caseload_count",
        "CASE WHEN {c} <= 50 THEN 'up_to_50' WHEN {c} <= 60 THEN '51_to_60' ELSE 'over_60' END",
    ),
    "by_workload": (
        "workload_percent",
        "CASE WHEN {c} <= 100 THEN 'up_to_100' WHEN {c} <= 110 THEN '101_to_110' "
        "ELSE 'over_110' END",
    ),
}
OUTCOME_KEYS = (
    "refer_elsewhere",
    "support_for_health",
    "system_learning",
    "individual_learning",
    "not_assessed",
)

# --- the SQL of the definition, written independently of the service -----------------------
# A person: a participants row. Their context: the latest period's (then the latest id).
# Blamed: named in finding_subjects of a finding judged insufficient and attributed (also)
# to an individual. "All": every participant with a context.
LATEST = """
    SELECT * FROM (
        SELECT c.*, ROW_NUMBER() OVER (
            PARTITION BY c.participant_id ORDER BY c.period_end DESC, c.id DESC) AS position
        FROM caseload_contexts c) ranked
    WHERE position = 1
"""
BLAMED = """
    SELECT s.participant_id FROM finding_subjects s JOIN findings f ON f.id = s.finding_id
    WHERE f.judgement = 'insufficient' AND EXISTS (
        SELECT 1 FROM finding_attributions a
        WHERE a.finding_id = f.id AND a.attribution = 'individual')
"""


def _where(region: str | None) -> tuple[str, dict[str, Any]]:
    return ("r.region = :region", {"region": region}) if region else ("1 = 1", {})


def sql_breakdown(name: str, blamed: bool, region: str | None = None) -> dict[str, int]:
    spec = BREAKDOWNS[name]
    band = "l.grade" if spec is None else spec[1].format(c="l." + spec[0])
    where, params = _where(region)
    only = f" AND l.participant_id IN ({BLAMED})" if blamed else ""
    rows = db.session.execute(
        text(
            f"SELECT {band} AS band, COUNT(*) FROM ({LATEST}) l "  # noqa: S608 - test SQL
            f"JOIN reviews r ON r.id = l.review_id WHERE {where}{only} GROUP BY {band}"
        ),
        params,
    )
    return {key: int(n) for key, n in rows}


def sql_total(blamed: bool, region: str | None = None) -> int:
    return sum(sql_breakdown("by_grade", blamed, region).values())


def sql_outcomes(region: str | None = None) -> dict[str, int]:
    where, params = _where(region)
    rows = db.session.execute(
        text(
            "SELECT COALESCE(j.outcome, 'not_assessed') AS o, COUNT(DISTINCT s.participant_id) "
            "FROM finding_subjects s JOIN findings f ON f.id = s.finding_id "
            "JOIN reviews r ON r.id = f.review_id "
            "LEFT JOIN just_culture_assessments j ON j.finding_id = f.id "
            f"WHERE {where} AND s.participant_id IN ({BLAMED}) "  # noqa: S608 - test SQL
            "AND s.finding_id IN (SELECT finding_id FROM finding_attributions "
            "WHERE attribution = 'individual') AND f.judgement = 'insufficient' "
            "AND s.participant_id IN (SELECT participant_id FROM caseload_contexts) "
            "GROUP BY COALESCE(j.outcome, 'not_assessed')"
        ),
        params,
    )
    return {key: int(n) for key, n in rows}


def sql_without_context() -> int:
    return int(
        db.session.scalar(
            text(
                f"SELECT COUNT(DISTINCT participant_id) FROM ({BLAMED}) b "  # noqa: S608
                "WHERE participant_id NOT IN (SELECT participant_id FROM caseload_contexts)"
            )
        )
        or 0
    )


# --- the data -------------------------------------------------------------------------------


class Seeder:
    def __init__(self, make_user: Any, make_review: Any) -> None:
        self.make_user = make_user
        self.make_review = make_review
        self.reviewer = make_user("reviewer")
        self.officers = [make_user("officer") for _ in range(6)]

    def review(self, region: str, pdu: str, notified: str) -> Review:
        return self.make_review(self.reviewer, region=region, pdu=pdu, notification_date=notified)

    def person(
        self,
        review: Review,
        grade: str,
        months: int,
        cases: int,
        wmt: int,
        ended: str = "2025-10-01",
    ) -> Participant:
        """A participant of `review` with one caseload context (`person.context` adds more)."""
        n = len(review.participants)
        person = Participant(
            review_id=review.id, user_id=self.officers[n].id, role_in_case="responsible_officer"
        )
        db.session.add(person)
        db.session.flush()
        self.context(review, person, grade, months, cases, wmt, ended)
        db.session.refresh(review)
        return person

    def context(
        self,
        review: Review,
        person: Participant,
        grade: str,
        months: int,
        cases: int,
        wmt: int,
        ended: str,
    ) -> None:
        db.session.add(
            CaseloadContext(
                review_id=review.id,
                participant_id=person.id,
                period_start=date(2025, 1, 1),
                period_end=date.fromisoformat(ended),
                caseload_count=cases,
                high_risk_count=3,
                workload_percent=wmt,
                grade=grade,
                months_in_role=months,
                team_vacancy_percent=10,
                officer_changes_on_case=1,
                management_oversight_sessions=2,
            )
        )
        db.session.commit()

    def finding(
        self,
        review: Review,
        subjects: list[Participant],
        judgement: str = "insufficient",
        attribution: tuple[str, ...] = ("individual",),
        outcome: str | None = None,
    ) -> None:
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
        finding.subjects = subjects
        if outcome is not None:
            finding.just_culture = JustCultureAssessment(outcome=outcome)
        db.session.add(finding)
        db.session.commit()


PO, PSO, TPO = "probation_officer", "probation_services_officer", "trainee_probation_officer"


@pytest.fixture
def skew(skew_built: Any) -> dict[str, Any]:
    """The skewed reviews (see _skew), built once per module."""
    return dict(skew_built())


@pytest.fixture
def skew_built(make_user: Any, make_review: Any) -> Any:
    """Builds `skew` (a builder of tests/snapshots.py: kept, and copied in for each later
    test of the module)."""
    return lambda: _skew(make_user, make_review)


# tests/snapshots.py: `skew` only calls its builder.
SNAPSHOT_PURE = {"skew"}


def _skew(make_user: Any, make_review: Any) -> dict[str, Any]:
    """Three reviews (two in London, one in Wales). 11 people with a caseload context, 4 of
    them blamed — 3 of those 4 under 12 months in role, 1 of the other 7; one more person
    blamed without a context; findings that are not individual shortfalls name others."""
    s = Seeder(make_user, make_review)
    camden = s.review("London", "Camden and Islington", "2026-01-10")
    hackney = s.review("London", "Hackney and City", "2026-02-10")
    gwent = s.review("Wales", "Gwent", "2025-12-01")
    # blamed, new in role
    new1 = s.person(camden, TPO, 3, 64, 125)
    new2 = s.person(camden, PSO, 11, 58, 112)
    new3 = s.person(gwent, TPO, 6, 70, 130)
    # blamed, experienced; an older context (under 12 months then) is not the one counted
    old = s.person(hackney, PO, 40, 45, 95, ended="2025-10-01")
    s.context(hackney, old, TPO, 2, 80, 140, "2024-06-01")
    # not blamed
    s.person(camden, PO, 30, 50, 100)
    s.person(camden, PO, 12, 51, 101)
    s.person(hackney, PO, 24, 60, 110)
    s.person(hackney, PSO, 25, 61, 111)
    s.person(gwent, PO, 80, 40, 90)
    praised = s.person(gwent, PO, 9, 55, 105)
    team_only = s.person(gwent, PO, 100, 52, 99)
    # one blamed person with no caseload context
    no_context = Participant(
        review_id=hackney.id, user_id=s.officers[5].id, role_in_case="previous_officer"
    )
    db.session.add(no_context)
    db.session.commit()

    s.finding(camden, [new1, new2], outcome="system_learning")
    s.finding(camden, [new1], attribution=("individual", "team"), outcome="individual_learning")
    s.finding(gwent, [new3])  # no assessment: not_assessed
    s.finding(hackney, [old, no_context], outcome="support_for_health")
    s.finding(gwent, [praised], judgement="good_practice")
    s.finding(gwent, [team_only], attribution=("team",))
    return {"reviews": (camden, hackney, gwent)}


def _figures(leader: Any, **filters: str) -> dict[str, Any]:
    return themes.themes(leader, filters)["individual_attribution"]


def test_every_number_matches_the_sql(skew: dict[str, Any], make_user: Any) -> None:
    a = _figures(make_user("leadership"))

    assert a["subjects"] == sql_total(True) == 4
    assert a["participants"] == sql_total(False) == 11
    assert a["subjects_without_context"] == sql_without_context() == 1
    for name in BREAKDOWNS:
        for side, blamed in (("subjects", True), ("all", False)):
            expected = sql_breakdown(name, blamed)
            assert {k: n for k, n in a[name][side].items() if n} == expected, (name, side)
    assert {k: n for k, n in a["by_just_culture_outcome"].items() if n} == sql_outcomes()
    assert list(a["by_just_culture_outcome"]) == list(OUTCOME_KEYS)


def test_the_skew_reads_as_seeded(skew: dict[str, Any], make_user: Any) -> None:
    a = _figures(make_user("leadership"))

    assert a["by_months_in_role"] == {
        "subjects": {"under_12": 3, "12_to_24": 0, "over_24": 1},
        "all": {"under_12": 4, "12_to_24": 2, "over_24": 5},
    }
    assert a["by_just_culture_outcome"] == {
        "refer_elsewhere": 0,
        "support_for_health": 1,
        "system_learning": 2,
        "individual_learning": 1,  # new1 counts under both of their outcomes
        "not_assessed": 1,
    }
    assert a["by_grade"]["subjects"] == {
        "probation_officer": 1,
        "probation_services_officer": 1,
        "trainee_probation_officer": 2,
        "senior_probation_officer": 0,
        "agency_probation_officer": 0,
    }


def test_the_filters_apply(skew: dict[str, Any], make_user: Any) -> None:
    leader = make_user("leadership")
    london = _figures(leader, region="London")
    hackney = _figures(leader, region="London", pdu="Hackney and City")
    december = _figures(leader, **{"from": "2025-12-01", "to": "2025-12-31"})

    assert london["subjects"] == sql_total(True, "London") == 3
    assert london["participants"] == sql_total(False, "London") == 7
    for name in BREAKDOWNS:
        assert {k: n for k, n in london[name]["all"].items() if n} == sql_breakdown(
            name, False, "London"
        )
        assert {k: n for k, n in london[name]["subjects"].items() if n} == sql_breakdown(
            name, True, "London"
        )
    assert {k: n for k, n in london["by_just_culture_outcome"].items() if n} == sql_outcomes(
        "London"
    )
    assert (hackney["subjects"], hackney["participants"]) == (1, 3)
    assert (december["subjects"], december["participants"]) == (1, 4)  # Gwent


# Each edge of the contract's bands, one person at each value (months, cases, WMT %).
EDGES = [
    ((11, 50, 100), ("under_12", "up_to_50", "up_to_100")),
    ((12, 51, 101), ("12_to_24", "51_to_60", "101_to_110")),
    ((24, 60, 110), ("12_to_24", "51_to_60", "101_to_110")),
    ((25, 61, 111), ("over_24", "over_60", "over_110")),
    ((0, 0, 0), ("under_12", "up_to_50", "up_to_100")),
]


@pytest.mark.parametrize(("values", "bands"), EDGES)
def test_every_band_edge(values: Any, bands: Any, make_user: Any, make_review: Any) -> None:
    s = Seeder(make_user, make_review)
    review = s.review("London", "Brent", "2026-01-10")
    person = s.person(review, PO, *values)
    s.finding(review, [person])

    a = _figures(make_user("leadership"))

    for name, band in zip(("by_months_in_role", "by_caseload", "by_workload"), bands, strict=True):
        assert a[name]["subjects"][band] == 1 == a[name]["all"][band], name
        assert sum(a[name]["all"].values()) == 1


def test_nothing_to_count(make_user: Any, client: Any, login_as: Any) -> None:
    a = _figures(make_user("leadership"))
    assert (a["subjects"], a["participants"], a["subjects_without_context"]) == (0, 0, 0)
    assert set(a["by_caseload"]["all"].values()) == {0}
    login_as("leadership")
    soup = page(client.get("/dashboard"))
    assert soup.select_one("#who-gets-blamed-empty") is not None
    assert "–" in soup.select_one("#table-who-gets-blamed").get_text()


# --- the API, the page, the CSV -------------------------------------------------------------


def test_the_api_gives_the_figures(
    skew: dict[str, Any], api: Any, cli_user: Any, token_for: Any
) -> None:
    response = api.get("/themes?region=London", token_for(cli_user("leadership")))
    assert response.status_code == 200
    a = response.get_json()["individual_attribution"]
    assert a["subjects"] == sql_total(True, "London")
    for name in BREAKDOWNS:
        assert set(a[name]) == {"subjects", "all"}
        assert {k: n for k, n in a[name]["subjects"].items() if n} == sql_breakdown(
            name, True, "London"
        )


@pytest.mark.parametrize("role", ["reviewer", "officer", "quality_assurer", "admin"])
def test_the_api_refuses_everyone_else(
    skew: dict[str, Any], api: Any, cli_user: Any, token_for: Any, role: str
) -> None:
    assert api.get("/themes", token_for(cli_user(role))).status_code == 403


def _csv(client: Any, name: str, query: str = "") -> list[list[str]]:
    response = client.get(f"/dashboard/tables/{name}.csv{query}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


LABELS = {
    "by_grade": "Grade",
    "by_months_in_role": "Months in role",
    "by_caseload": "Caseload",
    "by_workload": "Workload (WMT %)",
}


def _pc(part: int, whole: int, sign: str = "%") -> str:
    """A share as the page writes it (the CSV has the number alone, `sign=""`)."""
    return f"{round(round(part / whole, 3) * 100, 1):.1f}{sign}" if whole else "–"


def test_the_table_and_csv_match_the_sql(skew: dict[str, Any], client: Any, login_as: Any) -> None:
    login_as("leadership")
    rows = _csv(client, "who-gets-blamed", "?region=London")
    blamed_total, all_total = sql_total(True, "London"), sql_total(False, "London")
    assert rows[0] == [
        "Breakdown",
        "Band",
        "People blamed",
        "Share of people blamed (%)",
        "All people",
        "Share of all people (%)",
    ]
    by_label = {label: name for name, label in LABELS.items()}
    seen = set()
    for breakdown, _band, blamed, blamed_pc, everyone, everyone_pc in rows[1:]:
        seen.add(breakdown)
        assert breakdown in by_label
        assert blamed_pc == _pc(int(blamed), blamed_total, "")
        assert everyone_pc == _pc(int(everyone), all_total, "")
    assert seen == set(LABELS.values())
    # each band's counts, keyed by its row
    for name, label in LABELS.items():
        counted = [r for r in rows[1:] if r[0] == label]
        assert sum(int(r[2]) for r in counted) == blamed_total
        assert sum(int(r[4]) for r in counted) == all_total
        blamed = sorted(int(r[2]) for r in counted if int(r[2]))
        assert blamed == sorted(sql_breakdown(name, True, "London").values())
        everyone = sorted(int(r[4]) for r in counted if int(r[4]))
        assert everyone == sorted(sql_breakdown(name, False, "London").values())
    months = {r[1]: r for r in rows[1:] if r[0] == "Months in role"}
    assert months["Under 12 months"][2:] == ["2", "66.7", "2", "28.6"]
    outcomes = _csv(client, "who-gets-blamed-outcomes", "?region=London")
    assert outcomes[0] == ["Outcome", "People blamed"]
    sql = sql_outcomes("London")
    assert {r[0]: int(r[1]) for r in outcomes[1:]} == {
        "Refer to another process": sql.get("refer_elsewhere", 0),
        "Support for health": sql.get("support_for_health", 0),
        "System learning": sql.get("system_learning", 0),
        "Individual learning": sql.get("individual_learning", 0),
        "Not assessed": sql.get("not_assessed", 0),
    }


def test_the_page_shows_the_section(skew: dict[str, Any], client: Any, login_as: Any) -> None:
    login_as("leadership")
    soup = page(client.get("/dashboard"))
    blamed_total, all_total = sql_total(True), sql_total(False)
    under_blamed = sql_breakdown("by_months_in_role", True)["under_12"]
    under_all = sql_breakdown("by_months_in_role", False)["under_12"]

    summary = soup.select_one("#who-gets-blamed-summary").get_text(" ", strip=True)
    assert (
        f"Of the people findings blamed, {_pc(under_blamed, blamed_total)} had been in their "
        f"role under 12 months; of all people in reviews, {_pc(under_all, all_total)}."
    ) in summary
    assert "75.0%" in summary and "36.4%" in summary
    chart = soup.select_one("#chart-who-gets-blamed")
    assert chart is not None and chart.select_one(".app-chart-bars") is not None
    assert "Under 12 months: blamed" in chart.get_text()
    cells = [
        [c.get_text(strip=True) for c in tr.select("th, td")]
        for tr in soup.select("#table-who-gets-blamed tbody tr")
    ]
    months = {row[1]: row for row in cells if row[0] == "Months in role"}
    assert months["Under 12 months"][2:] == ["3", "75.0%", "4", "36.4%"]
    csv_link = soup.select_one('a[href*="who-gets-blamed.csv"]')
    assert csv_link is not None
    assert soup.select_one('a[href="#who-gets-blamed"]') is not None


def test_a_grade_outside_the_vocabulary(
    skew: dict[str, Any], client: Any, login_as: Any, make_user: Any
) -> None:
    """A stored grade outside the vocabulary (hostile or old data) is counted under its own
    key in the API, never shown as markup, and the page and CSV still answer."""
    hostile = "<script>alert(1)</script>"
    context = db.session.scalars(text("SELECT id FROM caseload_contexts ORDER BY id")).first()
    update = text("UPDATE caseload_contexts SET grade = :g WHERE id = :id")
    db.session.execute(update, {"g": hostile, "id": context})
    db.session.commit()
    a = _figures(make_user("leadership"))
    assert a["by_grade"]["all"][hostile] == 1
    login_as("leadership")
    response = client.get("/dashboard")
    assert response.status_code == 200
    assert hostile not in response.get_data(as_text=True)
    assert _csv(client, "who-gets-blamed")[1:]


@pytest.mark.parametrize(
    "query", ["?from=2026-13-01", "?from=2026-02-01&to=2026-01-01", "?region=" + "x" * 300]
)
def test_bad_filters_give_no_figures(
    skew: dict[str, Any], client: Any, login_as: Any, query: str
) -> None:
    login_as("leadership")
    assert client.get("/dashboard/tables/who-gets-blamed.csv" + query).status_code == 422
    soup = page(client.get("/dashboard" + query))
    assert soup.select_one("#who-gets-blamed") is None
    assert soup.select_one(".govuk-error-summary") is not None


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("reviewer", 403),
        ("officer", 403),
        ("quality_assurer", 403),
        ("admin", 403),
        ("leadership", 200),
    ],
)
@pytest.mark.parametrize("name", ["who-gets-blamed", "who-gets-blamed-outcomes"])
def test_only_leadership_download_the_tables(
    client: Any, login_as: Any, role: str, status: int, name: str
) -> None:
    login_as(role)
    assert client.get(f"/dashboard/tables/{name}.csv").status_code == status


def test_the_figures_cache_follows_subjects_and_contexts(
    skew: dict[str, Any], make_user: Any, make_review: Any
) -> None:
    """Naming a subject (a finding changed) or recording a context moves the figures."""
    leader = make_user("leadership")
    before = _figures(leader)
    s = Seeder(make_user, make_review)
    camden = skew["reviews"][0]
    newcomer = s.person(camden, TPO, 1, 90, 150)
    assert _figures(leader)["participants"] == before["participants"] + 1
    finding = db.session.get(Finding, db.session.scalar(text("SELECT MIN(id) FROM findings")))
    assert finding is not None
    finding.subjects = [*finding.subjects, newcomer]
    db.session.commit()
    after = _figures(leader)
    assert after["subjects"] == before["subjects"] + 1
    assert (
        after["by_months_in_role"]["subjects"]["under_12"]
        == 4
        == sql_breakdown("by_months_in_role", True)["under_12"]
    )
