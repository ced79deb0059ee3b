"""The figures against the hand-worked data set of conftest.five_reviews."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from sfo_review.extensions import db
from sfo_review.models import Finding
from sfo_review.services import themes
from sfo_review.services.figures import actions as figure_actions
from sfo_review.services.figures import cache

# tests/snapshots.py: `leader` only makes a user; set up before the five reviews, they
# make a reuse be refused. The five reviews are built once for this module.
SNAPSHOT_PURE = {"leader"}


@pytest.fixture
def leader(make_user):
    return make_user("leadership")


def by_key(items: list[dict[str, Any]], field: str = "count") -> dict[str, Any]:
    return {i["key"]: i[field] for i in items}


def test_reviews_by_status_overdue_and_extensions(five_reviews, leader):
    f = themes.themes(leader, {})
    assert f["reviews"] == 5
    assert by_key(f["statuses"]) == {
        "in_review": 1,
        "factual_accuracy": 1,
        "quality_assurance": 0,
        "approved": 2,
        "closed": 1,
    }
    d = f["deadlines"]
    assert d["open"] == 2 and d["overdue"] == 1 and d["share_of_open_overdue"] == 0.5
    # Two of the five reviews have an agreed extension; a refused one does not count.
    assert d["with_agreed_extension"] == 2 and d["extension_rate"] == 0.4
    assert d["extensions"] == {"requested": 1, "agreed": 2, "refused": 1, "withdrawn": 0}
    # 60, 90 and 120 days: median 90; 90th percentile 90 + 0.8 × 30 (interpolated).
    assert d["days_to_approval"] == {"reviews": 3, "median": 90.0, "p90": 114.0}


def test_a_withdrawn_request_is_counted_on_its_own(five_reviews, leader):
    from sfo_review.dashboard.tables import all_tables

    r5 = five_reviews["reviews"][4]
    five_reviews["builder"].extension(r5, "withdrawn", "2026-08-14")

    f = themes.themes(leader, {})

    assert f["deadlines"]["extensions"]["withdrawn"] == 1
    assert f["deadlines"]["extensions"]["requested"] == 1  # unchanged: not waiting
    rows = all_tables(f)["deadlines"].rows
    assert ["Extension requests withdrawn", 1] in rows


def test_each_region_has_its_own_deadline_figures(five_reviews, leader):
    areas = themes.themes(leader, {})["areas"]
    assert areas["level"] == "region"
    london, wales = areas["items"]
    assert london == {
        "name": "London",
        "reviews": 3,
        "open": 1,
        "overdue": 0,
        "extension_rate": 0.667,
        "days_to_approval": {"reviews": 2, "median": 75.0, "p90": 87.0},
    }
    assert wales["name"] == "Wales" and wales["overdue"] == 1 and wales["extension_rate"] == 0.0
    assert wales["days_to_approval"] == {"reviews": 1, "median": 120.0, "p90": 120.0}


def test_within_a_region_the_figures_break_down_by_pdu(five_reviews, leader):
    f = themes.themes(leader, {"region": "London"})
    assert f["reviews"] == 3
    assert [a["name"] for a in f["areas"]["items"]] == ["Camden and Islington", "Hackney and City"]
    camden = f["systemic_factors_by_area"]["items"][0]
    assert f["systemic_factors_by_area"]["level"] == "pdu"
    assert camden["name"] == "Camden and Islington" and camden["total"] == 2


def test_overdue_follows_the_day(five_reviews, leader, on_day):
    from datetime import date

    on_day(date(2026, 5, 26))
    assert themes.themes(leader, {})["deadlines"]["overdue"] == 0  # due that day: not yet late
    on_day(date(2026, 7, 25))
    assert themes.themes(leader, {})["deadlines"]["overdue"] == 2  # R5's extension ran out


def test_systemic_factor_categories_by_frequency(five_reviews, leader):
    f = themes.themes(leader, {})
    top = f["systemic_factor_categories"][:4]
    assert [(c["key"], c["count"], c["reviews"]) for c in top] == [
        ("workload_and_capacity", 3, 3),
        ("staffing_experience_and_allocation", 1, 1),  # ties keep the taxonomy's order
        ("information_sharing_and_partnerships", 1, 1),
        ("it_systems_and_data", 1, 1),
    ]
    assert top[0]["share_of_reviews"] == 0.6
    assert len(f["systemic_factor_categories"]) == 14
    assert by_key(f["systemic_factor_levels"]) == {
        "team": 2,
        "organisational": 2,
        "partnership": 1,
        "national": 1,
    }


def test_factors_by_quarter_cover_every_quarter_from_first_to_last(five_reviews, leader):
    quarters = themes.themes(leader, {})["systemic_factors_by_quarter"]["items"]
    assert [(q["quarter"], q["label"], q["reviews"]) for q in quarters] == [
        ("2025-Q4", "Oct–Dec 2025", 1),
        ("2026-Q1", "Jan–Mar 2026", 3),
        ("2026-Q2", "Apr–Jun 2026", 1),
    ]
    assert quarters[0]["counts"]["workload_and_capacity"] == 1
    assert quarters[1]["counts"]["workload_and_capacity"] == 2
    assert quarters[1]["counts"]["it_systems_and_data"] == 1
    assert sum(quarters[2]["counts"].values()) == 0


def test_a_date_typed_before_the_range_rule_draws_no_quarters_outside_it(five_reviews, leader):
    """A notification date of the year 0001 (typed before validation had a range) made the
    dashboard draw 8,104 quarters; dates outside 2000 to today draw none."""
    from sfo_review.extensions import db

    first, second, *_ = five_reviews["reviews"]
    first.notification_date = first.charge_date = date(1, 1, 1)
    second.notification_date = second.charge_date = date(9999, 12, 31)
    db.session.commit()

    quarters = themes.themes(leader, {})["systemic_factors_by_quarter"]["items"]

    assert [q["quarter"] for q in quarters][0] == "2000-Q1"
    assert [q["quarter"] for q in quarters][-1] == "2026-Q2"  # the fixed today's quarter
    assert len(quarters) == 26 * 4 + 2


def test_factors_by_region(five_reviews, leader):
    items = themes.themes(leader, {})["systemic_factors_by_area"]["items"]
    london, wales = items
    assert london["total"] == 3 and london["counts"]["workload_and_capacity"] == 2
    assert wales["total"] == 3 and wales["counts"]["it_systems_and_data"] == 1


def test_attribution_mix_and_the_balance_measure(five_reviews, leader):
    f = themes.themes(leader, {})
    a = f["attribution"]
    assert a["findings"] == 7 and a["individual_only"] == 3
    assert by_key(a["items"]) == {
        "individual": 4,
        "team": 1,
        "organisational": 2,
        "partnership": 1,
        "national": 1,
    }
    b = f["balance"]
    # Weighed: the one linked to a factor and the one with a 100-character note; not the
    # unlinked one nor the one whose note is 99 characters once its whitespace is stripped.
    assert (b["individual_findings"], b["weighed"], b["share"]) == (4, 2, 0.5)
    statuses = {
        s["key"]: (s["individual_findings"], s["weighed"], s["share"]) for s in b["by_status"]
    }
    assert statuses["approved"] == (2, 2, 1.0)
    assert statuses["in_review"] == (2, 0, 0.0)
    assert statuses["closed"] == (0, 0, None)


def test_working_conditions(five_reviews, leader):
    f = themes.themes(leader, {})
    c, w, o = f["caseload"], f["workload"], f["oversight"]
    assert (c["contexts"], c["average"], c["above_reference"], c["share_above_reference"]) == (
        4,
        56.0,
        2,
        0.5,
    )
    assert [b["count"] for b in c["buckets"]] == [1, 0, 1, 2, 0]
    assert (w["average"], w["above_reference"]) == (113.5, 2)  # 143 and 111; 110 is not above
    assert [b["count"] for b in w["buckets"]] == [0, 2, 1, 1, 0]
    assert (
        o["average"] == 3.0 and o["without_sessions"] == 1 and o["share_without_sessions"] == 0.25
    )
    assert [(b["label"], b["count"]) for b in o["buckets"]] == [
        ("0", 1),
        ("1", 1),
        ("2–3", 0),
        ("4–6", 1),
        ("7+", 1),
    ]
    assert "reference" not in o


def test_actions_of_approved_and_closed_reviews(five_reviews, leader):
    a = themes.themes(leader, {})["actions"]
    assert (a["total"], a["open"], a["overdue"], a["done"]) == (3, 2, 1, 1)
    levels = {lv["key"]: (lv["open"], lv["overdue"], lv["done"]) for lv in a["by_level"]}
    assert levels == {"pdu": (1, 0, 0), "regional": (0, 0, 0), "national": (1, 1, 1)}
    assert [(o["owner"], o["open"], o["overdue"], o["done"]) for o in a["by_owner"]] == [
        ("HMPPS policy", 1, 1, 1),
        ("Head of PDU", 1, 0, 0),
    ]


def test_verified_actions_count_as_completed(five_reviews, leader):
    """api-v1.1 B: a verified action was done first (lifecycle.COMPLETED): never open or
    overdue, and listed with the done ones."""
    a1, a2, a3 = five_reviews["actions"]
    a1.status, a1.completion_note = "verified", "Policy changed"
    a3.status = "verified"
    db.session.commit()
    a = themes.themes(leader, {})["actions"]
    assert (a["total"], a["open"], a["overdue"], a["done"]) == (3, 1, 0, 2)
    scope = themes.scope(leader, {})
    listed = {
        state: [x.id for x in figure_actions.action_list(scope, state, None, None).items]
        for state in ("open", "overdue", "done")
    }
    assert listed == {"open": [a2.id], "overdue": [], "done": [a3.id, a1.id]}


@pytest.mark.parametrize(
    ("filters", "reviews", "factors"),
    [
        ({"from": "2026-01-01"}, 4, 4),
        ({"to": "2025-12-31"}, 1, 2),
        ({"from": "2026-01-05", "to": "2026-01-05"}, 1, 2),  # both ends inclusive
        ({"region": "Wales"}, 2, 3),
        ({"region": "Wales", "pdu": "Gwent"}, 2, 3),
        ({"pdu": "Hackney and City"}, 1, 1),
        ({"region": "Wales", "pdu": "Hackney and City"}, 0, 0),
        ({"region": "Scotland"}, 0, 0),
    ],
)
def test_filters_narrow_every_figure(five_reviews, leader, filters, reviews, factors):
    f = themes.themes(leader, filters)
    assert f["reviews"] == reviews
    assert sum(c["count"] for c in f["systemic_factor_categories"]) == factors
    assert sum(s["count"] for s in f["statuses"]) == reviews
    assert sum(lv["count"] for lv in f["systemic_factor_levels"]) == factors


def test_no_reviews_gives_empty_figures_not_errors(db, leader):
    f = themes.themes(leader, {})
    assert f["reviews"] == 0 and f["deadlines"]["extension_rate"] is None
    assert f["deadlines"]["days_to_approval"] == {"reviews": 0, "median": None, "p90": None}
    assert f["systemic_factors_by_quarter"]["items"] == []
    assert f["balance"]["share"] is None and f["oversight"]["average"] is None


def test_praise_of_an_individual_is_not_counted_in_the_balance_measure(five_reviews, leader):
    before = themes.themes(leader, {})["balance"]
    individual = [f for f in db.session.scalars(select(Finding)) if "individual" in f.attribution]
    individual[0].judgement = "good_practice"  # praise (api-v1.1 A), not blame
    db.session.commit()
    cache.bump()
    after = themes.themes(leader, {})["balance"]
    assert after["individual_findings"] == before["individual_findings"] - 1
