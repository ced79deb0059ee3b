"""Ratings against the inspectorate's standards in the figures: GET /themes `ratings` and the
dashboard's section, checked against SQL written here."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from sfo_review import vocab
from sfo_review.extensions import db
from sfo_review.models import ReviewRating
from tests.helpers import page

R1 = {  # London, approved 6 March 2026 (2026-Q1)
    "analysis_of_practice": "good",
    "overall_judgements": "good",
    "learning": "requires_improvement",
    "victims_and_families": "inadequate",
    "overall": "good",
}
R3 = {  # Wales, approved 31 March 2026 23:30 UTC: 00:30 on 1 April in London (2026-Q2)
    "analysis_of_practice": "outstanding",
    "overall_judgements": "good",
    "learning": "good",
    "victims_and_families": "good",
    "overall": "good",
}


# tests/snapshots.py: `rated` and `leadership_token` only add rows; set up before the five
# reviews, they make a reuse be refused. The five reviews are built once for this module.
SNAPSHOT_PURE = {"rated", "leadership_token"}


@pytest.fixture
def rated(five_reviews):
    """R1 and R3 rated; R2 (approved) has no ratings, as reviews approved before 1.1."""
    r1, _r2, r3, *_ = five_reviews["reviews"]
    r3.approved_at = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
    for review, given in ((r1, R1), (r3, R3)):
        for standard, rating in given.items():
            db.session.add(
                ReviewRating(
                    review_id=review.id,
                    standard=standard,
                    rating=rating,
                    rationale="A rationale of twenty characters or more.",
                )
            )
    db.session.commit()
    return five_reviews


@pytest.fixture
def leadership_token(cli_user, token_for):
    return token_for(cli_user("leadership"))


def _nested(rows) -> dict:
    found: dict = {}
    for *keys, n in rows:
        node = found
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        node[keys[-1]] = n
    return found


def _filled(counts: dict) -> dict:
    """Every standard and rating, zero where none."""
    return {
        s.key: {r.key: counts.get(s.key, {}).get(r.key, 0) for r in vocab.RATINGS}
        for s in vocab.RATING_STANDARDS
    }


def test_ratings_counted_as_the_sql_counts_them(api, leadership_token, rated):
    figures = api.get("/themes", leadership_token).get_json()["ratings"]
    by_standard = _nested(
        db.session.execute(
            text("SELECT standard, rating, COUNT(*) FROM review_ratings GROUP BY standard, rating")
        )
    )
    by_region = _nested(
        db.session.execute(
            text(
                "SELECT r.region, rr.standard, rr.rating, COUNT(*) FROM review_ratings rr "
                "JOIN reviews r ON r.id = rr.review_id GROUP BY r.region, rr.standard, rr.rating"
            )
        )
    )
    rated_reviews, finished = db.session.execute(
        text(
            "SELECT COUNT(DISTINCT rr.review_id), COUNT(DISTINCT r.id) FROM reviews r "
            "LEFT JOIN review_ratings rr ON rr.review_id = r.id "
            "WHERE r.status IN ('approved', 'closed')"
        )
    ).one()
    assert figures["by_standard"] == _filled(by_standard)
    assert figures["by_region"] == {k: _filled(v) for k, v in by_region.items()}
    assert figures["by_standard"]["overall"] == {
        "outstanding": 0,
        "good": 2,
        "requires_improvement": 0,
        "inadequate": 0,
    }
    assert (figures["reviews_rated"], figures["reviews_not_rated"]) == (2, 1)
    assert (rated_reviews, finished) == (2, 3)


def test_by_quarter_of_approval_in_london_time(api, leadership_token, rated):
    by_quarter = api.get("/themes", leadership_token).get_json()["ratings"]["by_quarter"]
    assert list(by_quarter) == ["2026-Q1", "2026-Q2"]
    assert by_quarter["2026-Q1"] == _filled({k: {v: 1} for k, v in R1.items()})
    assert by_quarter["2026-Q2"] == _filled({k: {v: 1} for k, v in R3.items()})


def test_ratings_follow_the_filters(api, leadership_token, rated):
    figures = api.get("/themes?region=Wales", leadership_token).get_json()["ratings"]
    assert list(figures["by_region"]) == ["Wales"]
    assert figures["by_standard"]["analysis_of_practice"]["outstanding"] == 1
    assert (figures["reviews_rated"], figures["reviews_not_rated"]) == (1, 0)


def test_approved_reviews_without_ratings_say_so(api, leadership_token, five_reviews):
    figures = api.get("/themes", leadership_token).get_json()["ratings"]
    # Every region and quarter with an approved review is listed, with nothing counted.
    assert figures["by_region"] == {"London": _filled({}), "Wales": _filled({})}
    assert figures["by_quarter"] == {"2026-Q1": _filled({}), "2026-Q2": _filled({})}
    assert all(n == 0 for counts in figures["by_standard"].values() for n in counts.values())
    assert (figures["reviews_rated"], figures["reviews_not_rated"]) == (0, 3)


def test_the_dashboard_section_and_its_csv(client, login_as, rated):
    login_as("leadership")
    soup = page(client.get("/dashboard"))
    assert soup.select_one("#ratings").get_text() == "Ratings against the inspectorate’s standards"
    assert soup.select_one("#figure-reviews-rated").get_text(strip=True) == "2"
    assert soup.select_one("#figure-reviews-not-rated").get_text(strip=True) == "1"
    assert soup.select_one("#ratings-not-rated") is not None
    table = soup.select_one("#table-ratings-by-standard table")
    overall = [r for r in table.select("tbody tr") if r.select_one("th").get_text() == "Overall"]
    assert [td.get_text() for td in overall[0].select("td")] == ["0", "2", "0", "0", "2"]
    response = client.get("/dashboard/tables/ratings-by-region.csv")
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0] == [
        "Region",
        "Standard",
        "Outstanding",
        "Good",
        "Requires improvement",
        "Inadequate",
        "Rated",
    ]
    assert ["Wales", "Analysis of practice", "1", "0", "0", "0", "1"] in rows
    assert len(rows) == 1 + 2 * len(vocab.RATING_STANDARDS)
    quarters = client.get("/dashboard/tables/ratings-by-quarter.csv").get_data().decode()
    assert "2026-Q2" in quarters
