"""The dashboard's fragments (dashboard/fragments.py): the page drawn from kept fragments is
byte for byte the page drawn afresh, after changes of every kind, and each fragment reads
only the sections of the figures it is keyed by."""

from __future__ import annotations

import random
import re
from datetime import timedelta
from typing import Any

import pytest

from sfo_review import clock
from sfo_review.dashboard import fragments
from sfo_review.services import themes
from sfo_review.services.figures import cache
from tests.dashboard.test_figures_after_changes import Changes

SCOPES = ("", "?region=Wales", "?region=London&pdu=Camden+and+Islington", "?from=2026-01-01")
# What differs from one response to the next whatever the data: the CSP nonce, the CSRF
# token and the session timer's seconds.
PER_REQUEST = re.compile(
    r'nonce="[^"]*"|name="csrf_token" value="[^"]*"|data-(idle|absolute)-seconds="\d+"'
)


def _page(client, query: str) -> str:
    response = client.get("/dashboard" + query)
    assert response.status_code == 200
    return PER_REQUEST.sub("", response.get_data(as_text=True))


def _fresh(app, client, query: str, monkeypatch) -> str:
    """The page with the cache off: every fragment drawn from figures computed now."""
    with monkeypatch.context() as m:
        m.setitem(app.config, "FIGURES_CACHE_SECONDS", 0)
        return _page(client, query)


@pytest.mark.parametrize("seed", [1, 2])
def test_the_page_from_kept_fragments_is_the_page_drawn_afresh_after_every_change(
    seed, app, client, login_as, five_reviews, monkeypatch
):
    login_as("leadership")
    assert int(app.config["FIGURES_CACHE_SECONDS"]) > 0
    rng = random.Random(seed)
    changes = Changes(rng, five_reviews["reviews"], five_reviews["builder"])
    for query in SCOPES:
        first = _page(client, query)  # drawn, and its fragments kept
        assert first == _fresh(app, client, query, monkeypatch)
        assert _page(client, query) == first  # every fragment from the cache
    # Every kind of change once, in a random order, then random ones.
    kinds = changes.all()
    rng.shuffle(kinds)
    for step, change in enumerate([*kinds, *(rng.choice(kinds) for _ in range(8))]):
        done = change()
        for query in SCOPES:
            served = _page(client, query)
            assert served == _fresh(app, client, query, monkeypatch), (seed, step, done, query)


def test_a_fragment_is_drawn_again_only_when_its_sections_move(
    app, client, login_as, five_reviews, monkeypatch
):
    """After an action is added only the action figures' fragment is drawn again."""
    login_as("leadership")
    _page(client, "")
    drawn: list[str] = []
    draw = fragments.Fragments.draw

    def counted(self: fragments.Fragments, template: str) -> str:
        drawn.append(template)
        return draw(self, template)

    monkeypatch.setattr(fragments.Fragments, "draw", counted)
    _page(client, "")
    assert drawn == []
    five_reviews["builder"].action(five_reviews["reviews"][3], "pdu", "Head of PDU", "2026-09-01")
    _page(client, "")
    assert drawn == ["dashboard/_actions.html"]


def test_the_day_is_part_of_the_key(app, client, login_as, five_reviews, monkeypatch):
    """Overdue is counted against today: tomorrow's page is drawn again."""
    login_as("leadership")
    _page(client, "")
    tomorrow = clock.today() + timedelta(days=1)
    monkeypatch.setattr(clock, "today", lambda: tomorrow)
    assert _page(client, "") == _fresh(app, client, "", monkeypatch)


class Tracked(dict[str, Any]):
    """The figures, noting every key read."""

    def __init__(self, figures: dict[str, Any]) -> None:
        super().__init__(figures)
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        self.read.add(key)
        return super().__getitem__(key)


def test_each_fragment_reads_only_the_sections_it_is_keyed_by(
    app, make_user, five_reviews, monkeypatch
):
    leader = make_user("leadership")
    made_by: dict[str, str] = {}  # each key of the figures: the section that makes it
    get = cache.Sections.get

    def noted(self: cache.Sections, section: str, compute: Any) -> dict[str, Any]:
        found = get(self, section, compute)
        made_by.update(dict.fromkeys(found, section))
        return found

    monkeypatch.setattr(cache.Sections, "get", noted)
    figures = themes.themes(leader, {})
    assert set(fragments.SECTIONS) == {
        f"dashboard/{name}"
        for name in (
            "_deadlines.html",
            "_themes.html",
            "_findings.html",
            "_just_culture.html",
            "_who_gets_blamed.html",
            "_conditions.html",
            "_actions.html",
            "_recurrences.html",
            "_ratings.html",
        )
    }
    with app.test_request_context("/dashboard"):
        for template, sections in fragments.SECTIONS.items():
            tracked = Tracked(figures)
            context = fragments.context(tracked, clock.today())
            tracked.read.clear()  # the filters, read for every fragment's links
            app.jinja_env.get_template(template).render(context)
            read = {made_by.get(key, key) for key in tracked.read} - {"filters"}
            assert read and read <= set(sections), (template, read)


def test_with_redis_every_worker_shares_the_fragments_and_the_buckets(
    app, client, login_as, five_reviews, monkeypatch
):
    from tests.dashboard.test_figures_cache import REDIS_URL, _redis_or_skip

    redis = _redis_or_skip()
    for key in redis.scan_iter("sfo-review:*"):
        redis.delete(key)
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    login_as("leadership")
    first = _page(client, "")
    assert list(redis.scan_iter("sfo-review:dashboard:*"))
    assert len(list(redis.scan_iter("sfo-review:figure-buckets:*"))) == cache.BUCKETS
    cache.clear_local()  # another worker: nothing in its memory, everything in Redis
    monkeypatch.setattr(fragments.Fragments, "draw", lambda *a: pytest.fail("drawn again"))
    assert _page(client, "") == first
    for key in redis.scan_iter("sfo-review:*"):
        redis.delete(key)


def test_a_change_to_the_dashboards_templates_changes_every_key():
    """The fragments of the release before (in a shared Redis) are never served."""
    from jinja2 import DictLoader, Environment

    def drawn_by(source: str) -> str:
        loader = DictLoader({"dashboard/_actions.html": source, "other.html": "x"})
        return fragments.fingerprint(Environment(loader=loader))

    assert drawn_by("<h2>Actions</h2>") == drawn_by("<h2>Actions</h2>")
    assert drawn_by("<h2>Actions</h2>") != drawn_by("<h2>Agreed actions</h2>")
