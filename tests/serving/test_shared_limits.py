"""With Redis, the sign-in rate limit is shared by every worker (two apps stand for two
gunicorn workers); without it each worker counts in its own memory."""

from __future__ import annotations

import secrets

import pytest
from bs4 import BeautifulSoup
from flask_migrate import upgrade

from config import TestConfig
from sfo_review import create_app
from sfo_review.extensions import db, limiter

REDIS_URL = "redis://127.0.0.1:6379/3"


def _redis_or_skip() -> None:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")


def _attempt(client) -> int:
    html = client.get("/sign-in").get_data(as_text=True)
    token = BeautifulSoup(html, "html.parser").select_one("input[name=csrf_token]")["value"]
    response = client.post(
        "/sign-in",
        data={"email": "nobody@example.gov.uk", "password": "wrong", "csrf_token": token},
    )
    return response.status_code


def _worker(tmp_path, storage: str, prefix: str):
    class Worker(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'shared.db'}"
        RATELIMIT_STORAGE_URI = storage
        RATELIMIT_KEY_PREFIX = prefix
        LOGIN_RATE_LIMIT = "3 per minute"
        WTF_CSRF_ENABLED = True  # two servers as deployed: the sign-in form carries its token

    return create_app(Worker)


def test_two_workers_share_the_sign_in_limit_through_redis(tmp_path):
    _redis_or_skip()
    prefix = "sfo-test-" + secrets.token_hex(4)
    first, second = (_worker(tmp_path, REDIS_URL, prefix) for _ in range(2))
    with first.app_context():
        upgrade()
        assert type(limiter._storage).__name__ == "RedisStorage"
    a, b = first.test_client(), second.test_client()
    assert [_attempt(a), _attempt(b), _attempt(a)] == [200, 200, 200]
    assert _attempt(b) == 429  # the fourth attempt, counted across both workers
    for app in (first, second):
        with app.app_context():
            db.engine.dispose()


def test_redis_url_sets_the_limit_storage(monkeypatch):
    import config

    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    assert config.shared_storage() == REDIS_URL
    monkeypatch.delenv("REDIS_URL")
    assert config.shared_storage() == "memory://"
