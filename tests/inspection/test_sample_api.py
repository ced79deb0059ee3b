"""GET /api/v1/inspection-sample: reproducible, at least one per region, only approved and
closed reviews notified in the period (inclusive), each approved full report's SHA-256."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from sfo_review.extensions import db
from sfo_review.models import AuditEvent
from sfo_review.services.inspection_sample import choose
from tests.api.support import error
from tests.inspection.conftest import PERIOD, expected, sha

# tests/snapshots.py: `token` signs in a user like `cli_user` (after the build: the tests ask
# for `sample_world` first, so it is built on an empty database and copied in after).
SNAPSHOT_PURE = {"token"}

URL = "/inspection-sample?from={from}&to={to}&percent={percent}&seed={seed}"


@pytest.fixture
def token(cli_user, token_for) -> str:
    return token_for(cli_user("leadership"))


def draw(api, token: str, percent: Any = 20, seed: Any = 7, **period: str) -> Any:
    query = URL.format(**{**PERIOD, **period}, percent=percent, seed=seed)
    return api.get(query, token)


def ids(response) -> list[int]:
    assert response.status_code == 200, response.get_json()
    return sorted(i["id"] for i in response.get_json()["items"])


def drawn_events() -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "inspection_sample.drawn")
            .order_by(AuditEvent.id)
        )
    )


def test_the_same_parameters_draw_the_same_reviews(sample_world, api, token):
    first, again = draw(api, token, 50, 11), draw(api, token, 50, 11)
    assert ids(first) == ids(again) == expected(sample_world["regions"], 50, 11)
    assert first.get_json() == again.get_json()


def test_another_seed_draws_other_reviews(sample_world, api, token):
    rows = sample_world["regions"]
    # A seed whose sample (by the documented rule) differs from seed 1's: the data decide it.
    other = next(s for s in range(2, 200) if expected(rows, 50, s) != expected(rows, 50, 1))
    assert ids(draw(api, token, 50, 1)) != ids(draw(api, token, 50, other))
    assert ids(draw(api, token, 50, other)) == expected(rows, 50, other)


def test_the_order_is_the_seed_and_ids_not_the_database():
    rows = [(i, "London" if i % 2 else "Wales") for i in range(1, 41)]
    assert choose(rows, 25, 1) != choose(rows, 25, 2)
    assert choose(rows, 25, 1) == choose(list(reversed(rows)), 25, 1)


@pytest.mark.parametrize("seed", [0, 1, 42, 999_999_999])
def test_at_least_one_per_region(sample_world, api, token, seed):
    items = draw(api, token, 1, seed).get_json()["items"]
    # 1% of 10 rounds up to 1, but three regions have candidates: one from each.
    assert sorted(i["region"] for i in items) == ["London", "North East", "Wales"]


@pytest.mark.parametrize(("percent", "size"), [(1, 3), (30, 3), (31, 4), (41, 5), (99, 10)])
def test_the_size_is_the_percentage_rounded_up(sample_world, api, token, percent, size):
    body = draw(api, token, percent, 3).get_json()
    assert len(body["items"]) == size
    assert body["candidates"] == 10 and body["regions"] == 3


def test_every_approved_and_closed_review_of_the_period_and_no_other(sample_world, api, token):
    assert ids(draw(api, token, 100, 5)) == sample_world["ids"]
    others = {r.id for r in sample_world["others"]}
    for seed in range(5):
        assert not others & set(ids(draw(api, token, 60, seed)))


def test_the_period_is_inclusive(sample_world, api, token):
    first_day = draw(api, token, 100, 1, to="2024-01-01")
    last_day = draw(api, token, 100, 1, **{"from": "2024-12-31"})
    assert [i["reference"] for i in first_day.get_json()["items"]] == [
        sample_world["candidates"][0].reference
    ]
    assert [i["pdu"] for i in last_day.get_json()["items"]] == ["Wales PDU"]


def test_each_item_and_its_report_checksum(sample_world, api, token):
    body = draw(api, token, 100, 9).get_json()
    assert set(body) == {"from", "to", "percent", "seed", "candidates", "regions", "items"}
    by_id = {i["id"]: i for i in body["items"]}
    for review in sample_world["candidates"]:
        item = by_id[review.id]
        assert set(item) == {"id", "reference", "region", "pdu", "approved_at", "report_sha256"}
        assert item["reference"] == review.reference and item["region"] == review.region
        assert item["approved_at"].startswith(review.approved_at.date().isoformat())
        if review is sample_world["north_east"]:
            assert item["report_sha256"] is None  # no approved report stored
        else:  # the full report's standard PDF, not the archival copy or the family summary
            assert item["report_sha256"] == sha(f"full {review.reference}")


def test_without_a_seed_one_is_chosen_and_returned(sample_world, api, token):
    response = api.get(
        f"/inspection-sample?from={PERIOD['from']}&to={PERIOD['to']}&percent=40", token
    )
    body = response.get_json()
    assert response.status_code == 200 and isinstance(body["seed"], int)
    assert ids(draw(api, token, 40, body["seed"])) == sorted(i["id"] for i in body["items"])


def test_each_call_is_audited(sample_world, api, token):
    draw(api, token, 20, 4)
    draw(api, token, 100, 5)
    first, second = drawn_events()
    assert first.review_id is None and second.review_id is None
    assert first.detail == {
        "from": "2024-01-01",
        "to": "2024-12-31",
        "percent": 20,
        "seed": 4,
        "count": 3,
        "candidates": 10,
        "via": "api",
    }
    assert second.detail["count"] == 10
    assert "10 reviews" in second.summary and "seed 5" in second.summary


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("percent=20&seed=1", "from"),
        ("from=2024-01-01&percent=20&seed=1", "to"),
        ("from=2024-02-01&to=2024-01-31&percent=20&seed=1", "to"),
        ("from=2024-02-30&to=2024-03-01&percent=20", "from"),
        ("from=1-1-2024&to=2024-03-01&percent=20", "from"),
        ("from=2024-01-01&to=2024-03-01", "percent"),
        ("from=2024-01-01&to=2024-03-01&percent=0", "percent"),
        ("from=2024-01-01&to=2024-03-01&percent=101", "percent"),
        ("from=2024-01-01&to=2024-03-01&percent=abc", "percent"),
        ("from=2024-01-01&to=2024-03-01&percent=12.5", "percent"),
        ("from=2024-01-01&to=2024-03-01&percent=" + "9" * 4000, "percent"),
        ("from=2024-01-01&to=2024-03-01&percent=20&seed=x", "seed"),
        ("from=2024-01-01&to=2024-03-01&percent=20&seed=-1", "seed"),
        ("from=2024-01-01&to=2024-03-01&percent=20&seed=1000000000", "seed"),
        ("from=<script>alert(1)</script>&to=2024-03-01&percent=20", "from"),
        ("from=2024-01-01&to=2024-03-01&percent=20&colour=red", "colour"),
    ],
)
def test_bad_parameters_are_named_and_nothing_is_audited(sample_world, api, token, query, field):
    response = api.get("/inspection-sample?" + query, token)
    assert response.status_code == 422
    err = error(response)
    assert err["code"] == "validation_error" and field in err["fields"]
    assert drawn_events() == []


def test_every_problem_at_once(api, token):
    response = api.get("/inspection-sample?percent=abc&seed=x", token)
    assert set(error(response)["fields"]) == {"from", "to", "percent", "seed"}
    reversed_and_bad = "/inspection-sample?from=2024-02-01&to=2024-01-31&percent=0"
    fields = error(api.get(reversed_and_bad, token))["fields"]
    assert set(fields) == {"to", "percent"}
    assert fields["to"] == ["End date must be the same as or after the start date"]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("leadership", 200),
        ("quality_assurer", 200),
        ("reviewer", 403),
        ("officer", 403),
        ("admin", 403),
    ],
)
def test_who_may_draw_a_sample(api, cli_user, token_for, sample_world, role, status):
    response = draw(api, token_for(cli_user(role)), 100, 1)
    assert response.status_code == status
    if status == 403:
        assert error(response)["code"] == "forbidden" and drawn_events() == []
    else:  # quality assurance sees every approved and closed review, as leadership does
        assert ids(response) == sample_world["ids"]


def test_without_a_token(api, sample_world):
    response = draw(api, None, 100, 1)
    assert response.status_code == 401 and drawn_events() == []
