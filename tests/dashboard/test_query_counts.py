"""No query per row: the dashboard, the themes endpoint and the action list run the same
number of queries for 12 reviews as for 72 (the synthetic reviews of `seed-bulk`)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from sfo_review.cli.bulk import seed_bulk
from sfo_review.extensions import db
from sfo_review.models import Review
from sfo_review.services import api_tokens
from sfo_review.services.figures import cache
from tests.dashboard.conftest import TODAY
from tests.helpers import counting

URLS = (
    "/dashboard",
    "/dashboard?region={region}&from=2024-01-01",
    "/dashboard/actions",
    "/dashboard/actions?level=national",
    "/dashboard/actions.csv",
    "/dashboard/tables/systemic-factors-by-quarter.csv",
)


def add_reviews(app, count: int, seed: int) -> None:
    seed_bulk(count, seed, TODAY, app.config["REVIEW_DEADLINE_WORKING_DAYS"], "not-a-hash")


def queries_for(client, url: str, token: str | None = None) -> list[str]:
    cache.clear_local()
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with counting() as statements:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return [" ".join(s.split())[:70] for s in statements]


@pytest.fixture
def uncached(app, monkeypatch):
    monkeypatch.setitem(app.config, "FIGURES_CACHE_SECONDS", 0)


def test_queries_do_not_grow_with_the_number_of_reviews(
    app, client, login_as, uncached, cli_user, token_for, monkeypatch
):
    login_as("leadership")
    token = token_for(cli_user("leadership"))
    # A token's use is recorded at most once a minute: record it now, and not again during
    # the test however long it takes, so both counts are of the same requests.
    monkeypatch.setattr(api_tokens, "LAST_USED_EVERY", timedelta(days=1))
    queries_for(client, "/api/v1/themes", token)
    add_reviews(app, 12, seed=1)
    region = db.session.scalar(select(Review.region).limit(1))
    few = {url: queries_for(client, url.format(region=region)) for url in URLS}
    few["api"] = queries_for(client, "/api/v1/themes?region=Wales", token)
    add_reviews(app, 60, seed=2)
    many = {url: queries_for(client, url.format(region=region)) for url in URLS}
    many["api"] = queries_for(client, "/api/v1/themes?region=Wales", token)
    for url, statements in few.items():
        assert len(many[url]) == len(statements), (url, statements, many[url])
    # a fixed handful: session, filters (the list of regions and PDUs, issue 19), the figures
    assert len(few["/dashboard"]) <= 23


def test_cached_figures_cost_one_query_for_the_data_version(
    app, client, login_as, cli_user, token_for
):
    login_as("leadership")
    add_reviews(app, 10, seed=3)
    token = token_for(cli_user("leadership"))
    cache.clear_local()
    cold = queries_for_warm(client, "/api/v1/themes", token)
    warm = queries_for_warm(client, "/api/v1/themes", token)
    assert len(cold) > 10
    assert len(warm) == 2, warm  # the token with its user, and the data version: figures kept


def queries_for_warm(client, url: str, token: str) -> list[str]:
    with counting() as statements:
        response = client.get(url, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    return statements
