"""The figures cache never shows figures older than the data (services/figures/cache.py)."""

from __future__ import annotations

import pytest

from sfo_review.extensions import db
from sfo_review.services import evidence, themes
from sfo_review.services.figures import cache

REDIS_URL = "redis://127.0.0.1:6379/3"


# tests/snapshots.py: `leader` only makes a user; set up before the five reviews, they
# make a reuse be refused. The five reviews are built once for this module.
SNAPSHOT_PURE = {"leader"}


@pytest.fixture
def leader(make_user):
    return make_user("leadership")


def workload(leader) -> int:
    categories = themes.themes(leader, {})["systemic_factor_categories"]
    return next(c["count"] for c in categories if c["key"] == "workload_and_capacity")


def test_a_change_through_a_service_shows_at_once(five_reviews, leader):
    assert workload(leader) == 3
    r4 = five_reviews["reviews"][3]
    r4.status = "in_review"
    evidence.add_systemic_factor(
        five_reviews["builder"].reviewer,
        r4,
        {"category": "workload_and_capacity", "level": "team", "description": "More"},
    )
    assert workload(leader) == 4


def test_figures_are_reused_until_the_data_changes(five_reviews, leader, monkeypatch):
    calls = []
    compute = themes._compute

    def counted(scope):
        calls.append(scope)
        return compute(scope)

    monkeypatch.setattr(themes, "_compute", counted)
    first = themes.themes(leader, {"region": "Wales"})
    assert themes.themes(leader, {"region": "Wales"}) == first and len(calls) == 1
    themes.themes(leader, {"region": "London"})  # other filters: other figures
    assert len(calls) == 2
    r3 = five_reviews["reviews"][2]
    r3.pdu = "Cardiff and the Vale"  # any change to a review moves the data version
    db.session.commit()
    changed = themes.themes(leader, {"region": "Wales"})
    assert len(calls) == 3
    assert [a["name"] for a in changed["areas"]["items"]] == ["Cardiff and the Vale", "Gwent"]


def test_a_deleted_factor_moves_the_version(five_reviews, leader):
    before = cache.version()
    factor = five_reviews["reviews"][0].systemic_factors[0]
    db.session.delete(factor)
    db.session.commit()
    assert cache.version() == before + 1


def test_writes_that_do_not_change_figures_keep_the_version(five_reviews, leader, make_user):
    before = cache.version()
    make_user("officer")  # a new account: not a figure
    assert cache.version() == before


def test_turned_off_it_computes_every_time(app, five_reviews, leader, monkeypatch):
    monkeypatch.setitem(app.config, "FIGURES_CACHE_SECONDS", 0)
    calls = []
    compute = themes._compute
    monkeypatch.setattr(themes, "_compute", lambda s: calls.append(s) or compute(s))
    themes.themes(leader, {})
    themes.themes(leader, {})
    assert len(calls) == 2


def test_an_unreachable_redis_is_skipped(app, five_reviews, leader, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    assert workload(leader) == 3
    assert "Figures cache unavailable" in caplog.text


def _redis_or_skip():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=0.5)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    return client


def test_with_redis_every_worker_shares_the_figures(app, five_reviews, leader, monkeypatch):
    client = _redis_or_skip()
    for key in client.scan_iter("sfo-review:figures:*"):
        client.delete(key)
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    first = themes.themes(leader, {})
    keys = list(client.scan_iter("sfo-review:figures:*"))
    assert len(keys) == 1 and 0 < client.ttl(keys[0]) <= app.config["FIGURES_CACHE_SECONDS"]
    cache.clear_local()  # another worker: nothing in its memory, the entry is in Redis
    monkeypatch.setattr(themes, "_compute", lambda s: pytest.fail("recomputed"))
    assert themes.themes(leader, {}) == first
    client.delete(*keys)
